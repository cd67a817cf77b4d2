"""The series alert rules can name: what an operator's Prometheus would hold, per component.

Each is a figure per component over a window ending at the newest sample, worked out from the
15-second samples (``Recent``) and the event-derived signals (``Signals``). Series are per
component: a service's CPU is the mean over its ready instances, as ``avg by (service)`` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..histogram import B
from ..metrics import M
from .slo import slow_share

if TYPE_CHECKING:
    from ..topology import Topology
    from .recent import Recent
    from .signals import Signals

__all__ = ["SERIES", "Series", "SeriesContext", "format_value"]


class SeriesContext:
    """What a series is computed from, with a cache so rules sharing a series share the work."""

    def __init__(self, topo: Topology, recent: Recent, signals: Signals) -> None:
        self.topo, self.recent, self.signals = topo, recent, signals
        self.cache: dict[tuple[str, int, int | None], np.ndarray] = {}
        limit = topo.mem_limit
        self.memory_limit = np.where(np.isfinite(limit), limit, np.inf)
        objective = np.full(topo.size, np.inf)
        for node in topo.nodes:
            slo = getattr(node.spec, "slo", None)
            if slo is not None:
                objective[node.index] = slo.latency / 1000
        self.slow = np.array([slow_share(s) if np.isfinite(s) else np.zeros(B)
                              for s in objective])

    def value(self, name: str, window_ms: int, ahead_ms: int | None = None) -> np.ndarray:
        key = (name, window_ms, ahead_ms)
        if key not in self.cache:
            series = SERIES[name]
            if ahead_ms is not None and series.column is not None:
                raw = self.recent.predict(series.column, window_ms, ahead_ms)
                self.cache[key] = raw / self.memory_limit if name == "memory" else raw
            else:
                self.cache[key] = series.compute(self, window_ms)
        return self.cache[key]

    def new_sample(self) -> None:
        self.cache.clear()


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    doc: str
    unit: str  # share, ms, s, rps, count, mib
    compute: Callable[[SeriesContext, int], np.ndarray]
    column: int | None = None  # the metric a trend (``predict``) is fitted to


def _mean(column: int) -> Callable[[SeriesContext, int], np.ndarray]:
    return lambda c, w: c.recent.mean(column, w)


def _quantile(q: float) -> Callable[[SeriesContext, int], np.ndarray]:
    return lambda c, w: c.recent.quantile_ms(q, w)


def _slow(c: SeriesContext, w: int) -> np.ndarray:
    counts = c.recent.counts[c.recent.slots(w)].sum(axis=0)
    total = counts.sum(axis=1)
    return np.where(total > 0, (counts * c.slow).sum(axis=1) / np.maximum(total, 1e-12), 0.0)


def _connections(c: SeriesContext, w: int) -> np.ndarray:
    most = c.topo.max_connections * np.maximum(c.recent.mean(M.READY, w), 1.0)
    return np.where(np.isfinite(most), c.recent.mean(M.CONNECTIONS, w) / most, 0.0)


_ALL = (
    Series("rps", "requests per second", "rps", _mean(M.RPS), M.RPS),
    Series("error_rate", "failed requests over requests", "share",
           lambda c, w: c.recent.ratio(M.FAILED, M.REQUESTS, w)),
    Series("availability", "requests that succeeded over requests", "share",
           lambda c, w: 1.0 - c.recent.ratio(M.FAILED, M.REQUESTS, w)),
    Series("p50_ms", "median latency (from the merged histograms)", "ms", _quantile(0.5)),
    Series("p95_ms", "95th percentile latency", "ms", _quantile(0.95)),
    Series("p99_ms", "99th percentile latency", "ms", _quantile(0.99)),
    Series("slow_share", "share of requests slower than the service's latency objective",
           "share", _slow),
    Series("cpu", "CPU use of ready instances (1 = all of it)", "share", _mean(M.CPU), M.CPU),
    Series("memory", "memory use as a share of the limit", "share",
           lambda c, w: c.recent.mean(M.MEMORY, w) / c.memory_limit, M.MEMORY),
    Series("memory_mib", "memory per running instance", "mib", _mean(M.MEMORY), M.MEMORY),
    Series("saturation", "busy share of the instances' workers", "share", _mean(M.SATURATION),
           M.SATURATION),
    Series("ready", "ready instances (the fewest in the window)", "count",
           lambda c, w: c.recent.lowest(M.READY, w)),
    Series("replication_lag_s", "the worst replica's replication lag", "s",
           _mean(M.REPLICATION_LAG), M.REPLICATION_LAG),
    Series("connections", "connections in use as a share of what the database accepts",
           "share", _connections),
    Series("queue_lag", "messages waiting to be consumed", "count", _mean(M.QUEUE_LAG),
           M.QUEUE_LAG),
    Series("queue_lag_s", "age of the oldest waiting message", "s", _mean(M.QUEUE_LAG_S),
           M.QUEUE_LAG_S),
    Series("hit_ratio", "cache hits over lookups", "share", _mean(M.HIT_RATIO), M.HIT_RATIO),
    Series("rejected_rps", "requests refused at once (open breaker, full queue)", "rps",
           _mean(M.REJECTED), M.REJECTED),
    Series("retry_rps", "retried calls per second", "rps", _mean(M.RETRIES), M.RETRIES),
    Series("disk", "share of a database's volume in use", "share", _mean(M.DISK), M.DISK),
    Series("restarts", "instance crashes in the window", "count",
           lambda c, w: c.signals.restarts(c.recent.t, w)),
    Series("breakers_open", "circuit breakers open on the component's calls", "count",
           lambda c, w: c.signals.breakers.copy()),
    Series("primary_up", "1 while a database has a ready primary, else 0", "count",
           lambda c, w: c.signals.primary.copy()),
)
SERIES = {s.name: s for s in _ALL}


def format_value(name: str, value: float) -> str:
    """A series' value the way a person reads it: 5.2%, 840ms, 12s, 300 rps."""
    unit = SERIES[name].unit if name in SERIES else "count"
    if unit == "share":
        return f"{value:.1%}" if value < 0.1 else f"{value:.0%}"
    if unit == "ms":
        return f"{value:.0f}ms"
    if unit == "s":
        return f"{value:.0f}s" if value >= 10 else f"{value:.1f}s"
    if unit == "rps":
        return f"{value:.0f} rps" if value >= 10 else f"{value:.1f} rps"
    if unit == "mib":
        return f"{value:.0f} MiB"
    return f"{value:g}"
