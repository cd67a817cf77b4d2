"""The last hour of 15-second samples, and what rules ask of a window of them.

A window's figure is worked out the way a dashboard query over that range would: counts are
summed before dividing (the error rate over five minutes is failures over requests, not a mean
of per-sample rates), percentiles come from the merged latency histograms, gauges are averaged,
and a trend is the least-squares slope of the samples (Prometheus' ``deriv``/``predict_linear``).
"""

from __future__ import annotations

import numpy as np

from ..histogram import quantiles
from ..metrics import M
from .loop import Sample

__all__ = ["Recent"]

KEEP = 240  # samples: an hour


class Recent:
    """A ring of the latest samples (metric × node rows and node × bucket histograms)."""

    def __init__(self, metrics: int, nodes: int, buckets: int) -> None:
        self.rows = np.zeros((KEEP, metrics, nodes))
        self.counts = np.zeros((KEEP, nodes, buckets))
        self.times = np.full(KEEP, -1, dtype=np.int64)
        self.ticks = 15
        self.written = 0
        self.t = 0
        self._slots: dict[int, np.ndarray] = {}

    def observe(self, sample: Sample) -> None:
        slot = self.written % KEEP
        self.rows[slot] = sample.row
        self.counts[slot] = sample.counts
        self.times[slot] = sample.t
        self.ticks = sample.ticks
        self.written += 1
        self.t = sample.t
        self._slots.clear()

    def slots(self, window_ms: int) -> np.ndarray:
        """Ring positions of the samples within the window ending at the newest, oldest first."""
        cached = self._slots.get(window_ms)
        if cached is None:
            cached = self._slots[window_ms] = self._find(window_ms)
        return cached

    def _find(self, window_ms: int) -> np.ndarray:
        n = min(self.written, KEEP, max(1, -(-window_ms // 15_000)))
        order = np.arange(self.written - n, self.written) % KEEP
        return order[self.times[order] > self.t - window_ms]

    def mean(self, column: int, window_ms: int) -> np.ndarray:
        slots = self.slots(window_ms)
        if len(slots) == 1:
            return self.rows[slots[0], column]
        return np.add.reduce(self.rows[slots, column], axis=0) / max(len(slots), 1)

    def lowest(self, column: int, window_ms: int) -> np.ndarray:
        slots = self.slots(window_ms)
        return self.rows[slots, column].min(axis=0) if len(slots) else self.rows[0, column] * 0

    def ratio(self, numerator: int, denominator: int, window_ms: int) -> np.ndarray:
        """Σ numerator / Σ denominator over the window (0 where nothing was counted)."""
        slots = self.slots(window_ms)
        top = self.rows[slots, numerator].sum(axis=0)
        bottom = self.rows[slots, denominator].sum(axis=0)
        return np.where(bottom > 0, top / np.maximum(bottom, 1e-12), 0.0)

    def quantile_ms(self, q: float, window_ms: int) -> np.ndarray:
        counts = self.counts[self.slots(window_ms)].sum(axis=0)
        return quantiles(counts, (q,))[0] * 1000

    def predict(self, column: int, window_ms: int, ahead_ms: int) -> np.ndarray:
        """Where the least-squares line through the window's samples will be ``ahead_ms``
        after the newest (Prometheus' ``predict_linear``); the mean with fewer than 4 samples."""
        slots = self.slots(window_ms)
        values = self.rows[slots, column]
        if len(slots) < 4:
            return values.mean(axis=0) if len(slots) else self.rows[0, column] * 0
        x = (self.times[slots] - self.t) / 1000.0
        x_mean = x.mean()
        dx = x - x_mean
        slope = (dx[:, None] * (values - values.mean(axis=0))).sum(axis=0) / (dx @ dx)
        return values.mean(axis=0) + slope * (ahead_ms / 1000.0 - x_mean)
