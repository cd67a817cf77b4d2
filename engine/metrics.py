"""Metrics in bounded ring buffers: fine recent resolution, coarser history.

Every tick the world hands over one row per metric (``M`` names them), one column per node. Three tiers keep
it: every second for 15 minutes, 15-second means for 6 hours, 5-minute means for 7 days —
memory is fixed by the tier sizes, whatever the run length. ``RunTotals`` keeps what the run
summary needs exactly (request and failure counts, a latency histogram for the run's p99).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["M", "METRIC_COUNT", "METRIC_NAMES", "MetricStore", "RunTotals", "Tier"]

METRIC_NAMES = (
    "rps", "error_rate", "latency_mean_ms", "p50_ms", "p95_ms", "p99_ms", "cpu", "memory_mib",
    "saturation", "availability", "ready", "in_flight", "replication_lag_s", "queue_lag",
    "hit_ratio",
)
METRIC_COUNT = len(METRIC_NAMES)


class M:
    """Row indices of the metric table."""

    RPS, ERROR_RATE, LATENCY_MEAN, P50, P95, P99, CPU, MEMORY, SATURATION, AVAILABILITY, \
        READY, IN_FLIGHT, REPLICATION_LAG, QUEUE_LAG, HIT_RATIO = range(METRIC_COUNT)


@dataclass(frozen=True, slots=True)
class Tier:
    resolution_ms: int
    length: int


DEFAULT_TIERS = (Tier(1000, 900), Tier(15_000, 1440), Tier(300_000, 2016))


class _Ring:
    def __init__(self, every: int, length: int, shape: tuple[int, int]) -> None:
        self.every = every  # ticks per sample
        self.length = length
        self.data = np.zeros((length, *shape), dtype=np.float32)
        self.times = np.zeros(length, dtype=np.int64)
        self.acc = np.zeros(shape)
        self.count = 0
        self.written = 0

    def add(self, row: np.ndarray, t: int) -> None:
        if self.every == 1:
            i = self.written % self.length
            self.data[i] = row
            self.times[i] = t
            self.written += 1
            return
        self.acc += row
        self.count += 1
        if self.count == self.every:
            i = self.written % self.length
            self.data[i] = self.acc / self.every
            self.times[i] = t
            self.written += 1
            self.acc[:] = 0.0
            self.count = 0

    def window(self, since: int) -> tuple[np.ndarray, np.ndarray]:
        n = min(self.written, self.length)
        order = (np.arange(self.written - n, self.written)) % self.length
        times = self.times[order]
        keep = times > since
        return times[keep], self.data[order][keep]


class MetricStore:
    """Per-node metric history in fixed-size tiers."""

    def __init__(self, nodes: int, tick_ms: int, tiers: tuple[Tier, ...] = DEFAULT_TIERS) -> None:
        shape = (METRIC_COUNT, nodes)
        self.tick_ms = tick_ms
        self.rings = [_Ring(max(1, t.resolution_ms // tick_ms), t.length, shape) for t in tiers]
        self.span_ms = [r.every * tick_ms * r.length for r in self.rings]

    def record(self, row: np.ndarray, t: int) -> None:
        for ring in self.rings:
            ring.add(row, t)

    def series(self, node: int, metric: str | int, window_ms: int, now: int,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Times (ms) and values of one metric of one node over the last ``window_ms``,
        from the finest tier that covers the window."""
        column = METRIC_NAMES.index(metric) if isinstance(metric, str) else metric
        for ring, span in zip(self.rings, self.span_ms, strict=True):
            if span >= window_ms or ring is self.rings[-1]:
                times, data = ring.window(now - window_ms)
                return times, data[:, column, node].astype(np.float64)
        raise AssertionError("unreachable")

    def nbytes(self) -> int:
        return sum(r.data.nbytes + r.times.nbytes + r.acc.nbytes for r in self.rings)


# Latency histogram edges for the run's percentiles: 0.1 ms … ~100 s, 10 per decade.
_EDGES_S = np.logspace(-4, 2, 61)


class RunTotals:
    """Run-long counts per node, for availability, error rate and p99 over the run.

    Request and failure counts are exact sums of λ·dt. Latency goes into a histogram: the
    traffic-weighted p50 and p99 of each ``FOLD`` ticks give a shifted-exponential tail
    (P(T > x) = exp(−(x − a)/b) through both points) along which those requests are spread.
    """

    FOLD = 10

    def __init__(self, nodes: int) -> None:
        self.lam_sum = np.zeros(nodes)  # Σ λ over ticks
        self.weighted = np.zeros((6, nodes))  # Σ λ·x for the first six metric rows
        self.slower = np.zeros((nodes, len(_EDGES_S)))  # requests slower than each edge
        self.dt = 1.0
        self._at_fold = np.zeros((6, nodes))
        self._lam_at_fold = np.zeros(nodes)
        self._pooled = 0

    def add(self, row: np.ndarray, dt: float) -> None:
        """Count one tick from a metric table (rows: rps, error_rate, mean, p50, p95, p99 ms)."""
        self.dt = dt
        self.lam_sum += row[M.RPS]
        self.weighted += row[:6] * row[M.RPS]
        self._pooled += 1
        if self._pooled >= self.FOLD:
            self.fold()

    @property
    def requests(self) -> np.ndarray:
        return self.lam_sum * self.dt

    @property
    def failed(self) -> np.ndarray:
        return self.weighted[M.ERROR_RATE] * self.dt

    def fold(self) -> None:
        """Move the ticks since the last fold into the latency histogram."""
        if not self._pooled:
            return
        lam = self.lam_sum - self._lam_at_fold
        part = self.weighted - self._at_fold
        n = np.maximum(lam, 1e-12)
        p50_s, p99_s = part[M.P50] / n / 1000, part[M.P99] / n / 1000
        b = np.maximum((p99_s - p50_s) / np.log(50.0), 1e-9)
        a = p50_s - b * np.log(2.0)
        tail = np.exp(-np.maximum(_EDGES_S[None, :] - a[:, None], 0.0) / b[:, None])
        self.slower += (lam * self.dt)[:, None] * tail
        self._lam_at_fold = self.lam_sum.copy()
        self._at_fold = self.weighted.copy()
        self._pooled = 0

    def availability(self) -> np.ndarray:
        return np.where(self.requests > 0, 1.0 - self.failed / np.maximum(self.requests, 1e-12),
                        1.0)

    def error_rate(self) -> np.ndarray:
        return np.where(self.requests > 0, self.failed / np.maximum(self.requests, 1e-12), 0.0)

    def quantile_ms(self, q: float) -> np.ndarray:
        """The q-quantile of latency over the whole run, per node (ms)."""
        self.fold()
        share = self.slower / np.maximum(self.requests, 1e-12)[:, None]  # P(T > edge)
        target = 1.0 - q
        out = np.zeros(len(self.requests))
        for i in range(len(out)):
            if self.requests[i] <= 0:
                continue
            above = np.flatnonzero(share[i] <= target)
            if not len(above):
                out[i] = _EDGES_S[-1] * 1000
                continue
            k = int(above[0])
            if k == 0:
                out[i] = _EDGES_S[0] * 1000
                continue
            # interpolate log-linearly between the edges around the target
            s0, s1 = share[i, k - 1], share[i, k]
            frac = (np.log(s0) - np.log(target)) / max(np.log(s0) - np.log(max(s1, 1e-300)), 1e-12)
            out[i] = float(np.exp(np.log(_EDGES_S[k - 1]) + frac * (np.log(_EDGES_S[k])
                                                                    - np.log(_EDGES_S[k - 1]))))
            out[i] *= 1000
        return out
