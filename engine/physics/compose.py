"""What a request meets end to end: latency distributions composed along calls, on histograms.

Bottom-up (callees before callers), for every pool of instances (a node's instances of one
version) and every node:

- own latency: the pool's M/M/c sojourn (``physics.servers``) after its fixed work (``latency``
  × the version's latency factor) and its backlog's delay b/μ; an external's is lognormal with
  its median and p99 (σ = ln(p99/p50)/2.326); a database's writes wait for a synchronous
  standby (``physics.pools``);
- a query first waits for a connection from the caller's pool (``physics.pools``);
- one attempt on an edge: the callee's end-to-end distribution cut at the edge's timeout τ; it
  fails with p = 1 − (1 − F_callee)(1 − P(T > τ)); a timed-out attempt takes τ;
- with r retries: X_r = A, X_k = (1 − p)·A + p·(A_fail ⊛ backoff ⊛ X_{k+1}); the call fails
  with p^(r+1);
- weight w = n + f: n calls one after another, then one more with probability f (a mixture
  with "no call"): X^{⊛n} ⊛ (f·X + (1 − f)·δ₀); the chance it fails: 1 − (1 − p)^n (1 − f·p);
- a caller's calls: sequential ones convolve, parallel ones take the maximum (the tail at
  scale: with many parallel calls the slowest decides);
- the pool's request: own ⊛ calls, cut at the node's own timeout (the rest fail at it);
  F_pool = 1 − (1 − e_version)(1 − F_calls)(1 − P(T > timeout)); a node mixes its pools by
  their share of its traffic.

A distribution is a property of the estate's state, which moves slower than the counts drawn
from it every tick (``physics.outcomes``). It is composed again at once after any change of the
instance table, every ``BUSY_COMPOSE_MS`` while a backlog builds or drains, and otherwise,
checked every ``COMPOSE_MS`` of simulated time, when some
pool's queueing has moved: its wait factor 1/(1 − ρ) changed by more than ``WAIT_STEP``
(relative), or some node's load moved by more than ``RATE_STEP`` beyond the noise of a
minute's count (its connection pools wait differently), or a cache's hit ratio moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..chaos.effects import RETRANSMIT_S
from . import latency as lat
from . import pools as pools_
from .servers import RHO_MAX, SETTLED_S, erlang_c

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["COMPOSE_MS", "step"]

COMPOSE_MS = 60_000
BUSY_COMPOSE_MS = 5_000


WAIT_STEP = 0.12
RATE_STEP = 0.25


def pool_rho(world: World, smooth: np.ndarray) -> np.ndarray:
    """Each pool's utilisation from a row of smoothed per-node admitted rates."""
    inst, routing = world.inst, world.routing()
    P = len(routing.pool_node)
    weight = routing.share * routing.ready + 1e-12
    w_pool = np.bincount(routing.pool, weight, P)
    mu = np.bincount(routing.pool, routing.mu * weight, P) / w_pool
    lam = np.bincount(routing.pool, smooth[inst.node] * routing.share * weight, P) / w_pool
    return np.minimum(lam / np.maximum(mu, 1e-9), RHO_MAX)


def _reshaped(world: World, tick: Tick) -> bool:
    """Did the instance table change in a way that matters to the distributions: other pools,
    other shares of the traffic, other service rates? (An instance still starting does not.)"""
    dist = world.dist
    if dist is None:
        return True
    if tick.composed_change == world.changed:
        return False
    now = _signature(world)
    if len(now) != len(dist.signature) or not np.array_equal(now, dist.signature):
        return True
    tick.composed_change = world.changed  # the same estate, as far as requests can tell
    return False


def _signature(world: World) -> np.ndarray:
    routing = world.routing()
    mu = np.bincount(routing.pool, routing.mu * routing.ready, len(routing.pool_node))
    return np.concatenate([routing.pool_node, routing.pool_version, routing.pool_share, mu,
                           routing.routable, [world.effects.version]])


