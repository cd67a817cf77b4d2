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
    """A fixed-size circular buffer of (metric × node) samples and their times."""

    def __init__(self, length: int, shape: tuple[int, int]) -> None:
        self.length = length
        self.data = np.zeros((length, *shape), dtype=np.float32)
        self.times = np.zeros(length, dtype=np.int64)
        self.written = 0

    def push(self, row: np.ndarray, t: int) -> int:
        i = self.written % self.length
        self.data[i] = row
        self.times[i] = t
        self.written += 1
        return i

    def window(self, since: int, column: int, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Times and values of one metric of one node after ``since``, oldest first."""
        n = min(self.written, self.length)
        order = (np.arange(self.written - n, self.written)) % self.length
        times = self.times[order]
        keep = order[times > since]
        return self.times[keep], self.data[keep, column, node]


class MetricStore:
    """Per-node metric history in fixed-size tiers, and the run's totals.

    Only the finest tier is written every tick. Each coarser sample is the mean of a block of
    the tier below, computed when the block completes (ring lengths are whole blocks, so a
    block never wraps); run totals are folded in from the same blocks. That keeps a tick's
    bookkeeping to a single copy.
    """

    def __init__(self, nodes: int, tick_ms: int, tiers: tuple[Tier, ...] = DEFAULT_TIERS) -> None:
        shape = (METRIC_COUNT, nodes)
        self.tick_ms = tick_ms
        self.dt = tick_ms / 1000
        steps = [max(1, tiers[0].resolution_ms // tick_ms)]  # ticks per sample, per tier
        for tier in tiers[1:]:
            steps.append(max(steps[-1], tier.resolution_ms // tick_ms))
        self.blocks = [steps[i + 1] // steps[i] for i in range(len(steps) - 1)] + [1]
        self.rings = []
        for tier, block in zip(tiers, self.blocks, strict=True):
            length = -(-tier.length // block) * block
            self.rings.append(_Ring(length, shape))
        self.steps = steps
        self.span_ms = [s * tick_ms * r.length for s, r in zip(steps, self.rings, strict=True)]
        self.totals = RunTotals(nodes)
        self._totals_at = 0  # fine samples already counted in the totals

    def record(self, row: np.ndarray, t: int) -> None:
        """Keep one tick's metric table."""
        fine = self.rings[0]
        fine.push(row, t)
        if len(self.rings) > 1 and fine.written % self.blocks[0] == 0:
            self._count_totals()
            self._roll_up(0)

    def _roll_up(self, level: int) -> None:
        below, above = self.rings[level], self.rings[level + 1]
        block = self.blocks[level]
        end = below.written % below.length or below.length
        mean = below.data[end - block:end].mean(axis=0)
        above.push(mean, int(below.times[end - 1]))
        if level + 2 < len(self.rings) and above.written % self.blocks[level + 1] == 0:
            self._roll_up(level + 1)

    def _count_totals(self) -> None:
        fine = self.rings[0]
        pending = fine.written - self._totals_at
        if pending <= 0:
            return
        end = fine.written % fine.length or fine.length
        self.totals.add_block(fine.data[end - pending:end], self.dt)
        self._totals_at = fine.written

    def run_totals(self) -> RunTotals:
        """The totals up to the latest tick."""
        self._count_totals()
        return self.totals

    def series(self, node: int, metric: str | int, window_ms: int, now: int,
               ) -> tuple[np.ndarray, np.ndarray]:
        """Times (ms) and values of one metric of one node over the last ``window_ms``,
        from the finest tier that covers the window."""
        column = METRIC_NAMES.index(metric) if isinstance(metric, str) else metric
        for ring, span in zip(self.rings, self.span_ms, strict=True):
            if span >= window_ms or ring is self.rings[-1]:
                times, values = ring.window(now - window_ms, column, node)
                return times, values.astype(np.float64)
        raise AssertionError("unreachable")

    def nbytes(self) -> int:
        return sum(r.data.nbytes + r.times.nbytes for r in self.rings) + self.totals.nbytes()


# Latency histogram edges for the run's percentiles: 0.1 ms … ~100 s, 10 per decade.
_EDGES_S = np.logspace(-4, 2, 61)


class RunTotals:
    """Run-long counts per node, for availability, error rate and p99 over the run.

    Request and failure counts are sums of λ·dt. Latency goes into a histogram: each block's
    traffic-weighted p50 and p99 give a shifted-exponential tail (P(T > x) = exp(−(x − a)/b)
    through both points) along which the block's requests are spread.
    """

    def __init__(self, nodes: int) -> None:
        self.lam_sum = np.zeros(nodes)  # Σ λ over ticks
        self.weighted = np.zeros((6, nodes))  # Σ λ·x for the first six metric rows
        self.slower = np.zeros((nodes, len(_EDGES_S)))  # requests slower than each edge
        self.dt = 1.0

    def add_block(self, rows: np.ndarray, dt: float) -> None:
        """Count a block of ticks (ticks × metrics × nodes)."""
        self.dt = dt
        lam = rows[:, M.RPS].astype(np.float64)
        lam_block = lam.sum(axis=0)
        part = np.einsum("kms,ks->ms", rows[:, :6].astype(np.float64), lam)
        self.lam_sum += lam_block
        self.weighted += part
        n = np.maximum(lam_block, 1e-12)
        p50_s, p99_s = part[M.P50] / n / 1000, part[M.P99] / n / 1000
        b = np.maximum((p99_s - p50_s) / np.log(50.0), 1e-9)
        a = p50_s - b * np.log(2.0)
        tail = np.exp(-np.maximum(_EDGES_S[None, :] - a[:, None], 0.0) / b[:, None])
        self.slower += (lam_block * dt)[:, None] * tail

    @property
    def requests(self) -> np.ndarray:
        return self.lam_sum * self.dt

    @property
    def failed(self) -> np.ndarray:
        return self.weighted[M.ERROR_RATE] * self.dt

    def nbytes(self) -> int:
        return self.lam_sum.nbytes + self.weighted.nbytes + self.slower.nbytes

    def availability(self) -> np.ndarray:
        return np.where(self.requests > 0, 1.0 - self.failed / np.maximum(self.requests, 1e-12),
                        1.0)

    def error_rate(self) -> np.ndarray:
        return np.where(self.requests > 0, self.failed / np.maximum(self.requests, 1e-12), 0.0)

    def quantile_ms(self, q: float) -> np.ndarray:
        """The q-quantile of latency over the whole run, per node (ms)."""
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
