"""Databases on request: fail over (fence the primary, promote the best replica), back up,
and restore from a backup (``engine.backups``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..commands import Backup, Failover, Reply, Restore
from ..durations import format_clock, format_duration
from ..instances import Role, State
from ..topology import Kind
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation


@handles(Failover)
def failover(sim: Simulation, cmd: Failover) -> Reply:
    info = find_node(sim, cmd.database, cmd.env, (Kind.DATABASE,), "database")
    if isinstance(info, Reply):
        return info
    world, inst = sim.world, sim.world.inst
    rows = inst.rows_of(info.index)
    ready = rows[(inst.role[rows] == Role.REPLICA) & (inst.state[rows] == State.READY)]
    best = int(ready[np.argmin(inst.lag[ready])]) if len(ready) else None
    refusal = world.failovers.force(info.index, sim.now, reason="manual failover")
    if refusal is not None:
        return Reply(False, f"cannot fail over {cmd.database}: {refusal}")
    lag_ms = float(inst.lag[best]) * 1000 if best is not None else 0.0
    behind = float(inst.unapplied[best]) if best is not None else 0.0
    sync = info.spec.replication.mode == "sync"
    risk = "no writes lost (synchronous replication)" if sync else (
        f"the {behind:.0f} writes it has not applied ({lag_ms:.0f} ms of lag) will be lost")
    promote = format_duration(info.spec.failover.promotion)
    name = world.instance_name(best) if best is not None else "?"
    return Reply(True, f"failing over {cmd.database}: primary fenced, promoting {name} in about "
                       f"{promote}; writes fail until then; {risk}",
                 {"database": cmd.database, "candidate": name, "lag_ms": lag_ms})


@handles(Backup)
def backup(sim: Simulation, cmd: Backup) -> Reply:
    info = find_node(sim, cmd.database, cmd.env, (Kind.DATABASE,), "database")
    if isinstance(info, Reply):
        return info
    ends = sim.backups.backup(info.index)
    if isinstance(ends, str):
        return Reply(False, f"cannot back up {cmd.database}: {ends}")
    return Reply(True, f"backing up {cmd.database} ({info.spec.data / 1024:.1f} GiB): done in "
                       f"about {format_duration(ends - sim.now)}; it will restore the data as "
                       f"it is now ({format_clock(sim.now)})", {"database": cmd.database,
                                                                "ends_s": ends / 1000})


@handles(Restore)
def restore(sim: Simulation, cmd: Restore) -> Reply:
    info = find_node(sim, cmd.database, cmd.env, (Kind.DATABASE,), "database")
    if isinstance(info, Reply):
        return info
    result = sim.backups.restore(info.index, None if cmd.to is None else cmd.to * 1000)
    if isinstance(result, str):
        return Reply(False, f"cannot restore {cmd.database}: {result}")
    point, ends, lost = result
    rpo = format_duration(sim.now - point)
    return Reply(True, f"restoring {cmd.database} to {format_clock(point)} (recovery "
                       f"point {rpo} ago): it is down for about "
                       f"{format_duration(ends - sim.now)}, and the {lost:,} writes since then "
                       "are lost", {"database": cmd.database, "rpo_s": (sim.now - point)
                                    / 1000, "lost_writes": lost})
