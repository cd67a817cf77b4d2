"""What the Prometheus collector reads: an immutable copy of the estate's figures, taken on the
stepping thread (the simulation is not thread-safe; the HTTP server thread reads only this).

Counters come from the run's own totals (``sim.metrics.run_totals()``, the figures the run
summary reports), so ``increase(devsim_http_requests_total[…])`` over a whole run adds up to
the summary's request counts. Latency comes from the run-long histogram of every component,
its engine buckets (ten a decade) merged into the Prometheus ``le`` bounds below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from engine.histogram import B, EDGES
from engine.metrics import M
from engine.snapshot import Snapshot

__all__ = ["BUCKET_BOUNDS", "MetricsFrame", "NodeFigures", "take_frame"]

# Engine bucket k's upper edge is 50 µs · 10^(k/10): k ≡ 0, 3, 7 (mod 10) land within 0.3 % of
# the 1, 2.5, 5 steps people expect (0.5 ms, 1 ms, 2.5 ms, 5 ms … 50 s); the label is the
# round figure, the count is exactly the engine's count up to that edge.
_EDGE_INDEX = tuple(k for k in range(B - 1) if k % 10 in (0, 3, 7) and EDGES[k] <= 60.0)
BUCKET_BOUNDS = tuple(float(f"{EDGES[k]:.2g}") for k in _EDGE_INDEX)


@dataclass(frozen=True, slots=True)
class NodeFigures:
    name: str
    env: str
    kind: str
    requests: float  # since the start
    failed: float
    buckets: tuple[float, ...]  # cumulative counts at BUCKET_BOUNDS
    latency_count: float
    latency_sum_s: float
    disk_ratio: float
    connections: float
    in_flight: float
    queue_lag_s: float


@dataclass(frozen=True, slots=True)
class MetricsFrame:
    snapshot: Snapshot
    nodes: tuple[NodeFigures, ...]
    version_of: dict[tuple[str, str], str]  # (component, env) → its main version


def take_frame(sim: Any) -> MetricsFrame:
    """Copy what the exposition shows (call on the thread that steps ``sim``)."""
    snapshot = sim.snapshot(None)
    totals = sim.metrics.run_totals()
    counts = totals.latency[:, :B]
    cumulative = np.cumsum(counts, axis=1)[:, list(_EDGE_INDEX)]
    sums = totals.latency[:, B:].sum(axis=1)
    gauges = sim.world.node_metrics
    nodes = tuple(
        NodeFigures(
            info.name, info.env, str(info.kind), float(totals.requests[i]),
            float(totals.failed[i]), tuple(cumulative[i].tolist()), float(cumulative[i, -1]
            + counts[i, _EDGE_INDEX[-1] + 1:].sum()), float(sums[i]),
            float(gauges[M.DISK, i]), float(gauges[M.CONNECTIONS, i]),
            float(gauges[M.IN_FLIGHT, i]), float(gauges[M.QUEUE_LAG_S, i]))
        for info in sim.world.topo.nodes for i in (info.index,))
    versions = {(s.name, s.env): s.version for s in snapshot.services}
    return MetricsFrame(snapshot, nodes, versions)
