"""Deploy, rollback, promote, abort and history: the delivery commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Abort, Deploy, History, Promote, Reply, Rollback
from ..deploy.controller import Rollout
from ..deploy.strategies import KEEP_OLD_MS
from ..durations import format_clock, format_duration
from ..topology import Kind
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation


def _plan(r: Rollout, pause: int) -> str:
    if r.strategy == "canary":
        steps = " → ".join(f"{s:g}%" for s in r.steps)
        return f"canary {steps} → 100%, analysis after each {format_duration(pause)} pause"
    if r.strategy == "blue-green":
        return (f"blue-green: preview stack, analysis, switch, old stack kept "
                f"{format_duration(KEEP_OLD_MS)}")
    return "rolling: 25% at a time, each batch ready and analysed before old ones go"


@handles(Deploy)
def deploy(sim: Simulation, cmd: Deploy) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    strategy = cmd.strategy or info.spec.delivery.strategy
    weight = float(cmd.canary_weight) if cmd.canary_weight is not None else None
    result = sim.deploys.start(info.index, cmd.version, strategy, weight)
    if isinstance(result, str):
        return Reply(False, result)
    return Reply(True, f"deploying {cmd.service} {result.from_version} → {cmd.version} "
                       f"({_plan(result, info.spec.delivery.pause)})",
                 {"service": cmd.service, "version": cmd.version, "strategy": strategy})


@handles(Rollback)
def rollback(sim: Simulation, cmd: Rollback) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    deploys = sim.deploys
    running = deploys.active.get(info.index)
    if running is not None and (cmd.version in (None, running.from_version)):
        deploys.abort(info.index, "rolled back by request")
        return Reply(True, f"stopped the {cmd.service} rollout of {running.to_version}; "
                           f"{running.from_version} takes all traffic again",
                     {"service": cmd.service, "version": running.from_version})
    if running is None and cmd.version is None and deploys.switch_back(info.index):
        return Reply(True, f"switched {cmd.service} back to {deploys.current_version(info.index)}"
                           " (the old blue-green stack was still up)", {"service": cmd.service})
    known = [r.version for r in deploys.history.get(info.index, []) if r.outcome == "completed"]
    if cmd.version is not None and cmd.version not in known:
        return Reply(False, f"{cmd.service} never ran {cmd.version}, so there is nothing to roll "
                            f"back to; it ran {', '.join(dict.fromkeys(known))} "
                            f"(to try a new version: 'deploy {cmd.service} {cmd.version}')")
    target = cmd.version or deploys.previous_version(info.index)
    if target is None:
        return Reply(False, f"{cmd.service} has no earlier revision to roll back to "
                            f"('history {cmd.service}')")
    result = deploys.start(info.index, target, "rolling", rollback=True)
    if isinstance(result, str):
        return Reply(False, result)
    return Reply(True, f"rolling {cmd.service} back {result.from_version} → {target} "
                       "(rolling, 25% at a time)", {"service": cmd.service, "version": target})


@handles(Promote)
def promote(sim: Simulation, cmd: Promote) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    refusal = sim.deploys.promote(info.index)
    if refusal is not None:
        return Reply(False, f"cannot promote {cmd.service}: {refusal}")
    return Reply(True, f"promoting {cmd.service}: skipping the remaining analysis steps")


@handles(Abort)
def abort(sim: Simulation, cmd: Abort) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    running = sim.deploys.active.get(info.index)
    refusal = sim.deploys.abort(info.index, "aborted by request")
    if refusal is not None or running is None:
        return Reply(False, refusal or "nothing to abort")
    return Reply(True, f"aborted {cmd.service} {running.to_version}; {running.from_version} "
                       "takes all traffic again")


@handles(History)
def history(sim: Simulation, cmd: History) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    revisions = sim.deploys.history.get(info.index, [])
    return Reply(True, f"{cmd.service} revisions: " + "; ".join(_revision(r) for r in revisions),
                 {"revisions": [{"number": r.number, "version": r.version, "at": r.at_ms / 1000,
                                 "ended": None if r.ended_ms is None else r.ended_ms / 1000,
                                 "strategy": r.strategy, "outcome": r.outcome, "by": r.by,
                                 "evidence": r.evidence}
                                for r in revisions]})


def _revision(r) -> str:  # noqa: ANN001 - deploy.controller.Revision
    """One revision in words: what, how, started when and by whom, ended when, and why."""
    text = f"rev {r.number} {r.version} · {r.strategy} · {r.outcome}"
    if r.strategy == "initial":
        return text
    text += f" · started {format_clock(r.at_ms)} by {r.by}"
    if r.ended_ms is not None:
        took = format_duration(r.ended_ms - r.at_ms) if r.ended_ms > r.at_ms else "at once"
        text += f", ended {format_clock(r.ended_ms)} ({took})"
    return text + (f" · {r.evidence}" if r.evidence else "")
