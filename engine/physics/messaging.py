"""Queues with consumer lag, and caches whose hit ratio recovers after a flush.

Queue: producers publish λ_q messages/s (the traffic of the queue node). Each consumer group
pulls up to 90 % of its ready capacity, trying to drain its lag ℓ within ``DRAIN_S``:
offered = min(λ_q + ℓ/DRAIN_S, 0.9·μ_ready); consumed = offered·(1 − E_consumer);
dℓ/dt = λ_q − consumed, ℓ ≥ 0.

Cache: a lookup misses with probability 1 − h and goes to the backing store, so the edge
cache → backing carries 1 − h calls per lookup. After a flush h restarts at 0 and recovers
toward its steady value as h(t) = h* − (h* − h₀)·e^(−t/τ) with τ = warmup/3.
"""

from __future__ import annotations

import numpy as np

__all__ = ["CacheWarmth", "ConsumerGroups"]

DRAIN_S = 30.0


class ConsumerGroups:
    """(queue, consumer) pairs and their lag in messages.

    There are a handful of pairs at most, so this is plain float arithmetic per pair rather
    than array operations (cheaper at that size).
    """

    def __init__(self, pairs: list[tuple[int, int]], size: int) -> None:
        self.pairs = list(pairs)
        self.queue = np.array([q for q, _ in pairs], dtype=np.intp)
        self.lag = [0.0] * len(pairs)
        self.offered = [0.0] * len(pairs)
        self.size = size

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def demand(self, queue_lam: np.ndarray, ready_capacity: np.ndarray) -> np.ndarray:
        """Requests/s each consumer node pulls this tick (zero for non-consumers)."""
        out = np.zeros(self.size)
        for i, (q, c) in enumerate(self.pairs):
            offered = min(float(queue_lam[q]) + self.lag[i] / DRAIN_S,
                          0.9 * float(ready_capacity[c]))
            self.offered[i] = offered
            out[c] += offered
        return out

    def settle(self, queue_lam: np.ndarray, consumer_err: np.ndarray, dt: float) -> None:
        for i, (q, c) in enumerate(self.pairs):
            consumed = self.offered[i] * (1.0 - float(consumer_err[c]))
            self.lag[i] = max(self.lag[i] + (float(queue_lam[q]) - consumed) * dt, 0.0)

    def per_queue(self, out: np.ndarray) -> None:
        """Write the largest lag of any consumer group of each queue into ``out``."""
        out[self.queue] = 0.0
        for (q, _), lag in zip(self.pairs, self.lag, strict=True):
            out[q] = max(out[q], lag)


class CacheWarmth:
    """Hit ratio per cache node and the weights of the cache → backing edges."""

    def __init__(self, target: np.ndarray, warmup_s: np.ndarray, edge_cache: np.ndarray) -> None:
        self.target = target
        self.hit = target.copy()
        self.tau = np.maximum(warmup_s / 3.0, 1e-9)
        self.edge_cache = edge_cache
        self.cache_edges = np.flatnonzero(edge_cache >= 0)
        self.cold = False

    def flush(self, node: int) -> None:
        self.hit[node] = 0.0
        self.cold = True

    def advance(self, dt: float) -> bool:
        """Move hit ratios toward their targets; True when edge weights need refreshing."""
        if not self.cold:
            return False
        self.hit = self.target - (self.target - self.hit) * np.exp(-dt / self.tau)
        if np.all(self.target - self.hit < 1e-4):
            self.hit = self.target.copy()
            self.cold = False
        return True

    def edge_weights(self, weight: np.ndarray) -> np.ndarray:
        out = weight.copy()
        caches = self.edge_cache[self.cache_edges]
        out[self.cache_edges] = 1.0 - self.hit[caches]
        return out
