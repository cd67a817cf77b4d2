"""What an operator's dashboards would show for this tick: one row per metric, one column per node.

Everything here is counted, not modelled: rps is this tick's arrivals/dt; error rate is
failed/arrivals (0 when nothing arrived); the latency percentiles are those of the tick's
histogram (a node with few requests shows a jumpy p99, as a real one does), worked out for
the last tick of a batch here and for the others by the metric store on demand; in-flight requests
follow Little's law from the tick's throughput and mean latency. CPU and saturation are means
over ready instances, memory over running ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..batch import group_add
from ..metrics import METRIC_COUNT, M
from .. import histogram as h

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]

_QS = (0.5, 0.95, 0.99)


def step(world: World, tick: Tick, b: Batch) -> None:
    topo, flow, routing = world.topo, world.flow, world.routing()
    dt, K, N = world.dt, b.k, topo.size
    row = np.zeros((K, METRIC_COUNT, N))
    per_ready = np.maximum(routing.ready_count, 1.0)
    running = np.bincount(world.inst.node, routing.ready + (world.inst.state == 0), N)
    counts = b.latency
    served = b.extra["served"]
    mean = b.extra["latency_sum"] / np.maximum(served, 1.0)
    row[:, M.RPS] = b.arrivals / dt
    row[:, M.REQUESTS] = b.arrivals
    row[:, M.FAILED] = b.failed
    row[:, M.ERROR_RATE] = b.failed / np.maximum(b.arrivals, 1.0)
    row[:, M.AVAILABILITY] = 1.0 - row[:, M.ERROR_RATE]
    row[:, M.LATENCY_MEAN] = mean * 1000
    # percentiles for the last tick only: the metric store works out any other tick's, and any
    # window's, from the histograms it keeps (``engine.metrics``)
    row[:, M.P50:M.P99 + 1] = np.nan
    b.extra["last_percentiles"] = h.quantiles(counts[-1], _QS) * 1000
    row[:, M.CPU] = b.extra["cpu"] / per_ready
    row[:, M.MEMORY] = b.extra["mem"] / np.maximum(running, 1.0)
    row[:, M.SATURATION] = b.extra["sat"] / per_ready
    row[:, M.READY] = routing.ready_count
    row[:, M.IN_FLIGHT] = served / dt * mean
    row[:, M.REJECTED] = b.rejected / dt
    if len(topo.edge_src):
        row[:, M.RETRIES] = np.clip(group_add(b.attempts + b.blocked - b.calls, topo.edge_src,
                                              N), 0.0, None) / dt
    if tick.db_nodes.size:
        row[:, M.REPLICATION_LAG] = b.extra["replication_lag"]
        accepted = np.where(np.isfinite(topo.max_connections),
                            routing.ready_count * np.where(np.isfinite(topo.max_connections),
                                                           topo.max_connections, 0.0), np.inf)
        row[:, M.CONNECTIONS] = np.minimum(world.connections_wanted, accepted)
    if len(topo.consumers):
        for i, queue in enumerate(tick.consumer_queues.tolist()):
            row[:, M.QUEUE_LAG, queue] = np.maximum(row[:, M.QUEUE_LAG, queue],
                                                    b.extra["queue_lag"][:, i])
            row[:, M.QUEUE_LAG_S, queue] = np.maximum(row[:, M.QUEUE_LAG_S, queue],
                                                      b.extra["queue_lag_s"][:, i])
    row[:, M.HIT_RATIO] = topo.hit_target * flow.warm * (routing.routable > 0)
    b.rows = row
