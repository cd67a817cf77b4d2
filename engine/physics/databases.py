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

Failover (Patroni-like): when no primary is ready, the cluster waits ``detect``, picks the ready
replica with the fewest unapplied writes, and promotes it after ``promotion``. Writes fail
until then. The writes lost are exactly the promoted replica's unapplied ones: acknowledged by
the old primary, never applied by the new one (none with ``sync``). The old primary rejoins as
a replica (rewound); the other replicas follow the new primary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..instances import Role, State

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["Failovers", "connections", "step"]


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
    rate = tick.apply_rate[node] * world.dt
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
    lag = tick.base_lag[node] + u / tick.apply_rate[node]
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


@dataclass(slots=True)
class _Pending:
    noticed: int  # ms when the primary was found missing (or fenced on request)
    planned: bool = False  # a requested failover skips detection
    promote_at: int | None = None
    candidate: int | None = None  # instance ordinal
    lost: int = 0
    reason: str = ""


class Failovers:
    """Detects clusters without a primary and promotes replicas."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.db_nodes = np.flatnonzero(world.topo.is_db)
        self.pending: dict[int, _Pending] = {}

    def tick(self, t: int, primary_ready: np.ndarray) -> None:
        if not len(self.db_nodes):
            return
        missing = self.db_nodes[primary_ready[self.db_nodes] == 0]
        for node in missing.tolist():
            if node not in self.pending:
                self.pending[node] = _Pending(noticed=t, reason="primary not ready")
        for node in list(self.pending):
            self._advance(node, t, primary_ready[node] > 0)

    def force(self, node: int, t: int, reason: str = "manual failover") -> str | None:
        """Fence the primary and promote the best replica; None, or why it cannot be done."""
        world, inst = self.world, self.world.inst
        rows = inst.rows_of(node)
        replicas = rows[(inst.role[rows] == Role.REPLICA) & (inst.state[rows] == State.READY)]
        if not len(replicas):
            return "it has no ready replica to promote"
        if node in self.pending:
            return "a failover is already in progress"
        primary = rows[inst.role[rows] == Role.PRIMARY]
        for row in primary.tolist():
            world.lifecycle.set_state(row, State.STOPPED, t)
        self.pending[node] = _Pending(noticed=t, planned=True, reason=reason)
        self._advance(node, t, False)
        return None

    def _spec(self, node: int):  # noqa: ANN202 - DatabaseSpec
        return self.world.topo.nodes[node].spec

    def _advance(self, node: int, t: int, has_primary: bool) -> None:
        world, inst, spec = self.world, self.world.inst, self._spec(node)
        state = self.pending[node]
        if state.promote_at is None:
            if has_primary:  # it came back before anyone acted
                del self.pending[node]
                return
            if not state.planned and (not spec.failover.automatic
                                      or t - state.noticed < spec.failover.detect):
                return
            rows = inst.rows_of(node)
            ok = rows[(inst.role[rows] == Role.REPLICA) & (inst.state[rows] == State.READY)]
            if not len(ok):
                return  # nothing to promote yet; keep waiting
            best = int(ok[np.argmin(inst.unapplied[ok])])
            state.lost = int(round(inst.unapplied[best]))
            state.candidate = int(inst.ordinal[best])
            state.promote_at = t + spec.failover.promotion
        if t < state.promote_at:
            return
        rows = inst.rows_of(node)
        candidate = inst.find(node, state.candidate)
        if candidate is None or inst.state[candidate] != State.READY:
            state.promote_at = None  # the candidate died meanwhile: choose again
            return
        behind = inst.unapplied[candidate]
        for row in rows[inst.role[rows] == Role.REPLICA].tolist():  # follow the new primary
            inst.unapplied[row] = max(inst.unapplied[row] - behind, 0.0)
        for row in rows[inst.role[rows] == Role.PRIMARY].tolist():
            inst.role[row] = Role.REPLICA  # rewound: what the others never had is discarded
            inst.unapplied[row] = 0.0
            if inst.state[row] == State.STOPPED:
                world.lifecycle.start(row, t)
        inst.role[candidate] = Role.PRIMARY
        inst.unapplied[candidate] = 0.0
        inst.lag[candidate] = 0.0
        world.writes_lost[node] += state.lost
        world.roles_changed()
        del self.pending[node]
        info = world.topo.nodes[node]
        world.emit("db.failover", database=info.name, env=info.env,
                   new_primary=world.instance_name(candidate), lost_writes=state.lost,
                   reason=state.reason, downtime_s=round((t - state.noticed) / 1000, 3))
