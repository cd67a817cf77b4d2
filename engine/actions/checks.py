"""Pre-flight checks: whether a command that changes something can run at all, answered
without changing anything — so a console refuses it before asking for a confirmation it
could never honour ("roll back checkout" with no earlier revision). Registered per command
type, as handlers are; a type without a check is assumed able to run."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..commands import Command, Deploy, Failover, InjectFault, Reply, Restore, Rollback
from ..instances import Role, State
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["CHECKS", "check"]

CHECKS: dict[type[Command], Callable[[Any, Any], str | None]] = {}


def checks(t: type[Command]) -> Callable:
    def register(fn: Callable) -> Callable:
        CHECKS[t] = fn
        return fn
    return register


def check(sim: Simulation, cmd: Command) -> str | None:
    """Why the command cannot run now (None: it can)."""
    fn = CHECKS.get(type(cmd))
    return fn(sim, cmd) if fn is not None else None


@checks(Deploy)
def _deploy(sim: Simulation, cmd: Deploy) -> str | None:
    info = find_node(sim, cmd.service, cmd.env, ("service",), "service")
    if isinstance(info, Reply):
        return info.message
    if info.index in sim.deploys.active:
        return f"{cmd.service} is already rolling out {sim.deploys.active[info.index].to_version}"
    if sim.deploys.current_version(info.index) == cmd.version:
        return f"{cmd.service} already runs {cmd.version}; nothing to deploy"
    return None


@checks(Rollback)
def _rollback(sim: Simulation, cmd: Rollback) -> str | None:
    info = find_node(sim, cmd.service, cmd.env, ("service",), "service")
    if isinstance(info, Reply):
        return info.message
    if info.index in sim.deploys.active or cmd.version is not None:
        return None
    kept = any(r.node == info.index and r.keep_old_until for r in sim.deploys.finished)
    if not kept and sim.deploys.previous_version(info.index) is None:
        return f"{cmd.service} has no earlier revision to roll back to ('history {cmd.service}')"
    return None


@checks(Failover)
def _failover(sim: Simulation, cmd: Failover) -> str | None:
    info = find_node(sim, cmd.database, cmd.env, ("database",), "database")
    if isinstance(info, Reply):
        return info.message
    inst = sim.world.inst
    rows = inst.rows_of(info.index)
    if not ((inst.role[rows] == Role.REPLICA) & (inst.state[rows] == State.READY)).any():
        return f"{cmd.database} has no ready replica to promote"
    return None


@checks(Restore)
def _restore(sim: Simulation, cmd: Restore) -> str | None:
    info = find_node(sim, cmd.database, cmd.env, ("database",), "database")
    if isinstance(info, Reply):
        return info.message
    usable = [b for b in sim.backups.done.get(info.index, [])
              if cmd.to is None or b.point <= cmd.to * 1000]
    return None if usable else f"{cmd.database} has no backup to restore from"


@checks(InjectFault)
def _chaos(sim: Simulation, cmd: InjectFault) -> str | None:
    return sim.chaos.refusal(cmd)
