"""Databases: connection pools, replication and failover.

Connections (as PgBouncer-less PostgreSQL sees them): every running instance of a client
service keeps ``pool_size`` connections open to each database it calls. A database node
accepts ``max_connections``; when the clients' pools together want more than the ready nodes
accept, the share 1 − accepted/wanted of queries finds no connection and fails at once — the
autoscaler that adds client instances during a spike can exhaust the database this way.
Inside each client instance the pool is an M/M/k queue of queries holding a connection for the
query's latency; its wait is part of the query's latency (``physics.compose``).

Replication: the primary ships its writes; each replica receives and applies them at
``apply_rate`` writes/s. Its unapplied writes u evolve as u ← u + w·dt − min(u + w·dt,
a·dt) while it is ready (w: writes the primary acknowledged this tick); a replica that is down
applies nothing and falls behind. Lag (s) = ``base_lag`` + u/a. While no primary accepts
writes nothing new arrives, so lag stops growing. With ``mode: sync`` the first replica
acknowledges every write before the primary does: it is never behind (the writes pay its
round trip, ``base_lag``, in latency).

Failover is a controller (``engine.failover``): this step hands it the clusters that have no
ready primary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..instances import Role, State

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["connections", "step"]


def step(world: World, tick: Tick, b: Batch) -> None:
    if not tick.db_nodes.size:
        return
    inst, topo, routing = world.inst, world.topo, world.routing()
    db = tick.db_nodes
    primary_ready = np.bincount(inst.node, routing.ready * (inst.role == Role.PRIMARY),
                                topo.size)
    writes = np.where(primary_ready[db] > 0, np.round(
        b.admitted[:, db] * topo.write_frac[db] / np.maximum(routing.routable[db], 1e-9)), 0.0)
    rows = tick.replica_rows(world)
    node = inst.node[rows]
    got = np.zeros((b.k, topo.size))
    got[:, db] = writes
    got = got[:, node]
    applying = (primary_ready[node] > 0) & (routing.ready[rows] > 0)
    apply_rate = tick.apply_rate[node] * world.effects.apply_factor[node]  # (a lag fault)
    rate = apply_rate * world.dt
    u0 = inst.unapplied[rows]
    if not np.any(u0[applying]) and not np.any(got[:, applying] > rate[applying]):
        # each tick's writes are applied within the tick; replicas that are down fall behind
        behind = np.cumsum(np.concatenate([u0[None, :], got]), axis=0)[1:]
        u = np.where(applying, 0.0, behind)
    else:
        u, prev = np.empty_like(got), u0
        for k in range(b.k):
            total = prev + got[k]
            prev = total - np.where(applying, np.minimum(total, rate), 0.0)
            u[k] = prev
    u = np.where(tick.sync_standby(world, rows), 0.0, u)
    # lag is time behind: the unapplied writes over the rate they arrive at (or are applied
    # at, if faster), so a replica that stops applying falls a second behind each second
    lag = tick.base_lag[node] + u / np.maximum(got / world.dt, apply_rate)
    per_node = np.zeros((b.k, topo.size))
    for k in range(len(rows)):  # replicas are few; the metric is the worst one's lag
        per_node[:, node[k]] = np.maximum(per_node[:, node[k]], lag[:, k])
    b.extra["replication_lag"] = per_node
    t = b.last

    def commit() -> None:
        world.writes_acked[db] += writes.sum(axis=0)
        inst.unapplied[rows] = u[-1]
        inst.lag[rows] = lag[-1]
        if world.failovers.pending or bool((primary_ready[db] == 0).any()):
            world.failovers.tick(t, primary_ready)

    b.commit(commit)


def connections(world: World, tick: Tick) -> None:
    """The share of each database's queries that find no connection (when the instance table
    changes)."""
    inst, topo, routing = world.inst, world.topo, world.routing()
    running = np.bincount(inst.node, inst.state != State.CRASHED, topo.size)
    edges = tick.db_edges
    wanted = np.bincount(topo.edge_dst[edges], running[topo.edge_src[edges]]
                         * topo.pool_size[topo.edge_src[edges]], topo.size)
    accepted = routing.ready_count * np.where(np.isfinite(topo.max_connections),
                                              topo.max_connections, 0.0)
    refused = np.where(wanted > accepted, 1.0 - accepted / np.maximum(wanted, 1e-9), 0.0)
    world.flow.conn_refused = np.where(topo.is_db & (routing.ready_count > 0), refused, 0.0)
    world.connections_wanted = wanted
