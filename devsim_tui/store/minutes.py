"""Metrics for the record: one row per simulated minute per component, read cheaply from the
engine's 15-second samples (which it keeps for six hours).

Means over the minute for rates and gauges; the error rate is failed over requests; p99 is read
from the minute's merged latency histogram, never by averaging percentiles. A minute is written
once its last 15-second sample exists.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from engine.histogram import quantile
from engine.metrics import METRIC_NAMES, M

__all__ = ["COLUMNS", "MinuteSampler"]

MINUTE_MS = 60_000
GAUGES = ("rps", "cpu", "memory_mib", "ready", "saturation", "replication_lag_s",
          "connections", "queue_lag_s")
COLUMNS = ("minute", "component", "env", "kind", "rps", "error_rate", "p99_ms", "cpu",
           "memory_mib", "ready", "saturation", "replication_lag_s", "connections",
           "queue_lag_s")
_GAUGE_ROWS = [METRIC_NAMES.index(name) for name in GAUGES]


class MinuteSampler:
    """Turns the minutes completed since the last call into rows (``COLUMNS`` order)."""

    def __init__(self, sim: Any, start_ms: int = 0) -> None:
        self.sim = sim
        self.next_minute = start_ms // MINUTE_MS  # the first minute not yet written
        topo = sim.world.topo
        self.labels = [(info.name, info.env, info.kind) for info in topo.nodes]

    def restart_at(self, t_ms: int) -> None:
        """After a rewind: the minutes from ``t_ms`` on are recorded again (on the new branch)."""
        self.next_minute = t_ms // MINUTE_MS

    def rows(self) -> list[tuple[Any, ...]]:
        ring = self.sim.metrics.rings[1]
        n = min(ring.written, ring.length)
        if n == 0:
            return []
        order = np.arange(ring.written - n, ring.written) % ring.length
        times = ring.times[order]
        last_complete = int(times[-1]) // MINUTE_MS  # minutes before this one are complete
        wrapped = ring.written > ring.length  # the oldest samples have been overwritten
        oldest = int(times[0] - 1) // MINUTE_MS + 1 if wrapped else 0  # first wholly kept
        first = max(self.next_minute, oldest)
        out: list[tuple[Any, ...]] = []
        for minute in range(first, last_complete):
            chosen = order[(times > minute * MINUTE_MS) & (times <= (minute + 1) * MINUTE_MS)]
            if len(chosen):
                out.extend(self._minute(ring, minute, chosen))
        self.next_minute = max(self.next_minute, last_complete)
        return out

    def _minute(self, ring: Any, minute: int, chosen: np.ndarray) -> list[tuple[Any, ...]]:
        data = ring.data[chosen].astype(np.float64)  # samples × metrics × nodes
        gauges = data[:, _GAUGE_ROWS].mean(axis=0)  # gauges × nodes
        requests = data[:, M.REQUESTS].sum(axis=0)
        failed = data[:, M.FAILED].sum(axis=0)
        errors = np.where(requests > 0, failed / np.maximum(requests, 1e-12), 0.0)
        if ring.hist is not None:
            counts = ring.hist[chosen % ring.hist_length].sum(axis=0, dtype=np.float64)
            p99 = quantile(counts, 0.99) * 1000
        else:
            p99 = data[:, M.P99].max(axis=0)
        table = np.vstack([gauges[:1], errors, p99, gauges[1:]]).T  # nodes × values
        return [(minute, name, env, kind, *values) for (name, env, kind), values
                in zip(self.labels, np.round(table, 6).tolist(), strict=True)]
