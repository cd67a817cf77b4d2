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

__all__ = ["Inputs", "METRICS_OF"]


def _log(column: int) -> Callable[[Sample, np.ndarray], np.ndarray]:
    return lambda s, nodes: np.log1p(s.row[column, nodes].astype(np.float64))


def _plain(column: int) -> Callable[[Sample, np.ndarray], np.ndarray]:
    return lambda s, nodes: s.row[column, nodes].astype(np.float64)


def _p99(s: Sample, nodes: np.ndarray) -> np.ndarray:
    counts = s.counts[nodes]
    p99 = quantiles(counts, (0.99,))[0] * 1000
    return np.log1p(np.where(counts.sum(axis=1) > 0, p99, 0.0))


def _errors(s: Sample, nodes: np.ndarray) -> np.ndarray:
    requests = s.row[M.REQUESTS, nodes].astype(np.float64)
    return np.where(requests > 0, s.row[M.FAILED, nodes] / np.maximum(requests, 1e-12), 0.0)


READERS: dict[str, Callable[[Sample, np.ndarray], np.ndarray]] = {
    "rps": _log(M.RPS), "error_rate": _errors, "p99_ms": _p99, "cpu": _plain(M.CPU),
    "memory_mib": _log(M.MEMORY), "saturation": _plain(M.SATURATION),
    "retry_rps": _log(M.RETRIES), "replication_lag_s": _log(M.REPLICATION_LAG),
    "connections": _log(M.CONNECTIONS), "disk": _plain(M.DISK), "hit_ratio": _plain(M.HIT_RATIO),
    "queue_lag_s": _log(M.QUEUE_LAG_S), "rejected_rps": _log(M.REJECTED),
}
#: how each metric is shown back to a person (the log ones are undone)
LOGGED = frozenset({"rps", "p99_ms", "memory_mib", "retry_rps", "replication_lag_s",
                    "connections", "queue_lag_s", "rejected_rps"})

METRICS_OF: dict[str, tuple[str, ...]] = {
    Kind.SERVICE: ("rps", "error_rate", "p99_ms", "cpu", "memory_mib", "saturation",
                   "retry_rps", "rejected_rps"),
    Kind.DATABASE: ("rps", "error_rate", "p99_ms", "cpu", "replication_lag_s", "connections",
                    "disk"),
    Kind.CACHE: ("rps", "p99_ms", "hit_ratio", "memory_mib"),
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
        self._by_metric = {m: np.array([c.node for c in self.components if m in c.metrics],
                                       dtype=np.int64) for m in READERS}

    def rows(self, sample: Sample) -> list[np.ndarray]:
        """One row per watched component: its metrics' values in this sample."""
        values = {m: dict(zip(nodes.tolist(), READERS[m](sample, nodes).tolist(), strict=True))
                  for m, nodes in self._by_metric.items() if len(nodes)}
        return [np.array([values[m][c.node] for m in c.metrics]) for c in self.components]


def shown(metric: str, value: float) -> float:
    """A detector input as a person reads it (the logarithms undone)."""
    return float(np.expm1(value)) if metric in LOGGED else float(value)
