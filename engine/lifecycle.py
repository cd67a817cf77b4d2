"""Instances starting, becoming ready, crashing, backing off and restarting; scaling counts.

Like a Kubernetes restart policy: a crashed instance waits its back-off (``restart.backoff``,
doubling per consecutive crash up to ``max_backoff``) and starts again; an instance that stays
ready for ten minutes has its back-off reset. Versions that crash on start never become ready.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .instances import Role, State
from .scheduling import Scheduler

if TYPE_CHECKING:
    from .world import World

__all__ = ["Lifecycle"]

STABLE_MS = 600_000
STARTING, CRASHED = int(State.STARTING), int(State.CRASHED)


class Lifecycle:
    """State transitions of the instance table, with their events."""

    def __init__(self, world: World) -> None:
        self.world = world
        topo = world.topo
        self.backoff0 = np.array([getattr(getattr(n.spec, "restart", None), "backoff", 10_000)
                                  for n in topo.nodes], dtype=np.int64)
        self.backoff_max = np.array([getattr(getattr(n.spec, "restart", None), "max_backoff",
                                             300_000) for n in topo.nodes], dtype=np.int64)

        self.next_due = 0
        self.scheduler = Scheduler(world)

    def refresh_due(self) -> None:
        """Remember the earliest pending transition so most ticks skip the scan."""
        inst = self.world.inst
        starting = inst.ready_at[inst.state == STARTING]
        crashed = inst.restart_at[inst.state == CRASHED]
        pending = np.concatenate([starting, crashed])
        self.next_due = int(pending.min()) if len(pending) else np.iinfo(np.int64).max

    def tick(self, t: int) -> None:
        self.scheduler.retry(t)
        if t < self.next_due:
            return
        inst = self.world.inst
        state = inst.state
        due = ((state == State.STARTING) & (inst.ready_at <= t)) | (
            (state == State.CRASHED) & (inst.restart_at <= t))
        if not due.any():
            self.refresh_due()
            return
        crash_on_start = self.world.versions.crash_on_start
        effects = self.world.effects
        for row in np.flatnonzero(due).tolist():
            if state[row] == State.CRASHED:
                self.start(row, t)
                self.world.emit_instance("instance.restarted", row, restarts=int(inst.restarts[row]))
            elif crash_on_start[inst.version[row]]:
                self.crash(row, t, "crashed on start (exit code 1)")
            elif (why := effects.start_blocked(int(inst.node[row]), int(inst.zone[row]))):
                self.crash(row, t, why)  # a fault keeps it from coming up: back-off and retry
            else:
                self.set_state(row, State.READY, t)

    def start(self, row: int, t: int) -> None:
        inst = self.world.inst
        inst.ready_at[row] = t + self.world.topo.startup[inst.node[row]]
        inst.run_ms[row] = 0
        inst.leak_from[row] = 0
        inst.backlog[row] = 0.0
        self.set_state(row, State.STARTING, t)

    def crash(self, row: int, t: int, reason: str) -> None:
        inst = self.world.inst
        node = inst.node[row]
        if inst.state[row] == State.READY and t - inst.since[row] >= STABLE_MS:
            inst.backoff[row] = 0
        delay = self.backoff0[node] if inst.backoff[row] == 0 else min(
            inst.backoff[row] * 2, self.backoff_max[node])
        inst.backoff[row] = delay
        inst.restart_at[row] = t + delay
        inst.restarts[row] += 1
        inst.run_ms[row] = 0
        inst.leak_from[row] = 0
        self.world.crash_reasons[(int(node), int(inst.ordinal[row]))] = reason
        self.set_state(row, State.CRASHED, t)
        self.world.emit_instance("instance.crashed", row, reason=reason,
                                 restart_in_s=round(delay / 1000, 3))

    def set_state(self, row: int, state: State, t: int) -> None:
        inst = self.world.inst
        inst.state[row] = state
        inst.since[row] = t
        self.refresh_due()
        self.world.states_changed()

    def restart(self, row: int, t: int) -> None:
        """A deliberate restart (not a crash): no back-off, no crash count."""
        self.start(row, t)
        self.world.emit_instance("instance.restarted", row, restarts=int(self.world.inst.restarts[row]),
                                 reason="requested")

    def scale(self, node: int, count: int, t: int) -> int:
        """Set a node's instance count; new ones start now. Returns the previous count."""
        world, inst = self.world, self.world.inst
        rows = inst.rows_of(node)
        current = len(rows)
        serving = self.serving_version(node)
        if count > current:
            self.add(node, count - current, t, serving)
        elif count < current:
            # remove first what is not the version the service runs, then what is not
            # ready, then the newest; never the primary
            order = sorted(rows.tolist(), key=lambda r: (inst.role[r] == Role.PRIMARY,
                                                         inst.version[r] == serving,
                                                         inst.state[r] == State.READY,
                                                         -inst.ordinal[r]))
            inst.remove(np.array(order[: current - count]))
            world.roles_changed()
        return current

    def add(self, node: int, count: int, t: int, version: int) -> None:
        """Start ``count`` instances of ``version``, each in the emptiest of the node's zones."""
        world, inst = self.world, self.world.inst
        zones = world.zones_of(node)
        zones = [z for z in zones if z not in world.effects.zones_down] or zones  # route round
        per_zone = dict.fromkeys(zones, 0)
        for zone in inst.zone[inst.rows_of(node)].tolist():
            if zone in per_zone:
                per_zone[zone] += 1
        new_zones = []
        for _ in range(count):
            zone = min(zones, key=per_zone.__getitem__)
            per_zone[zone] += 1
            new_zones.append(zone)
        first = int(inst.next_ordinal[node])
        world.add_instances(node, count, t, version=version, zone=np.array(new_zones))
        rows = world.inst.rows_of(node)
        self.scheduler.place(rows[world.inst.ordinal[rows] >= first], t)

    def resize(self, node: int, rows: np.ndarray, version: int, count: int, t: int) -> None:
        """Grow or shrink one pool of a node (the given rows) to ``count``: new instances of
        ``version``, or the pool's newest and not-ready instances removed."""
        inst = self.world.inst
        if count > len(rows):
            self.add(node, count - len(rows), t, version)
        elif count < len(rows):
            order = sorted(rows.tolist(), key=lambda r: (inst.state[r] == State.READY,
                                                         -inst.ordinal[r]))
            inst.remove(np.array(order[: len(rows) - count]))
            self.world.roles_changed()

    def serving_version(self, node: int) -> int:
        """The version the service runs: its latest completed revision (``World.serving``)."""
        serving = self.world.serving.get(node)
        if serving is not None:
            return serving
        info = self.world.topo.nodes[node]
        return self.world.versions.index(node, info.version, getattr(info.spec, "versions", {}))
