"""``plan``: a command asked about ("should I roll back checkout?"), answered without doing it.

The answer says what the command would change, in the estate's own terms ("cart 3.2.0 →
2.7.0, rolling 25 % at a time"), what the evidence says for and against it (``explain`` on
its subject: a symptom and its likely cause, or that the subject looks healthy), and how to
run it. Previews are registered per command type, as handlers are.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..commands import (
    Autoscale, Command, Deploy, Explain, Failover, InjectFault, Plan, Reply, Restart, Rollback,
    Scale,
)
from ..wording import counted
from ..chaos.controller import DEFAULT_DURATION_S
from ..chaos.kinds import BEHAVIOURS
from ..durations import format_duration
from .budget_risk import budget_at_risk
from .checks import check
from .registry import HANDLERS, handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["PREVIEWS", "blast_radius", "preview"]

PREVIEWS: dict[type[Command], Callable[[Any, Any], str]] = {}


def previews(t: type[Command]) -> Callable:
    def register(fn: Callable) -> Callable:
        PREVIEWS[t] = fn
        return fn
    return register


def preview(sim: Simulation, cmd: Command) -> str:
    """What the command would change, in words (its arguments when there is no preview)."""
    fn = PREVIEWS.get(type(cmd))
    if fn is not None:
        return fn(sim, cmd)
    args = ", ".join(f"{k} {v}" for k, v in cmd.args().items())
    return f"{cmd.intent.replace('_', ' ')} {args}".strip()


@handles(Plan)
def plan(sim: Simulation, cmd: Plan) -> Reply:
    inner = cmd.command
    problem = check(sim, inner)
    if problem is not None:
        return Reply(True, f"it would not run: {problem}. Nothing was done",
                     {"command": inner.to_dict(), "would": None, "refused": problem})
    would = preview(sim, inner)
    args = inner.args()
    subject = args.get("service") or args.get("database") or args.get("target")
    evidence = ""
    if isinstance(subject, str) and not isinstance(inner, InjectFault):  # (a remedy, not chaos)
        seen = HANDLERS[Explain](sim, Explain(subject, args.get("env")))
        if seen.ok:
            healthy = seen.data.get("cause") is None
            evidence = (f"against: {seen.message}" if healthy else f"for: {seen.message}")
    text = f"it would {would}" + (f". Evidence {evidence}" if evidence else "")
    text += ". Nothing was done (to do it, give the command itself)"
    return Reply(True, text, {"command": inner.to_dict(), "would": would})


@previews(Deploy)
def _deploy(sim: Simulation, cmd: Deploy) -> str:
    info = find_node(sim, cmd.service, cmd.env)
    if isinstance(info, Reply):
        return f"deploy {cmd.service} {cmd.version} (but: {info.message})"
    strategy = cmd.strategy or info.spec.delivery.strategy
    steps = info.spec.delivery.canary_steps if cmd.canary_weight is None else (
        cmd.canary_weight, 50)
    how = f"canary {' → '.join(f'{s:g}' for s in steps)} → 100 %" if strategy == "canary" \
        else strategy
    delivery = info.spec.delivery
    share, lasts = {"canary": (steps[0] / 100, delivery.pause),
                    "blue-green": (1.0, delivery.bake)}.get(strategy, (0.25, delivery.bake))
    risk = budget_at_risk(sim, [info.index], share, lasts)
    return (f"deploy {cmd.service} {sim.deploys.current_version(info.index)} → "
            f"{cmd.version} in {info.env} ({how})" + (f"; {risk} until the first analysis"
                                                      if risk else ""))


@previews(Rollback)
def _rollback(sim: Simulation, cmd: Rollback) -> str:
    info = find_node(sim, cmd.service, cmd.env)
    if isinstance(info, Reply):
        return f"roll back {cmd.service} (but: {info.message})"
    running = sim.deploys.active.get(info.index)
    if running is not None:
        return (f"stop the rollout of {cmd.service} {running.to_version} in {info.env} and "
                f"send all traffic to {running.from_version}")
    target = cmd.version or sim.deploys.previous_version(info.index)
    if target is None:
        return f"roll back {cmd.service} in {info.env} — but it has no earlier revision"
    return (f"roll {cmd.service} back {sim.deploys.current_version(info.index)} → {target} "
            f"in {info.env} (rolling, 25 % at a time)")


@previews(Scale)
def _scale(sim: Simulation, cmd: Scale) -> str:
    info = find_node(sim, cmd.service, cmd.env)
    if isinstance(info, Reply):
        return f"scale {cmd.service} to {cmd.replicas} (but: {info.message})"
    now = int(sim.world.inst.counts[info.index])
    off = " and turn its autoscaling off" if sim.autoscaler.enabled.get(info.index) else ""
    risk = "" if cmd.replicas else "; " + budget_at_risk(
        sim, [info.index, *sorted(sim.world.topo.reachable(info.index, upstream=True))], 1.0,
        None)
    return f"scale {cmd.service} in {info.env} {now} → {counted(cmd.replicas, 'instance')}{off}{risk}"


@previews(Restart)
def _restart(sim: Simulation, cmd: Restart) -> str:
    if cmd.instance:
        return f"restart {cmd.instance}"
    info = find_node(sim, cmd.service, cmd.env)
    if isinstance(info, Reply):
        return f"restart {cmd.service}'s instances one at a time"
    n = int(sim.world.inst.counts[info.index])
    return f"restart {cmd.service}'s {counted(n, 'instance')} one at a time"


@previews(Failover)
def _failover(sim: Simulation, cmd: Failover) -> str:
    text = (f"fence {cmd.database}'s primary and promote its most up-to-date replica; writes "
            "fail until it is promoted, and writes the replica has not applied are lost")
    info = find_node(sim, cmd.database, cmd.env)
    if isinstance(info, Reply):
        return text
    topo = sim.world.topo
    risk = budget_at_risk(sim, sorted(topo.reachable(info.index, upstream=True)),
                          float(topo.write_frac[info.index]), info.spec.failover.promotion)
    return text + (f"; {risk}" if risk else "")


@previews(Autoscale)
def _autoscale(sim: Simulation, cmd: Autoscale) -> str:
    parts = [] if cmd.enabled is None else [f"turn autoscaling {'on' if cmd.enabled else 'off'}"]
    if cmd.min is not None or cmd.max is not None:
        parts.append(f"set bounds {cmd.min or '…'}–{cmd.max or '…'}")
    if cmd.target_cpu is not None:
        parts.append(f"aim at {cmd.target_cpu:g} % cpu")
    return f"{' and '.join(parts)} for {cmd.service}"


@previews(InjectFault)
def _chaos(sim: Simulation, cmd: InjectFault) -> str:
    extra = ", ".join(f"{k} {v}" for k, v in cmd.args().items()
                      if k not in ("fault", "target", "env", "duration"))
    behaviour = BEHAVIOURS.get(cmd.fault)
    lasting = ""
    if behaviour is not None and not behaviour.one_shot:
        seconds = cmd.duration if cmd.duration is not None else DEFAULT_DURATION_S
        lasting = f" for {format_duration(seconds * 1000)}" + (
            ", the default" if cmd.duration is None else "")
    hit, total, callers = blast_radius(sim, cmd)
    reach = f"; blast radius: {hit} of {counted(total, 'instance')}" if total else ""
    feel = f"; callers that will feel it: {', '.join(callers)}" if callers else ""
    risk = _fault_risk(sim, cmd, hit, total)
    return f"inject {cmd.fault} into {cmd.target}" + (f" ({extra})" if extra else "") + \
        lasting + reach + feel + (f"; {risk}" if risk else "")


_SHARED_FAULTS = ("error-injection", "packet-loss")  # their percent is the share of requests


def _fault_risk(sim: Simulation, cmd: InjectFault, hit: int, total: int) -> str:
    """The budget at stake if every request the fault reaches failed while it runs."""
    topo = sim.world.topo
    env = cmd.env or sim.spec.primary_environment
    if cmd.target in sim.spec.zones:
        nodes = [n.index for n in topo.nodes if n.env == env]
    else:
        node = topo.find(cmd.target, env)
        if node is None:
            return ""
        nodes = [node, *sorted(topo.reachable(node, upstream=True))]
    share = hit / total if total and (cmd.count or cmd.percent or cmd.target in sim.spec.zones
                                      ) else 1.0
    if cmd.fault in _SHARED_FAULTS and cmd.percent is not None:
        share = min(cmd.percent, 100) / 100
    duration = (cmd.duration if cmd.duration is not None else DEFAULT_DURATION_S) * 1000
    if cmd.fault == "instance-kill":  # until the replacements are ready
        spec = topo.nodes[nodes[0]].spec
        duration = getattr(spec, "startup", 0) + getattr(spec, "warmup", 0) + 10_000
    return budget_at_risk(sim, nodes, share, duration)


def blast_radius(sim: Simulation, cmd: InjectFault) -> tuple[int, int, list[str]]:
    """How many of the target's instances a fault hits (of how many), and every component
    that calls it, directly or through others — who will feel it."""
    topo = sim.world.topo
    env = cmd.env or sim.spec.primary_environment
    if cmd.target in sim.spec.zones:
        zone = sim.spec.zones.index(cmd.target)
        inst = sim.world.inst
        return int((inst.zone == zone).sum()), len(inst), []
    node = topo.find(cmd.target, env)
    if node is None:
        return 0, 0, []
    total = int(sim.world.inst.counts[node])
    hit = total if cmd.count is None else min(cmd.count, total)
    if cmd.count is None and cmd.percent is not None and cmd.fault in ("instance-kill",
                                                                         "cpu-stress"):
        hit = max(1, round(total * min(cmd.percent, 100) / 100)) if cmd.fault == \
            "instance-kill" else total
    seen = topo.reachable(node, upstream=True)
    return hit, total, [topo.nodes[n].name for n in sorted(seen)]
