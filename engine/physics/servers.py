"""Each instance as a server with ``workers`` parallel workers (M/M/c), and its backlog.

An instance serves at most μ requests/s with all c workers busy (its ``capacity``, reduced by
CPU stress, by a version's CPU factor, and while it warms up); each worker serves μ/c. Fed
λ = admitted·share/dt requests/s, its utilisation is ρ = λ/μ and, in the stationary regime,

- a request waits for a worker with the Erlang C probability
      C(c, a) = (a^c/c!)·(1/(1 − ρ)) / (Σ_{k<c} a^k/k! + (a^c/c!)·(1/(1 − ρ))),  a = c·ρ,
  and then waits Exp(mean 1/(μ − λ)); its work takes Exp(mean c/μ). For c = 1 this is M/M/1:
  C = ρ and the sojourn is Exp(mean 1/(μ − λ)).
- ρ is capped at ``RHO_MAX`` for the stationary part. Past μ the excess piles up as a fluid
  backlog b_t = min(max(b_{t−1} + (λ̄ − μ)·dt, 0), q_max) that adds b/μ to every request's wait
  and drains when load falls (``physics.flow`` sheds what would overflow q_max). λ̄ is the
  node's admitted rate over the last ``SMOOTH_S`` (a moving average, each instance taking its
  share): a tick's Poisson burst above μ is queueing the stationary formula already counts,
  not an overload. The latency distributions are composed for the rate over the last
  ``SETTLED_S`` (``physics.compose``).

Reference: Kleinrock, *Queueing Systems* vol. 1, §3.5 (M/M/m) — Erlang's C formula.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .flow import QUEUE_SHARE

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["RHO_MAX", "erlang_c", "step"]

RHO_MAX = 0.95
SMOOTH_S = 10.0
SETTLED_S = 60.0  # the load the latency distributions are composed for (physics.compose)


def erlang_c(workers: np.ndarray, rho: np.ndarray) -> np.ndarray:
    """The probability that an arrival waits, for c servers at utilisation ρ < 1 (arrays)."""
    c = np.asarray(workers, dtype=np.float64)
    rho = np.minimum(np.asarray(rho, dtype=np.float64), RHO_MAX)
    a = c * rho
    # Σ_{k<c} a^k/k! and a^c/c! by the recursion term_k = term_{k−1}·a/k (c is small)
    term = np.ones_like(a)
    total = np.zeros_like(a)
    for k in range(int(c.max()) if c.size else 0):
        live = k < c
        total = total + np.where(live, term, 0.0)
        term = np.where(live, term * a / (k + 1), term)
    last = term / np.maximum(1.0 - rho, 1e-12)
    return last / (total + last)


def step(world: World, tick: Tick, b: Batch) -> None:
    """Smooth each node's admitted rate, and carry the backlog: none forms inside a batch."""
    inst, topo, routing, dt = world.inst, world.topo, world.routing(), world.dt
    b.lam_node = b.admitted / dt
    # moving sums of whole counts are exact, so they do not depend on how ticks are batched
    recent = np.concatenate([world.flow.admitted_recent, b.admitted])
    total = np.cumsum(recent, axis=0)
    held = len(world.flow.admitted_recent)
    fast, slow_n = tick.smooth_ticks
    end = np.arange(held, held + b.k)
    b.smooth = (total[end] - total[end - fast]) / (fast * dt)
    b.slow = (total[end] - total[end - slow_n]) / (slow_n * dt)
    s, slow = b.smooth[-1], b.slow[-1]
    kept = recent[-held:]
    share = routing.share
    limit = tick.overload_threshold()  # per node: the smoothed rate past which a queue grows
    b.assume(b.smooth > limit)
    mu = routing.mu
    lam_smooth = s[inst.node] * share
    backlog = inst.backlog
    if backlog.any() or np.any(lam_smooth > mu):
        cap = mu * topo.timeout[inst.node] * QUEUE_SHARE
        backlog = np.clip(backlog + (lam_smooth - mu) * dt, 0.0, cap) * routing.ready
    lam = b.lam_node[-1][inst.node] * share
    b.extra["backlog_after"] = backlog

    def commit() -> None:
        world.flow.smooth = s
        world.flow.slow = slow
        world.flow.admitted_recent = kept
        inst.backlog = backlog
        inst.lam = lam
        inst.rho = lam / np.maximum(mu, 1e-12)

    b.commit(commit)
