"""Each tick's outcomes, drawn from the composed distributions: failures and latencies.

- Pools: a node's admitted requests are split over its pools (a node's instances of one
  version) as a load balancer spreads them, request by request: multinomially by the pools'
  shares, so a 5 % canary gets Binomial(n, 0.05) requests, not exactly 5 %.
- Failures: each pool's requests fail Binomial(n, F_pool,t), where F_pool,t adds to the
  composed F_pool what this tick's refusals downstream and open breakers cost it: calls
  (weight w = n + f, r retries) to a callee that refused a share s of its arrivals this tick,
  on an edge whose breaker stopped a share o of them, all succeed with (1 − x)^n (1 − f·x),
  x = 1 − (1 − s^(r+1))(1 − o).
  A node's errors are its failures plus every request refused at its door.
- Latency: a pool's requests fall into the histogram buckets as Poisson counts around n·pmf
  (the multinomial's independent approximation; buckets where the distribution holds less
  than 10⁻⁷ stay empty), so a pool with few requests is visibly noisy and a busy one is
  steady; each bucket's sum is its count times the composed mean of that bucket.
  Refused requests are answered at once and are not in the latency histogram (as a load
  balancer's 503s are not in the service's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..batch import group_add
from ..histogram import B

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]

_NEGLIGIBLE = 1e-7


def step(world: World, tick: Tick, b: Batch) -> None:
    topo, dist, routing = world.topo, world.dist, world.routing()
    assert dist is not None
    N = topo.size
    pool_node = routing.pool_node
    refused = b.rejected / np.maximum(b.arrivals, 1.0)
    extra = np.zeros((b.k, N))
    edges = tick.call_edges
    if len(edges) and (refused.any() or b.blocked.any()):
        # a call fails when every attempt is refused, or an open breaker stops it:
        # w = n + f calls all succeed with (1 − s)^n (1 − f·s)
        blocked = b.blocked[:, edges] / np.maximum(b.calls[:, edges], 1.0)
        s = 1.0 - (1.0 - refused[:, topo.edge_dst[edges]] ** (topo.edge_retries[edges] + 1)) \
            * (1.0 - blocked)
        w = topo.edge_weight[edges]
        whole = np.floor(w)
        log_ok = whole * np.log1p(-np.minimum(s, 1 - 1e-12)) + np.log1p(
            -np.minimum((w - whole) * s, 1 - 1e-12))
        extra = -np.expm1(group_add(log_ok, topo.edge_src[edges], N))
    pool_n = _split(tick, routing, b.admitted)
    fail_p = np.clip(1.0 - (1.0 - dist.pool_fail) * (1.0 - extra[:, pool_node]), 0.0, 1.0)
    failed = tick.streams("pool-fail").binomial(pool_n.astype(np.int64), fail_p)
    b.failed = b.rejected + group_add(failed, pool_node, N)
    cell_pool, cell_pmf, cell_slot, cell_mean, cell_node, cell_col = _cells(world, tick)
    counts = tick.streams("latency").poisson(pool_n[:, cell_pool] * cell_pmf)
    sums = counts * cell_mean
    K = b.k
    latency = np.zeros((K, N, 2 * B))
    if cell_col is not None:  # one pool per node: every cell has a slot of its own
        flat = latency.reshape(K, N * 2 * B)
        flat[:, cell_col] = counts
        flat[:, cell_col + B] = sums
    else:
        slot = ((np.arange(K) * (N * B))[:, None] + cell_slot).ravel()  # one index, two sums
        latency[:, :, :B] = np.bincount(slot, counts.ravel(), K * N * B).reshape(K, N, B)
        latency[:, :, B:] = np.bincount(slot, sums.ravel(), K * N * B).reshape(K, N, B)
    b.latency = latency
    b.extra["served"] = group_add(counts, cell_node, N)
    b.extra["latency_sum"] = group_add(sums, cell_node, N)
    b.commit(lambda: _per_version(world, routing.pool_version, pool_n.sum(axis=0),
                                  failed.sum(axis=0), counts.sum(axis=0), sums.sum(axis=0),
                                  cell_pool, cell_slot % B))


def _cells(world: World, tick: Tick) -> tuple[np.ndarray, ...]:
    """The (pool, bucket) cells where a pool's latency can fall: each cell's pool, its share
    of the pool's requests, its slot in the per-node histograms (node·B + bucket), the mean
    latency of the requests that fall in it, its node, and — when no two cells share a slot —
    its column in a tick's flattened node × (counts, sums) histogram (node·2B + bucket)."""
    dist = world.dist
    assert dist is not None
    if tick.cells is not None and tick.cells[0] is dist:
        return tick.cells[1]
    routing = world.routing()
    mass = dist.pool_pmf[:, :B]
    pool, bucket = np.nonzero(mass > _NEGLIGIBLE)
    cell_mass = mass[pool, bucket]
    mean = dist.pool_pmf[pool, B + bucket] / cell_mass
    node = routing.pool_node[pool]
    slot = node * B + bucket
    column = node * (2 * B) + bucket if len(np.unique(slot)) == len(slot) else None
    cells = (pool, cell_mass, slot, mean, node, column)
    tick.cells = (dist, cells)
    return cells


def _split(tick: Tick, routing, admitted: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Each node's admitted requests spread over its pools by their shares (multinomial, as
    conditional binomials: pool r takes Binomial(left, s_r / Σ_{q≥r} s_q))."""
    node = routing.pool_node
    ranks, cond_p = tick.pool_ranks()
    if len(ranks) == 1:
        return admitted[:, node]  # one pool per node: it takes everything
    out = np.zeros((admitted.shape[0], len(node)))
    taken = np.zeros_like(admitted)
    for rank, pools in enumerate(ranks):
        nodes = node[pools]
        left = admitted[:, nodes] - taken[:, nodes]
        got = tick.streams("split", rank).binomial(left.astype(np.int64), cond_p[pools])
        out[:, pools] = got
        taken[:, nodes] += got
    return out


def _per_version(world: World, version: np.ndarray, n: np.ndarray, failed: np.ndarray,
                 counts: np.ndarray, sums: np.ndarray, cell_pool: np.ndarray,
                 bucket: np.ndarray) -> None:
    """Run-long counts per deployed version (a pool), for comparing a canary with its stable
    pool over any window: requests, failures and the latency histogram (counts and sums)."""
    acc = world.version_counts
    size = len(world.versions.names)
    if acc.requests.shape[0] < size:
        acc.grow(size)
    np.add.at(acc.requests, version, n)
    np.add.at(acc.failed, version, failed)
    np.add.at(acc.latency, (version[cell_pool], bucket), counts)
    np.add.at(acc.latency, (version[cell_pool], B + bucket), sums)