def _edge_faults(world: World, edges: np.ndarray, attempt: np.ndarray, p: np.ndarray,
                 tau: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Faults on call edges: added latency, retransmissions of lost packets, calls that fail
    at once (a failed lookup or handshake), and calls that hang until their timeout (a
    partition)."""
    fx = world.effects
    extra, slow, fast, cut = (fx.edge_latency[edges], fx.edge_delay[edges], fx.edge_fail[edges],
                              fx.edge_cut[edges])
    attempt, p = attempt.copy(), p.copy()
    if extra.any():
        sel = np.flatnonzero(extra > 0)
        attempt[sel] = lat.convolve(attempt[sel], lat.at_value(extra[sel]))
    if slow.any():
        sel = np.flatnonzero(slow > 0)
        later = lat.convolve(attempt[sel], lat.at_value(np.full(len(sel), RETRANSMIT_S)))
        attempt[sel] = (1.0 - slow[sel, None]) * attempt[sel] + slow[sel, None] * later
        p[sel] = fx.combine(p[sel], slow[sel] ** 3)  # every retransmission lost as well
    if fast.any():
        sel = np.flatnonzero(fast > 0)
        attempt[sel] = (1.0 - fast[sel, None]) * attempt[sel] + fast[sel, None] * \
            lat.at_value(np.full(len(sel), 0.001))
        p[sel] = fx.combine(p[sel], fast[sel])
    if cut.any():
        attempt[cut] = lat.at_value(tau[cut])
        p[cut] = 1.0
    return attempt, p


def moved(world: World, tick: Tick, smooth: np.ndarray) -> bool:
    """Has the queueing moved enough since the last composition to compose again?"""
    dist = world.dist
    if dist is None or _reshaped(world, tick):
        return True
    if world.inst.backlog.any() or dist.backlog:
        return True
    hit = world.topo.hit_target * world.flow.warm
    if not np.array_equal(hit, dist.hit):
        return True
    rho = pool_rho(world, smooth)
    if np.any(np.abs(np.log((1.0 - dist.rho) / (1.0 - rho))) > WAIT_STEP):
        return True
    # any node's load (what its connection pools and caches see) beyond the minute's noise
    noise = 3.0 * np.sqrt(np.maximum(smooth, dist.rates) / SETTLED_S)
    return bool(np.any(np.abs(smooth - dist.rates) > RATE_STEP * dist.rates + noise))


def due(world: World, tick: Tick, t: int) -> bool:
    dist = world.dist
    if dist is None or _reshaped(world, tick):
        return True
    if (world.inst.backlog.any() or dist.backlog) and t % BUSY_COMPOSE_MS == 0:
        return True  # a backlog moves the latency by the second
    return t % COMPOSE_MS == 0 and moved(world, tick, world.flow.slow)


def step(world: World, tick: Tick, t: int) -> None:
    from ..world import Distributions

    topo, inst, routing = world.topo, world.inst, world.routing()
    versions = world.versions
    P = len(routing.pool_node)
    pool, pool_node = routing.pool, routing.pool_node
    weight = routing.share * routing.ready + 1e-12
    w_pool = np.bincount(pool, weight, P)

    def mean(values: np.ndarray) -> np.ndarray:
        return np.bincount(pool, values * weight, P) / w_pool

    mu = np.maximum(mean(routing.mu), 1e-9)
    lam = mean(world.flow.slow[inst.node] * routing.share)  # over a minute, not one tick
    rho = np.minimum(lam / mu, RHO_MAX)
    c = topo.workers[pool_node]
    fx = world.effects
    base = topo.base_latency[pool_node] * versions.latency_factor[routing.pool_version] + \
        mean(inst.backlog / np.maximum(routing.mu, 1e-9)) + fx.node_latency[pool_node]
    own = lat.own_latency(base, c / mu, erlang_c(c, rho), 1.0 / (mu * (1.0 - rho)))
    ext = topo.is_external[pool_node]
    if ext.any():
        own[ext] = lat.lognormal(topo.base_latency[pool_node[ext]], topo.ext_p99[pool_node[ext]])
    own_err = fx.combine(versions.error_rate[routing.pool_version], fx.node_error[pool_node])

    node_pmf = lat.zero(topo.size)
    node_fail = np.zeros(topo.size)
    attempt_fail = np.zeros(len(topo.edge_src))
    pool_pmf = np.zeros((P, lat.W))
    pool_fail = np.zeros(P)
    share = routing.pool_share
    hit = topo.hit_target * world.flow.warm * (routing.routable > 0)
    for nodes, edges in reversed(tick.levels):
        calls, call_fail = _calls(world, tick, nodes, edges, node_pmf, node_fail, attempt_fail,
                                  hit)
        pools = np.flatnonzero(np.isin(pool_node, nodes))
        if not len(pools):
            continue
        rows = pool_node[pools]
        e2e = lat.convolve(own[pools], calls[np.searchsorted(nodes, rows)])
        e2e = pools_.sync_commit(world, tick, rows, e2e)
        kept, timed = lat.timeout_cut(e2e, topo.timeout[rows])
        kept += timed[:, None] * lat.at_value(topo.timeout[rows])
        fail = 1.0 - (1.0 - own_err[pools]) * (1.0 - call_fail[np.searchsorted(nodes, rows)]) \
            * (1.0 - timed)
        pool_pmf[pools], pool_fail[pools] = kept, fail
        s = share[pools]
        total = np.bincount(rows, s, topo.size)[nodes]
        mixed = np.zeros((topo.size, lat.W))
        np.add.at(mixed, rows, kept * s[:, None])
        has = total > 0
        node_pmf[nodes[has]] = mixed[nodes[has]] / total[has, None]
        node_fail[nodes] = np.where(has, np.bincount(rows, fail * s, topo.size)[nodes]
                                    / np.maximum(total, 1e-12), 1.0)
        caches = nodes[topo.is_cache[nodes] & ~has]
        if len(caches):  # a cache that is down passes every lookup to its backing store
            node_pmf[caches] = calls[np.searchsorted(nodes, caches)]
            node_fail[caches] = call_fail[np.searchsorted(nodes, caches)]
    world.dist = Distributions(pool_pmf, pool_fail, node_pmf, node_fail, attempt_fail, t,
                               rho=rho,
                               hit=topo.hit_target * world.flow.warm,
                               backlog=bool(inst.backlog.any()), signature=_signature(world),
                               rates=world.flow.slow.copy())
    tick.composed_change = world.changed


def _calls(world: World, tick: Tick, nodes: np.ndarray, edges: np.ndarray,
           node_pmf: np.ndarray, node_fail: np.ndarray, attempt_fail: np.ndarray,
           hit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The combined latency of each node's calls and the chance one of them fails."""
    topo = world.topo
    out = lat.zero(len(nodes))
    fail = np.zeros(len(nodes))
    if not len(edges):
        return out, fail
    dst = topo.edge_dst[edges]
    tau = topo.edge_timeout[edges]
    w = topo.edge_weight[edges]
    miss = topo.edge_cache[edges] >= 0
    w = np.where(miss, 1.0 - hit[topo.edge_src[edges]], w)
    callee = node_pmf[dst]
    waited = pools_.pool_wait(world, tick, edges, callee, w)  # for a pooled connection
    kept, timed = lat.timeout_cut(callee if waited is None else waited, tau)
    attempt = kept + timed[:, None] * lat.at_value(tau)
    p = 1.0 - (1.0 - node_fail[dst]) * (1.0 - timed)
    if world.effects.on_edges:
        attempt, p = _edge_faults(world, edges, attempt, p, tau)
    attempt_fail[edges] = p
    call, p_call = attempt, p.copy()
    retries = topo.edge_retries[edges]
    sel = np.flatnonzero((retries > 0) & (p > 1e-4))
    if len(sel):  # X_r = A; X_k = (1 − p)·A + p·(A ⊛ backoff ⊛ X_{k+1})
        first, chance, r = attempt[sel], p[sel][:, None], retries[sel]
        fail_lat = lat.convolve(first, lat.at_value(topo.edge_backoff[edges[sel]]))
        x = first
        for i in range(int(r.max())):
            x = np.where((r > i)[:, None], (1 - chance) * first + chance *
                         lat.convolve(fail_lat, x), x)
        call = call.copy()
        call[sel] = x
        p_call[sel] = p[sel] ** (r + 1)
    whole = np.floor(w).astype(np.int64)
    frac = w - whole
    total = frac[:, None] * call
    total[:, 0] += 1.0 - frac
    sel = np.flatnonzero(whole > 0)
    if len(sel):  # ⌊w⌋ calls one after another
        acc = total[sel]
        for i in range(int(whole[sel].max())):
            acc = np.where((whole[sel] > i)[:, None], lat.convolve(acc, call[sel]), acc)
        total[sel] = acc
    edge_fail = 1.0 - (1.0 - p_call) ** whole * (1.0 - frac * p_call)
    caller = np.searchsorted(nodes, topo.edge_src[edges])
    seq = lat.zero(len(nodes))
    par = seq.copy()
    parallel = topo.edge_parallel[edges]
    slot = tick.edge_slot[edges]
    started = np.zeros((2, len(nodes)), dtype=bool)
    for k in range(int(slot.max()) + 1):
        for mode, (mask, acc, combine) in enumerate(((~parallel, seq, lat.convolve),
                                                     (parallel, par, lat.maximum))):
            pick = np.flatnonzero((slot == k) & mask)
            if not len(pick):
                continue
            who = caller[pick]
            first = ~started[mode, who]  # the first call needs no combining
            acc[who[first]] = total[pick[first]]
            if (~first).any():
                acc[who[~first]] = combine(acc[who[~first]], total[pick[~first]])
            started[mode, who] = True
    has_par = np.bincount(caller, parallel, len(nodes)) > 0
    out = seq.copy()
    if has_par.any():
        out[has_par] = lat.convolve(seq[has_par], par[has_par])
    log_ok = np.bincount(caller, np.log1p(-np.minimum(edge_fail, 1 - 1e-12)), len(nodes))
    return out, -np.expm1(log_ok)
