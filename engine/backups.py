"""Database backups and restores, with the recovery point each gives.

A backup copies the database's data (``data`` MiB at 100 MiB/s) and, when it completes, can
restore the database as it was when the copy *began*: its recovery point. With ``wal_archive``
(continuous archiving of the write-ahead log) a restore replays the log on top of the backup,
to a chosen time or to the last archived minute: point-in-time recovery. ``restore`` loads
the newest backup (or the newest taken at or before a given time) at 50 MiB/s; meanwhile every
node of the database is down, so its callers fail. What was written after the recovery point
is gone: the restore reports it (the RPO, and the writes lost, counted from the writes the
database accepted since then).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np

from .instances import State
from .metrics import M

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["Backup", "Backups"]

BACKUP_MIB_S = 100.0
RESTORE_MIB_S = 50.0
REPLAY_WRITES_S = 5_000.0  # archived writes replayed a second during a point-in-time recovery
WAL_SEGMENT_MS = 60_000  # how far behind the archive is: the segment not yet shipped


@dataclass(frozen=True)
class Backup:
    point: int  # the recovery point: when the copy began (ms)
    finished: int


class Backups:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.done: dict[int, list[Backup]] = {}
        self.running: dict[int, int] = {}  # node -> when its backup began
        self.restoring: dict[int, int] = {}  # node -> when its restore ends

    def backup(self, node: int) -> int | str:
        """Begin a backup; when it will finish (ms), or why not."""
        if node in self.running:
            return "a backup is already running"
        if node in self.restoring:
            return "it is being restored"
        sim = self.sim
        spec = sim.world.topo.nodes[node].spec
        ends = sim.now + int(spec.data / BACKUP_MIB_S * 1000)
        self.running[node] = sim.now
        sim.schedule(ends, partial(self._backed_up, node, ends))
        return ends

    def _backed_up(self, node: int, t: int) -> None:
        began = self.running.pop(node)
        self.done.setdefault(node, []).append(Backup(began, t))
        info = self.sim.world.topo.nodes[node]
        self.sim.world.emit("db.backup", database=info.name, env=info.env,
                            rpo_s=round((t - began) / 1000, 3), took_s=round((t - began) / 1000, 3))

    def restore(self, node: int, to: int | None = None) -> tuple[int, int, int] | str:
        """Restore from the newest backup (taken at or before ``to`` ms): the recovery point,
        when the restore ends, and the writes lost; or why not. With ``wal_archive`` the
        archived write-ahead log is replayed on top, to ``to`` or to the last archived
        segment (a minute ago): point-in-time recovery."""
        sim, world = self.sim, self.sim.world
        if node in self.restoring:
            return "a restore is already running"
        if to is not None and to > sim.now:
            return "that time has not come yet"
        usable = [b for b in self.done.get(node, []) if to is None or b.point <= to]
        if not usable:
            when = "" if to is None else " taken at or before that time"
            return f"there is no backup{when} to restore from ('backup {world.topo.nodes[node].name}')"
        chosen = usable[-1]
        spec = world.topo.nodes[node].spec
        point = chosen.point
        if spec.wal_archive:  # replay the archived log past the backup
            point = max(chosen.point, to if to is not None else sim.now - WAL_SEGMENT_MS)
        lost = self._writes_since(node, point)
        replay = self._writes_since(node, chosen.point) - lost
        ends = sim.now + int(spec.data / RESTORE_MIB_S * 1000 + replay / REPLAY_WRITES_S * 1000)
        rows = world.inst.rows_of(node)
        for row in rows.tolist():
            world.lifecycle.set_state(row, State.STOPPED, sim.now)
        world.writes_lost[node] += lost
        self.restoring[node] = ends
        sim.schedule(ends, partial(self._restored, node, point, lost))
        return point, ends, lost

    def _restored(self, node: int, point: int, lost: int) -> None:
        world = self.sim.world
        del self.restoring[node]
        for row in world.inst.rows_of(node).tolist():
            world.lifecycle.start(row, self.sim.now)
        info = world.topo.nodes[node]
        world.emit("db.restore", database=info.name, env=info.env,
                   rpo_s=round((self.sim.now - point) / 1000, 3), lost_writes=lost,
                   point_s=point / 1000)

    def _writes_since(self, node: int, since: int) -> int:
        """Writes the database accepted since ``since``, from its metrics."""
        sim = self.sim
        times, requests = sim.metrics.series(node, M.REQUESTS, sim.now - since, sim.now)
        if not len(times):
            return 0
        _, failed = sim.metrics.series(node, M.FAILED, sim.now - since, sim.now)
        step_s = (times[1] - times[0]) / 1000 if len(times) > 1 else 1.0
        ok = np.maximum(requests - failed, 0.0) / sim.metrics.dt * step_s
        return int(round(float(ok.sum()) * sim.world.topo.write_frac[node]))
