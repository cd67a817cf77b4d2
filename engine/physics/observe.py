"""What an operator's dashboards would show for this tick: one row per metric, one column per node.

Everything here is counted, not modelled: rps is this tick's arrivals/dt; error rate is
failed/arrivals (0 when nothing arrived); the latency percentiles are those of this tick's
histogram (a node with few requests shows a jumpy p99, as a real one does); in-flight requests
follow Little's law from the tick's throughput and mean latency. CPU and saturation are means
over ready instances, memory over running ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..metrics import M
from . import histogram as h

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]

_QS = (0.5, 0.95, 0.99)


def step(world: World, tick: Tick, t: int) -> None:
    inst, topo, flow, routing = world.inst, world.topo, world.flow, world.routing()
    row, dt = world.node_metrics, world.dt
    sums = tick.group_sums(np.stack([inst.cpu, inst.mem, np.minimum(inst.rho, 1.0) *
                                     routing.ready, routing.ready + (inst.state == 0)]))
    per_ready = np.maximum(routing.ready_count, 1.0)
    counts = flow.latency_counts
    served = counts.sum(axis=1)
    mean = (counts @ h.MIDS) / np.maximum(served, 1.0)
    row[M.RPS] = flow.arrivals / dt
    row[M.REQUESTS] = flow.arrivals
    row[M.FAILED] = flow.failed
    row[M.ERROR_RATE] = flow.failed / np.maximum(flow.arrivals, 1.0)
    row[M.AVAILABILITY] = 1.0 - row[M.ERROR_RATE]
    row[M.LATENCY_MEAN] = mean * 1000
    row[M.P50:M.P99 + 1] = h.quantiles(counts, _QS) * 1000
    row[M.CPU] = sums[0] / per_ready
    row[M.MEMORY] = sums[1] / np.maximum(sums[3], 1.0)
    row[M.SATURATION] = sums[2] / per_ready
    row[M.READY] = routing.ready_count
    row[M.IN_FLIGHT] = served / dt * mean
    row[M.REJECTED] = flow.rejected / dt
    if len(topo.edge_src):
        row[M.RETRIES] = np.bincount(topo.edge_src, flow.attempts + flow.blocked - flow.calls,
                                     topo.size).clip(0) / dt
    if tick.db_nodes.size:
        lag = np.zeros(topo.size)
        np.maximum.at(lag, inst.node, np.where(inst.role == 2, inst.lag, 0.0))
        row[M.REPLICATION_LAG] = lag
        row[M.CONNECTIONS] = np.minimum(world.connections_wanted,
                                        routing.ready_count * topo.max_connections)
    if len(topo.consumers):
        row[M.QUEUE_LAG] = 0.0
        row[M.QUEUE_LAG_S] = 0.0
        np.maximum.at(row[M.QUEUE_LAG], tick.consumer_queues, flow.queue_lag)
        np.maximum.at(row[M.QUEUE_LAG_S], tick.consumer_queues, flow.queue_lag_s)
    row[M.HIT_RATIO] = topo.hit_target * flow.warm * (routing.routable > 0)
