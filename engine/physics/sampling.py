"""Drawing each tick's latency histograms from the composed distributions.

A pool (a node's instances of one version) that serves n requests in a tick records them in
the histogram buckets as its composed distribution says. Two ways, by how busy the pool was
when its distribution was composed (so the choice does not depend on how ticks are batched):

- a busy pool: Poisson counts around n·pmf per (bucket) cell where the distribution holds at
  least 10⁻⁷ — the multinomial's independent approximation, a few hundred draws a tick for
  the whole estate whatever its traffic;
- a quiet pool (fewer than ``QUIET`` requests a tick expected): each request draws its bucket
  from the distribution (one uniform, inverted through the CDF) — exactly multinomial, and
  cheaper than a draw per bucket when there are fewer requests than buckets.

Each recorded bucket also gets the sum of its latencies: its count times the composed mean of
that bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..histogram import B

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["QUIET", "draw"]

QUIET = 8.0  # requests a tick below which a pool's requests are drawn one by one
_NEGLIGIBLE = 1e-7


@dataclass(frozen=True, slots=True)
class _Plan:
    cell_pool: np.ndarray  # busy pools' cells: pool, share of its requests, node·B + bucket
    cell_pmf: np.ndarray
    cell_slot: np.ndarray
    cell_mean: np.ndarray  # s
    quiet: np.ndarray  # quiet pools
    quiet_cdf: np.ndarray  # their CDFs, row r shifted by r (one increasing sequence)
    quiet_mean: np.ndarray  # quiet × B: each bucket's mean (s)


def draw(world: World, tick: Tick, b: Batch, pool_n: np.ndarray,
         ) -> tuple[np.ndarray, np.ndarray]:
    """The batch's latency histograms (K × nodes × 2B: counts, then sums) and each pool's
    histogram summed over the batch (pools × 2B)."""
    plan = _plan(world, tick)
    routing = world.routing()
    K, N, P = b.k, world.topo.size, len(routing.pool_node)
    flat = np.zeros(K * N * B * 2)
    pool_hist = np.zeros((P, 2 * B))
    if len(plan.cell_pool):
        counts = tick.streams("latency").poisson(pool_n[:, plan.cell_pool] * plan.cell_pmf)
        sums = counts * plan.cell_mean
        _add(flat, K, N, plan.cell_slot, counts, sums)
        bucket = plan.cell_slot % B
        np.add.at(pool_hist, (plan.cell_pool, bucket), counts.sum(axis=0))
        np.add.at(pool_hist, (plan.cell_pool, B + bucket), sums.sum(axis=0))
    if len(plan.quiet):
        n = pool_n[:, plan.quiet].astype(np.int64).ravel()
        if n.sum():
            which = np.repeat(np.tile(np.arange(len(plan.quiet)), K), n)
            when = np.repeat(np.repeat(np.arange(K), len(plan.quiet)), n)
            u = tick.streams("latency-quiet").random(len(which))
            found = np.searchsorted(plan.quiet_cdf, which + u, side="right")
            bucket = np.clip(found - which * B, 0, B - 1)
            mean = plan.quiet_mean[which, bucket]
            pools = plan.quiet[which]
            slot = routing.pool_node[pools] * B + bucket
            index = when * (N * B) + slot
            flat[: K * N * B] += np.bincount(index, minlength=K * N * B)
            flat[K * N * B:] += np.bincount(index, mean, K * N * B)
            np.add.at(pool_hist, (pools, bucket), 1.0)
            np.add.at(pool_hist, (pools, B + bucket), mean)
    latency = np.empty((K, N, 2 * B))
    latency[:, :, :B] = flat[: K * N * B].reshape(K, N, B)
    latency[:, :, B:] = flat[K * N * B:].reshape(K, N, B)
    return latency, pool_hist


def _add(flat: np.ndarray, k: int, n: int, slot: np.ndarray, counts: np.ndarray,
         sums: np.ndarray) -> None:
    index = ((np.arange(k) * (n * B))[:, None] + slot).ravel()
    size = k * n * B
    flat[:size] += np.bincount(index, counts.ravel(), size)
    flat[size:] += np.bincount(index, sums.ravel(), size)


def _plan(world: World, tick: Tick) -> _Plan:
    dist = world.dist
    assert dist is not None
    if tick.cells is not None and tick.cells[0] is dist:
        return tick.cells[1]  # type: ignore[return-value]
    routing = world.routing()
    mass = dist.pool_pmf[:, :B]
    mean = np.where(mass > 0, dist.pool_pmf[:, B:] / np.where(mass > 0, mass, 1.0), 0.0)
    node = routing.pool_node
    total = np.bincount(node, routing.pool_share, world.topo.size)[node]
    expected = dist.rates[node] * world.dt * routing.pool_share / np.maximum(total, 1e-12) \
        if len(dist.rates) else np.zeros(len(node))
    quiet = np.flatnonzero(expected < QUIET)
    busy = np.ones(len(node), dtype=bool)
    busy[quiet] = False
    pool, bucket = np.nonzero((mass > _NEGLIGIBLE) & busy[:, None])
    cdf = np.cumsum(mass[quiet], axis=1)
    cdf = cdf / np.maximum(cdf[:, -1:], 1e-300) + np.arange(len(quiet))[:, None]
    plan = _Plan(pool, mass[pool, bucket], node[pool] * B + bucket, mean[pool, bucket],
                 quiet, cdf.ravel(), mean[quiet])
    tick.cells = (dist, plan)
    return plan
