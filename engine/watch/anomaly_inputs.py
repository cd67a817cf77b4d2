"""What the anomaly detector watches on each component: the metrics an operator's dashboard
shows for its kind, taken from each 15-second sample.

Rates and latencies enter as logarithms (a doubling is the same step at 10 rps as at 1,000),
shares as they are. Nothing here knows of faults or of what a version declares.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..histogram import quantiles
from ..metrics import M
from ..topology import Kind, Topology
from .loop import Sample

__all__ = ["SHARES", "Detrend", "Inputs", "METRICS_OF", "shown"]

DETREND_ROWS = 30  # half an hour of minutes (every fourth 15-second sample)


Reader = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (samples × metric × node, nodes)


def _log(column: int) -> Reader:
    return lambda t, nodes: np.log1p(t[:, column, nodes].astype(np.float64))


def _plain(column: int) -> Reader:
    return lambda t, nodes: t[:, column, nodes].astype(np.float64)


def _errors(t: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    requests = t[:, M.REQUESTS, nodes].astype(np.float64)
    return np.where(requests > 0, t[:, M.FAILED, nodes] / np.maximum(requests, 1e-12), 0.0)


#: how each metric is read from a batch of samples (p99s: from their histograms, ``rows``)
READERS: dict[str, Reader] = {
    "rps": _log(M.RPS), "error_rate": _errors, "cpu": _plain(M.CPU),
    "memory_mib": _log(M.MEMORY), "replication_lag_s": _log(M.REPLICATION_LAG),
    "connections": _log(M.CONNECTIONS), "disk": _plain(M.DISK), "hit_ratio": _plain(M.HIT_RATIO),
    "queue_lag_s": _log(M.QUEUE_LAG_S),
}
#: what the dashboards resolve, the smallest spread a metric is judged against (error rates
#: to half a percent, shares to a percent, log-scaled figures to 1 %; lags to a second)
RESOLUTION = {"error_rate": 0.005, "cpu": 0.01, "disk": 0.01,
              "hit_ratio": 0.01, "replication_lag_s": np.log1p(1.0) / 2,
              "queue_lag_s": np.log1p(1.0) / 2}
LOG_RESOLUTION = 0.01
#: what a scaling event changes by itself: per-instance figures, and the queueing in latency
PER_INSTANCE = frozenset({"cpu", "memory_mib", "p99_ms"})
#: how each metric is shown back to a person (the log ones are undone)
LOGGED = frozenset({"rps", "p99_ms", "memory_mib", "replication_lag_s", "connections",
                    "queue_lag_s"})
SHARES = frozenset({"error_rate", "cpu", "disk", "hit_ratio"})  # shown as percentages

METRICS_OF: dict[str, tuple[str, ...]] = {
    Kind.SERVICE: ("rps", "error_rate", "p99_ms", "cpu", "memory_mib"),
    Kind.DATABASE: ("rps", "error_rate", "p99_ms", "cpu", "replication_lag_s", "connections",
                    "disk"),
    Kind.CACHE: ("rps", "p99_ms", "hit_ratio"),
    Kind.QUEUE: ("rps", "queue_lag_s"),
    Kind.EXTERNAL: ("rps", "error_rate", "p99_ms"),
}


@dataclass(frozen=True, slots=True)
class Watched:
    node: int
    name: str
    metrics: tuple[str, ...]


class Inputs:
    """The watched components of one environment and their rows, sample by sample."""

    def __init__(self, topo: Topology, env: str) -> None:
        self.components = [Watched(n.index, n.name, METRICS_OF[n.kind]) for n in topo.nodes
                           if n.env == env and n.kind in METRICS_OF]
        order = [(c.node, m) for c in self.components for m in c.metrics]
        self._reads = []  # per metric: the nodes it is read on, and where they go in a row
        for metric in READERS:
            at = [i for i, (_, m) in enumerate(order) if m == metric]
            if at:
                self._reads.append((READERS[metric], np.array([order[i][0] for i in at]),
                                    np.array(at)))
        at = [i for i, (_, m) in enumerate(order) if m == "p99_ms"]
        self._p99 = (np.array([order[i][0] for i in at], dtype=np.int64), np.array(at))
        self.width = len(order)
        names = sorted({m for _, m in order})
        self.pools = np.array([names.index(m) for _, m in order])  # a forest per metric

        self.resolution = np.array([RESOLUTION.get(m, LOG_RESOLUTION) for c in self.components
                                    for m in c.metrics])
        self.per_instance = {c.name: np.array([m in PER_INSTANCE for m in c.metrics])
                             for c in self.components}

    def rows(self, samples: list[Sample]) -> np.ndarray:
        """Every watched component's metrics in each sample, one after another (samples ×
        width), all read in one pass per metric."""
        tables = np.array([s.row for s in samples])
        rows = np.empty((len(samples), self.width))
        for read, nodes, at in self._reads:
            rows[:, at] = read(tables, nodes)
        self._fill_p99(rows, np.array([s.counts[self._p99[0]] for s in samples],
                                      dtype=np.float64))
        return rows

    def _fill_p99(self, rows: np.ndarray, counts: np.ndarray) -> None:
        """The p99s of several samples' rows (samples × nodes × buckets), in one pass."""
        nodes, at = self._p99
        if not len(at):
            return
        flat = counts.reshape(-1, counts.shape[-1])
        p99 = quantiles(flat, (0.99,))[0].reshape(len(rows), len(nodes)) * 1000
        rows[:, at] = np.log1p(np.where(counts.sum(axis=2) > 0, p99, 0.0))


def shown(metric: str, value: float) -> float:
    """A detector input as a person reads it (the logarithms undone)."""
    return float(np.expm1(value)) if metric in LOGGED else float(value)


class Detrend:
    """Each value less the median of the half hour before it.

    An estate's load follows the day, and a detector holding every metric to the extremes it
    has seen would call each new hour of the morning's climb a record. Measured against the
    last half hour, the climb is a small, steady offset, while a step — a fault, a bad
    deploy, a surge — stands out until the half-hour median has absorbed it. The history
    keeps every fourth sample (one a minute), and the median is worked out once a minute.
    """

    def __init__(self, columns: int) -> None:
        self.ring = np.zeros((DETREND_ROWS, columns))
        self.count = 0
        self.base = np.zeros(columns)
        self.fresh = np.ones(columns, dtype=bool)  # columns whose history starts now

    def forget(self, columns: np.ndarray) -> None:
        """Start these columns' baselines afresh (their level changed for a known reason)."""
        self.fresh[columns] = True

    def apply(self, row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The row less its baseline (the row itself where the history starts afresh)."""
        if self.fresh.any():
            self.ring[:, self.fresh] = row[self.fresh]
            self.base[self.fresh] = row[self.fresh]
            self.fresh[:] = False
        elif self.count % 4 == 0:
            self.base = np.median(self.ring, axis=0)
        base = self.base.copy()
        if self.count % 4 == 0:
            self.ring[(self.count // 4) % DETREND_ROWS] = row
        self.count += 1
        return row - base, base
