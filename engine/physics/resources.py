"""CPU and memory follow load; leaks grow until the OOM killer; liveness probes kill the stuck.

- CPU (share of the instance): idle + (1 − idle)·min(ρ, 1), plus what a stressor takes.
- Memory (MiB): base + per_rps·λ + leaked, where a leaky version leaks ``memory_leak`` MiB a
  minute of running (counted in whole milliseconds); above the limit the instance is
  OOM-killed (and restarted with back-off by the lifecycle).
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
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]


def step(world: World, tick: Tick, b: Batch) -> None:
    inst, topo, routing, dt = world.inst, world.topo, world.routing(), world.dt
    node = inst.node
    ready = routing.ready
    running = ready + (inst.state == State.STARTING)
    idle = topo.cpu_idle[node]
    lam = b.lam_node[:, node] * routing.share  # K × instances
    rho = np.minimum(lam / np.maximum(routing.mu, 1e-12), 1.0)
    cpu = (idle + (1.0 - idle) * rho) * ready
    if tick.any_stress:
        cpu = np.minimum(cpu + inst.stress * ready, 1.0)
    # leaked memory from whole milliseconds run, so it is the same however ticks are batched
    run_ms = inst.run_ms + np.outer(np.arange(1, b.k + 1) * world.dt_ms, running > 0)
    leak = world.versions.memory_leak[inst.version] / 60_000.0
    mem = (topo.mem_base[node] + topo.mem_per_rps[node] * lam + leak * run_ms) * running
    oom = mem > topo.mem_limit[node]
    b.assume(oom)
    sums = tick.node_sums(np.stack([cpu, mem, rho * ready]))
    b.extra["cpu"], b.extra["mem"], b.extra["sat"] = sums[0], sums[1], sums[2]
    probes = _probes(world, tick, b) if tick.liveness_nodes else []
    t = b.last

    def commit() -> None:
        inst.cpu, inst.mem = cpu[-1], mem[-1]
        inst.run_ms = run_ms[-1]
        inst.leaked = leak * run_ms[-1]
        for row in np.flatnonzero(oom[-1]).tolist():
            world.lifecycle.crash(row, t, "OOMKilled (memory limit exceeded)")
        for row, why in probes:
            if inst.state[row] == State.READY:
                world.lifecycle.crash(row, t, why)

    b.commit(commit)


def _probe_ticks(tick: Tick, b: Batch, period: int) -> np.ndarray:
    return np.flatnonzero(b.times % period == 0)


def _probes(world: World, tick: Tick, b: Batch) -> list[tuple[int, str]]:
    """Liveness probes in the batch. A probe queues behind the backlog, which inside a batch is
    zero until its last tick (``physics.servers``)."""
    inst, topo, routing = world.inst, world.topo, world.routing()
    kills: list[tuple[int, str]] = []
    for node, spec in tick.liveness_nodes:
        ticks = _probe_ticks(tick, b, spec.period)
        if not len(ticks):
            continue
        rows = inst.rows_of(node)
        rows = rows[inst.state[rows] == State.READY]
        if not len(rows):
            continue
        failures = inst.probe_failures[rows].copy()
        for k in ticks.tolist():
            backlog = b.extra.get("backlog_after", inst.backlog)[rows] if k == b.k - 1 else 0.0
            delay = backlog / np.maximum(routing.mu[rows], 1e-9) + topo.base_latency[node]
            failures = np.where(delay * 1000 > spec.timeout, failures + 1, 0)
            dead = failures >= spec.failures
            if dead.any() and k < b.k - 1:
                b.limit(k + 1)
                break
        kills += [(int(r), f"liveness probe failed {spec.failures}× (slower than "
                           f"{spec.timeout} ms)") for r in rows[failures >= spec.failures]]
        b.commit(lambda rows=rows, failures=failures: _set(inst, rows, failures, spec))
    return kills


def _set(inst, rows, failures, spec) -> None:  # noqa: ANN001
    inst.probe_failures[rows] = np.where(failures >= spec.failures, 0, failures)
