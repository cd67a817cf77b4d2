"""Metrics in bounded ring buffers: fine recent resolution, coarser history.

Every tick the world hands over one row per metric (``M`` names them), one column per node,
and one latency histogram per node (``engine.histogram`` buckets). Three tiers keep them:
every second for 15 minutes, 15-second means for 6 hours, 5-minute means for 7 days — memory
is fixed by the tier sizes, whatever the run length. Latency histograms are kept for the
one-second samples (counts and per-bucket sums; all 15 minutes of them unless the estate is
so large that they would pass 64 MiB, then at least two minutes) and for every 15-second
sample (counts), so a percentile over any window up to six hours is computed from the merged
histograms of that window, never by averaging percentiles; a sample's percentiles are worked
out from its histogram when asked for, and a 5-minute sample's from its block's merged counts. ``RunTotals`` keeps what the run summary needs
exactly: request and failure counts and the run's whole latency histogram.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .histogram import B as HIST_B
from .histogram import quantile, quantiles

__all__ = ["M", "METRIC_COUNT", "METRIC_NAMES", "MetricStore", "RunTotals", "Tier"]

METRIC_NAMES = (
    "rps", "error_rate", "latency_mean_ms", "p50_ms", "p95_ms", "p99_ms", "cpu", "memory_mib",
    "saturation", "availability", "ready", "in_flight", "replication_lag_s", "queue_lag",
    "hit_ratio", "queue_lag_s", "connections", "rejected_rps", "retry_rps", "requests",
    "failed", "disk",
)
METRIC_COUNT = len(METRIC_NAMES)


_QS = (0.5, 0.95, 0.99)


class M:
    """Row indices of the metric table."""

    RPS, ERROR_RATE, LATENCY_MEAN, P50, P95, P99, CPU, MEMORY, SATURATION, AVAILABILITY, \
        READY, IN_FLIGHT, REPLICATION_LAG, QUEUE_LAG, HIT_RATIO, QUEUE_LAG_S, CONNECTIONS, \
        REJECTED, RETRIES, REQUESTS, FAILED, DISK = range(METRIC_COUNT)


_PCT = slice(M.P50, M.P99 + 1)
_PCT_COLUMNS = (M.P50, M.P95, M.P99)


@dataclass(frozen=True, slots=True)
class Tier:
    resolution_ms: int
    length: int


DEFAULT_TIERS = (Tier(1000, 900), Tier(15_000, 1440), Tier(300_000, 2016))
FINE_HISTOGRAM_BYTES = 64 * 2**20  # what one-second latency histograms may take
MIN_FINE_HISTOGRAMS = 120  # … but at least two minutes of them


class _Ring:
    """A fixed-size circular buffer of (metric × node) samples and their times, and optionally
    of (node × bucket) latency histograms over the last ``hist_length`` samples of it."""

    def __init__(self, length: int, shape: tuple[int, int], buckets: int = 0,
                 hist_length: int | None = None) -> None:
        self.length = length
        self.hist_length = min(hist_length or length, length)
        self.data = np.zeros((length, *shape), dtype=np.float32)
        self.hist = np.zeros((self.hist_length, shape[1], buckets), dtype=np.float32) \
            if buckets else None
        self.times = np.zeros(length, dtype=np.int64)
        self.written = 0

    def push(self, row: np.ndarray, t: int, counts: np.ndarray | None = None) -> int:
        i = self.written % self.length
        self.data[i] = row
        if self.hist is not None and counts is not None:
            self.hist[self.written % self.hist_length] = counts
        self.times[i] = t
        self.written += 1
        return i

    def _since(self, since: int, keep: int) -> np.ndarray:
        """Absolute numbers of the samples after ``since`` among the last ``keep``."""
        n = min(self.written, keep)
        samples = np.arange(self.written - n, self.written)
        return samples[self.times[samples % self.length] > since]

    def counts(self, since: int) -> np.ndarray | None:
        """Latency histograms per node summed over the samples after ``since``."""
        if self.hist is None:
            return None
        samples = self._since(since, self.hist_length)
        return self.hist[samples % self.hist_length].sum(axis=0, dtype=np.float64)

    def node_counts(self, since: int, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Times and latency histograms of one node's samples after ``since``, oldest first."""
        assert self.hist is not None
        samples = self._since(since, self.hist_length)
        return (self.times[samples % self.length],
                self.hist[samples % self.hist_length, node].astype(np.float64))

    def window(self, since: int, column: int, node: int) -> tuple[np.ndarray, np.ndarray]:
        """Times and values of one metric of one node after ``since``, oldest first."""
        slots = self._since(since, self.length) % self.length
        return self.times[slots], self.data[slots, column, node]


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
        for level, (tier, block) in enumerate(zip(tiers, self.blocks, strict=True)):
            length = -(-tier.length // block) * block
            # one-second samples keep histograms with each bucket's sum; 15-second ones counts
            buckets = (2 * HIST_B, HIST_B, 0)[min(level, 2)]
            # (one-second histograms for up to 15 minutes, fewer on estates too large for that)
            fine = int(FINE_HISTOGRAM_BYTES // max(nodes * 2 * HIST_B * 4, 1))
            fine = min(max(fine, MIN_FINE_HISTOGRAMS), length)
            hist_length = -(-fine // block) * block if level == 0 else None
            self.rings.append(_Ring(length, shape, buckets, hist_length))
        self.steps = steps
        self.span_ms = [s * tick_ms * r.length for s, r in zip(steps, self.rings, strict=True)]
        self.hist_span_ms = [s * tick_ms * r.hist_length
                             for s, r in zip(steps, self.rings, strict=True)]
        self.totals = RunTotals(nodes)
        self._totals_at = 0  # fine samples already counted in the totals

    def record_many(self, rows: np.ndarray, times: np.ndarray, counts: np.ndarray) -> None:
        """Keep several ticks' metric tables (ticks × metrics × nodes) and latency histograms
        (ticks × nodes × buckets), in order, a slice at a time."""
        fine, block = self.rings[0], self.blocks[0]
        i, k = 0, len(rows)
        while i < k:
            pos = fine.written % fine.length
            hpos = fine.written % fine.hist_length
            n = min(k - i, fine.length - pos, fine.hist_length - hpos,
                    block - fine.written % block)
            fine.data[pos:pos + n] = rows[i:i + n]
            if fine.hist is not None:
                fine.hist[hpos:hpos + n] = counts[i:i + n]
            fine.times[pos:pos + n] = times[i:i + n]
            fine.written += n
            i += n
            if len(self.rings) > 1 and fine.written % block == 0:
                self._count_totals()
                self._roll_up(0)
        self.totals.latency += counts.sum(axis=0)

    def _roll_up(self, level: int) -> None:
        below, above = self.rings[level], self.rings[level + 1]
        block = self.blocks[level]
        end = below.written % below.length or below.length
        mean = below.data[end - block:end].mean(axis=0)
        hend = below.written % below.hist_length or below.hist_length
        counts = below.hist[hend - block:hend].sum(axis=0) if below.hist is not None else None
        if counts is not None and above.hist is not None:
            counts = counts[..., :above.hist.shape[-1]]
        if counts is not None and above.hist is None:
            mean[_PCT] = quantiles(counts, _QS) * 1000  # those of the block's merged counts
        above.push(mean, int(below.times[end - 1]), counts)
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
        percentile = column in _PCT_COLUMNS
        spans = self.hist_span_ms if percentile else self.span_ms
        for ring, span in zip(self.rings, spans, strict=True):
            if percentile and ring.hist is not None and (span >= window_ms
                                                         or ring is self.rings[1]):
                times, counts = ring.node_counts(now - window_ms, node)
                return times, quantiles(counts, (_QS[column - M.P50],))[0] * 1000
            if span >= window_ms or ring is self.rings[-1]:
                times, values = ring.window(now - window_ms, column, node)
                return times, values.astype(np.float64)
        raise AssertionError("unreachable")

    def window_counts(self, window_ms: int, now: int) -> np.ndarray:
        """Latency counts per node (node × bucket) over the last ``window_ms``, merged from
        the finest tier with histograms that covers the window."""
        for ring, span in zip(self.rings, self.hist_span_ms, strict=True):
            if ring.hist is not None and (span >= window_ms or ring is self.rings[1]):
                counts = ring.counts(now - window_ms)
                assert counts is not None
                return counts
        raise AssertionError("unreachable")

    def recent(self, window_ms: int, now: int) -> dict[str, np.ndarray]:
        """Per-node figures over the last ``window_ms`` from counts, as a dashboard panel with
        that range shows them: rps, error rate, p50 and p99 (ms)."""
        fine = self.rings[0]
        n = min(fine.written, fine.length)
        order = np.arange(fine.written - n, fine.written) % fine.length
        keep = order[fine.times[order] > now - window_ms]
        requests = fine.data[keep, M.REQUESTS].sum(axis=0, dtype=np.float64)
        failed = fine.data[keep, M.FAILED].sum(axis=0, dtype=np.float64)
        counts = self.window_counts(window_ms, now)
        span = max(len(keep), 1) * self.dt
        return {"rps": requests / span,
                "error_rate": failed / np.maximum(requests, 1.0),
                "p50_ms": quantile(counts, 0.5) * 1000, "p99_ms": quantile(counts, 0.99) * 1000,
                "requests": requests}

    def window_quantile_ms(self, node: int, q: float, window_ms: int, now: int) -> float:
        """The q-quantile of one node's latency over the last ``window_ms`` (ms)."""
        return float(quantile(self.window_counts(window_ms, now)[node], q)[0] * 1000)

    def nbytes(self) -> int:
        return sum(r.data.nbytes + r.times.nbytes + (r.hist.nbytes if r.hist is not None else 0)
                   for r in self.rings) + self.totals.nbytes()


class RunTotals:
    """Run-long counts per node: requests, failures and the whole latency histogram."""

    def __init__(self, nodes: int) -> None:
        self.requests = np.zeros(nodes)
        self.failed = np.zeros(nodes)
        self.latency = np.zeros((nodes, 2 * HIST_B))  # counts, then sums

    def add_block(self, rows: np.ndarray, dt: float) -> None:
        """Count a block of ticks (ticks × metrics × nodes)."""
        self.requests += rows[:, M.REQUESTS].sum(axis=0, dtype=np.float64)
        self.failed += rows[:, M.FAILED].sum(axis=0, dtype=np.float64)

    def nbytes(self) -> int:
        return self.requests.nbytes + self.failed.nbytes + self.latency.nbytes

    def availability(self) -> np.ndarray:
        return np.where(self.requests > 0, 1.0 - self.failed / np.maximum(self.requests, 1e-12),
                        1.0)

    def error_rate(self) -> np.ndarray:
        return np.where(self.requests > 0, self.failed / np.maximum(self.requests, 1e-12), 0.0)

    def quantile_ms(self, q: float) -> np.ndarray:
        """The q-quantile of latency over the whole run, per node (ms)."""
        return quantile(self.latency, q) * 1000
