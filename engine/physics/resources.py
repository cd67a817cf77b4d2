"""CPU and memory follow load; leaks grow until the OOM killer; liveness probes kill the stuck.

- CPU (share of the instance): idle + (1 − idle)·min(ρ, 1), plus what a stressor takes.
- Memory (MiB): base + per_rps·λ + leaked, where a leaky version leaks ``memory_leak`` MiB a
  minute while it runs; above the limit the instance is OOM-killed (and restarted with
  back-off by the lifecycle).
- Liveness (optional, per service): every ``period`` a probe queues behind the backlog; it
  fails when b/μ + latency exceeds the probe's ``timeout``; after ``failures`` failures in a
  row the instance is killed and restarted — under sustained overload this sheds capacity
  exactly when it is most needed, as it does in Kubernetes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..instances import State

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]


def step(world: World, tick: Tick, t: int) -> None:
    inst, topo, routing, dt = world.inst, world.topo, world.routing(), world.dt
    node = inst.node
    ready = routing.ready
    running = ready + (inst.state == State.STARTING)
    idle = topo.cpu_idle[node]
    cpu = (idle + (1.0 - idle) * np.minimum(inst.rho, 1.0)) * ready
    if tick.any_stress:
        cpu = np.minimum(cpu + inst.stress * ready, 1.0)
    leak = world.versions.memory_leak[inst.version]
    if tick.any_leak:
        inst.leaked += leak / 60.0 * dt * running
    inst.cpu = cpu
    inst.mem = (topo.mem_base[node] + topo.mem_per_rps[node] * inst.lam + inst.leaked) * running
    oom = inst.mem > topo.mem_limit[node]
    if oom.any():
        for row in np.flatnonzero(oom).tolist():
            world.lifecycle.crash(row, t, "OOMKilled (memory limit exceeded)")
    if tick.liveness_nodes and t % tick.liveness_period == 0:
        _probe(world, tick, t)


def _probe(world: World, tick: Tick, t: int) -> None:
    inst, topo, routing = world.inst, world.topo, world.routing()
    for node, spec in tick.liveness_nodes:
        if t % spec.period:
            continue
        rows = inst.rows_of(node)
        rows = rows[inst.state[rows] == State.READY]
        if not len(rows):
            continue
        delay = inst.backlog[rows] / np.maximum(routing.mu[rows], 1e-9) + topo.base_latency[node]
        slow = delay * 1000 > spec.timeout
        inst.probe_failures[rows] = np.where(slow, inst.probe_failures[rows] + 1, 0)
        for row in rows[inst.probe_failures[rows] >= spec.failures].tolist():
            inst.probe_failures[row] = 0
            world.lifecycle.crash(row, t, f"liveness probe failed {spec.failures}× "
                                          f"(slower than {spec.timeout} ms)")
