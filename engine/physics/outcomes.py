"""This tick's outcomes, drawn from the composed distributions: failures, latencies, retries.

- Failures: each pool's admitted requests fail Binomial(n, F_pool,t), where F_pool,t adds to the
  composed F_pool what this tick's refusals downstream cost it: a call (weight w, r retries) to
  a callee that refused a share s of its arrivals this tick fails with w·s^(r+1) more.
  A node's errors are its failures plus every request refused at its door.
- Latency: the admitted requests of a pool fall into the histogram buckets as Poisson counts
  around n·pmf (the multinomial's independent approximation), so a pool with few requests is
  visibly noisy and a busy one is steady. Refused requests are answered at once and are not
  in the latency histogram (as a load balancer's 503s are not in the service's own).
- Attempts on an edge fail Binomial(attempts, p_t); the failed ones are owed a retry next
  tick while the edge allows retries (first attempts always, retries of retries in proportion
  (r − 1)/r). Blocked calls (an open breaker) fail at once and are not retried.
- Circuit breakers (the Hystrix / resilience4j state machine): closed → open when, over the last
  ``window``, at least ``min_calls`` calls were made and a share ≥ ``errors`` failed; open for
  ``open``; then half-open, letting ``probes`` calls through: all succeed → closed, else open.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]


def step(world: World, tick: Tick, t: int) -> None:
    topo, flow, dist, routing = world.topo, world.flow, world.dist, world.routing()
    rng = tick.rng_outcomes
    assert dist is not None
    refused_share = flow.rejected / np.maximum(flow.arrivals, 1.0)
    edges = tick.call_edges
    extra = np.zeros(topo.size)
    if len(edges):
        s = refused_share[topo.edge_dst[edges]]
        if s.any():
            hurt = np.minimum(topo.edge_weight[edges], 1.0) * s ** (topo.edge_retries[edges] + 1)
            extra = -np.expm1(np.bincount(topo.edge_src[edges], np.log1p(-np.minimum(
                hurt, 1 - 1e-12)), topo.size))
    pool_n = flow.admitted[routing.pool_node] * routing.pool_share / np.maximum(
        np.bincount(routing.pool_node, routing.pool_share, topo.size)[routing.pool_node], 1e-12)
    pool_n = _whole(pool_n, routing.pool_node, flow.admitted)
    fail_p = 1.0 - (1.0 - dist.pool_fail) * (1.0 - extra[routing.pool_node])
    failed = rng.binomial(pool_n.astype(np.int64), np.clip(fail_p, 0.0, 1.0))
    flow.failed = flow.rejected + np.bincount(routing.pool_node, failed, topo.size)
    expected = pool_n[:, None] * dist.pool_pmf
    counts = np.zeros_like(expected)
    live = expected > 1e-9
    counts[live] = rng.poisson(expected[live])
    latency = np.zeros((topo.size, counts.shape[1]))
    np.add.at(latency, routing.pool_node, counts)
    flow.latency_counts = latency
    _per_version(world, routing.pool_version, pool_n, failed, counts)
    _attempts(world, tick, t, refused_share)


def _per_version(world: World, version: np.ndarray, n: np.ndarray, failed: np.ndarray,
                 counts: np.ndarray) -> None:
    """Run-long counts per deployed version (a pool), for comparing a canary with its stable
    pool over any window: requests, failures and the latency histogram."""
    acc = world.version_counts
    size = len(world.versions.names)
    if acc.requests.shape[0] < size:
        acc.grow(size)
    np.add.at(acc.requests, version, n)
    np.add.at(acc.failed, version, failed)
    np.add.at(acc.latency, version, counts)


def _whole(pool_n: np.ndarray, pool_node: np.ndarray, admitted: np.ndarray) -> np.ndarray:
    """Split each node's whole admitted count over its pools (largest remainders)."""
    floor = np.floor(pool_n + 1e-9)
    short = admitted - np.bincount(pool_node, floor, len(admitted))
    if not short.any():
        return floor
    order = np.lexsort((-(pool_n - floor), pool_node))
    rank = np.empty(len(order), dtype=np.int64)
    first = np.searchsorted(pool_node[order], pool_node[order])
    rank[order] = np.arange(len(order)) - first
    return floor + (rank < short[pool_node])


def _attempts(world: World, tick: Tick, t: int, refused_share: np.ndarray) -> None:
    topo, flow, dist = world.topo, world.flow, world.dist
    rng = tick.rng_outcomes
    if not len(topo.edge_src):
        return
    p = 1.0 - (1.0 - dist.attempt_fail) * (1.0 - refused_share[topo.edge_dst])
    p = np.where(topo.edge_cache >= 0, 0.0, p)  # a cache miss is not a failure of the cache
    failed = rng.binomial(flow.attempts.astype(np.int64), np.clip(p, 0.0, 1.0))
    retries = topo.edge_retries
    first_share = flow.calls / np.maximum(flow.calls + flow.retry_owed + flow.retry_owed_late,
                                          1.0)
    first_failed = np.round(failed * np.minimum(first_share, 1.0))
    later = failed - first_failed
    flow.retry_owed = np.where(retries > 0, first_failed, 0.0)
    flow.retry_owed_late = np.where(retries > 1, np.floor(later * (retries - 1) / np.maximum(
        retries, 1)), 0.0)
    if tick.breaker_edges:
        _breakers(world, tick, t, failed + flow.blocked)
    flow.edge_failed = failed + flow.blocked


def _breakers(world: World, tick: Tick, t: int, failed: np.ndarray) -> None:
    flow, topo = world.flow, world.topo
    slot = (t // world.dt_ms) % flow.window_calls.shape[1]
    for e in tick.breaker_edges:
        spec = topo.edge_breaker[e]
        flow.window_calls[e, slot] = flow.attempts[e] + flow.blocked[e]
        flow.window_failed[e, slot] = failed[e]
        if flow.breaker_open_until[e] > t:
            continue
        if flow.breaker_probes[e] > 0:  # half-open: the probes decide
            sent = min(flow.attempts[e], flow.breaker_probes[e])
            if failed[e] > 0:
                _open(world, e, t, spec, "half-open probe failed")
            else:
                flow.breaker_probes[e] -= int(sent)
                if flow.breaker_probes[e] <= 0:
                    flow.breaker_probes[e] = 0
                    _event(world, e, "breaker.closed", "probes succeeded")
            continue
        span = max(1, min(int(spec.window // world.dt_ms), flow.window_calls.shape[1]))
        idx = (slot - np.arange(span)) % flow.window_calls.shape[1]
        calls = flow.window_calls[e, idx].sum()
        if calls >= spec.min_calls and flow.window_failed[e, idx].sum() >= spec.errors * calls:
            _open(world, e, t, spec, f"{flow.window_failed[e, idx].sum():.0f} of {calls:.0f} "
                                     "calls failed")


def _open(world: World, e: int, t: int, spec, why: str) -> None:  # noqa: ANN001
    flow = world.flow
    flow.breaker_open_until[e] = t + spec.open
    flow.breaker_probes[e] = spec.probes
    flow.window_calls[e] = 0.0
    flow.window_failed[e] = 0.0
    _event(world, e, "breaker.opened", why)


def _event(world: World, e: int, type_: str, why: str) -> None:
    topo = world.topo
    src, dst = topo.nodes[int(topo.edge_src[e])], topo.nodes[int(topo.edge_dst[e])]
    world.emit(type_, service=src.name, callee=dst.name, env=src.env, reason=why)
