"""Scale, restart and autoscale: changing how many instances run and which are fresh."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..commands import Autoscale, Reply, Restart, Scale
from ..wording import counted
from ..durations import format_duration
from ..instances import State
from ..topology import Kind, NodeInfo
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

MAX_REPLICAS = 1000


@handles(Scale)
def scale(sim: Simulation, cmd: Scale) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    if not 0 <= cmd.replicas <= MAX_REPLICAS:
        return Reply(False, f"cannot scale {cmd.service} to {cmd.replicas}: replicas go from 0 "
                            f"to {MAX_REPLICAS}")
    world = sim.world
    before = int(world.inst.counts[info.index])
    if cmd.replicas == before:
        return Reply(True, f"{cmd.service} already runs {counted(before, 'instance')}; nothing to do",
                     {"service": cmd.service, "from": before, "to": before})
    note = ""
    if sim.autoscaler.enabled.get(info.index):
        sim.autoscaler.enabled[info.index] = False
        note = f"; autoscaling for {cmd.service} is off now ('autoscale {cmd.service} on' to " \
               "hand it back)"
    world.lifecycle.scale(info.index, cmd.replicas, sim.now)
    world.emit("scale", service=info.name, env=info.env,
               **{"from": before, "to": cmd.replicas}, reason="manual")
    if cmd.replicas > before:
        ready_in = format_duration(int(world.topo.startup[info.index]))
        change = f"{cmd.replicas - before} starting, ready in about {ready_in}"
    else:
        change = f"{before - cmd.replicas} stopped"
    return Reply(True, f"scaled {cmd.service} {before} → {cmd.replicas} ({change}){note}",
                 {"service": cmd.service, "from": before, "to": cmd.replicas})


@handles(Restart)
def restart(sim: Simulation, cmd: Restart) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE, Kind.CACHE, Kind.QUEUE),
                     "service")
    if isinstance(info, Reply):
        return info
    world, inst = sim.world, sim.world.inst
    rows = inst.rows_of(info.index).tolist()
    if not rows:
        return Reply(False, f"{cmd.service} has no instances to restart (scale it up first)")
    names = [world.instance_name(r) for r in rows]
    if cmd.instance is not None:
        if cmd.instance not in names:
            return Reply(False, f"{cmd.service} has no instance {cmd.instance} "
                                f"(instances: {', '.join(names)})")
        world.lifecycle.restart(rows[names.index(cmd.instance)], sim.now)
        return Reply(True, f"restarting {cmd.instance}; it takes traffic again in about "
                           f"{format_duration(int(world.topo.startup[info.index]))}",
                     {"service": cmd.service, "instances": [cmd.instance]})
    return _rolling_restart(sim, info, names)


def _rolling_restart(sim: Simulation, info: NodeInfo, names: list[str]) -> Reply:
    """One instance at a time, each after the previous one is ready (max unavailable 1)."""
    startup = int(sim.world.topo.startup[info.index])
    gap = max(startup, sim.spec.tick)
    for i, name in enumerate(names):  # (a partial, not a closure: checkpoints copy it)
        sim.schedule(sim.now + i * gap, partial(_restart_one, sim, info.index, name))
    total = format_duration(gap * len(names))
    return Reply(True, f"rolling restart of {info.name}: {counted(len(names), 'instance')}, one at a time, "
                       f"about {total} in all", {"service": info.name, "instances": names})


def _restart_one(sim: Simulation, node: int, name: str) -> None:
    world = sim.world
    for row in world.inst.rows_of(node).tolist():
        if world.instance_name(row) == name and world.inst.state[row] != State.CRASHED:
            world.lifecycle.restart(row, sim.now)


@handles(Autoscale)
def autoscale(sim: Simulation, cmd: Autoscale) -> Reply:
    info = find_node(sim, cmd.service, cmd.env, (Kind.SERVICE,), "service")
    if isinstance(info, Reply):
        return info
    if info.index not in sim.autoscaler.enabled:
        return Reply(False, f"{cmd.service} has no autoscaling policy in this scenario")
    scaler = sim.autoscaler
    if any(v is not None for v in (cmd.min, cmd.max, cmd.target_cpu, cmd.predictive)):
        problem = scaler.set_policy(info.index, cmd.min, cmd.max,
                                    None if cmd.target_cpu is None else cmd.target_cpu / 100,
                                    cmd.predictive)
        if problem:
            return Reply(False, f"cannot set {cmd.service}'s autoscaling: {problem}")
    if cmd.enabled is not None:
        scaler.enabled[info.index] = cmd.enabled
    spec, enabled = scaler.policies[info.index], scaler.enabled[info.index]
    target = f", target cpu {spec.target_cpu:.0%}" if spec.target_cpu is not None else ""
    target += ", predictive" if spec.predictive else ""
    state = f"on ({spec.min}–{spec.max} instances{target})" if enabled else "off"
    return Reply(True, f"autoscaling for {cmd.service} is {state}",
                 {"service": cmd.service, "enabled": enabled, "min": spec.min,
                  "max": spec.max, "target_cpu": spec.target_cpu})
