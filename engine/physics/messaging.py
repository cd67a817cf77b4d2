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
    """(queue, consumer) pairs and their lag in messages."""

    def __init__(self, pairs: list[tuple[int, int]], size: int) -> None:
        self.queue = np.array([q for q, _ in pairs], dtype=np.int64)
        self.consumer = np.array([c for _, c in pairs], dtype=np.int64)
        self.lag = np.zeros(len(pairs))
        self.offered = np.zeros(len(pairs))
        self.size = size
        self.unique = len(set(self.queue.tolist())) == len(self.queue)

    def __bool__(self) -> bool:
        return bool(len(self.queue))

    def demand(self, queue_lam: np.ndarray, ready_capacity: np.ndarray) -> np.ndarray:
        """Requests/s each consumer node pulls this tick (zero for non-consumers)."""
        produce = queue_lam[self.queue]
        self.offered = np.minimum(produce + self.lag / DRAIN_S, 0.9 * ready_capacity[self.consumer])
        return np.bincount(self.consumer, self.offered, self.size)

    def settle(self, queue_lam: np.ndarray, consumer_err: np.ndarray, dt: float) -> None:
        consumed = self.offered * (1.0 - consumer_err[self.consumer])
        self.lag = np.maximum(self.lag + (queue_lam[self.queue] - consumed) * dt, 0.0)

    def per_queue(self, out: np.ndarray) -> None:
        """Write the largest lag of any consumer group of each queue into ``out``."""
        if self.unique:
            out[self.queue] = self.lag
        else:
            out[:] = 0.0
            np.maximum.at(out, self.queue, self.lag)


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
