"""Database failover (Patroni-like), the controller that owns the database roles.

When no primary is ready, the cluster waits ``detect``, picks the ready replica with the fewest
unapplied writes, and promotes it after ``promotion``. Writes fail until then. The writes lost
are exactly the promoted replica's unapplied ones: acknowledged by the old primary, never
applied by the new one (none with ``sync``). The old primary rejoins as a replica (rewound);
the other replicas follow the new primary. ``force`` is a planned failover (a command).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .instances import Role, State

if TYPE_CHECKING:
    from .world import World

__all__ = ["Failovers"]


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
        self.done: dict[int, int] = {}  # node -> failovers completed

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
            info = world.topo.nodes[node]
            world.emit("db.failover.started", database=info.name, env=info.env,
                       candidate=world.instance_name(best), reason=state.reason)
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
        self.done[node] = self.done.get(node, 0) + 1
        info = world.topo.nodes[node]
        world.emit("db.failover", database=info.name, env=info.env,
                   new_primary=world.instance_name(candidate), lost_writes=state.lost,
                   reason=state.reason, downtime_s=round((t - state.noticed) / 1000, 3))
