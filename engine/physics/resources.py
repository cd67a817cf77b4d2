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
    inst, topo, routing = world.inst, world.topo, world.routing()
    node = inst.node
    ready = routing.ready
    running = ready + (inst.state == State.STARTING)
    # leaked memory from whole milliseconds run, so it is the same however ticks are batched
    steps = np.arange(1, b.k + 1) * world.dt_ms
    leak = world.versions.memory_leak[inst.version] / 60_000.0
    injected = world.effects.leak[node] / 60_000.0 if world.effects.leak.any() else None
    since = inst.leak_from

    def leaked(run: np.ndarray) -> np.ndarray:
        if injected is None:  # (no memory-leak fault: the common case, kept cheap)
            return leak * run
        return leak * run + injected * np.maximum(run - since, 0)
    coef = tick.resource_coefficients()
    # per node, while no instance is past its capacity, CPU, memory and saturation are linear
    # in the node's rate: sums over instances of a + b·λ (a tick where some instance is
    # saturated is summed instance by instance)
    lam = b.lam_node
    b.extra["cpu"] = coef.cpu_a + coef.cpu_b * lam
    b.extra["sat"] = coef.sat_b * lam
    b.extra["mem"] = coef.mem_a + coef.mem_b * lam
    if tick.any_leak:  # summed instance by instance: exact, whatever the batch
        b.extra["mem"] = b.extra["mem"] + tick.node_sums(
            leaked(inst.run_ms + np.outer(steps, running > 0)) * running)
    over = np.flatnonzero(np.any(lam * coef.per_mu > 1.0, axis=1) | tick.any_stress)
    if len(over):
        _exact(world, tick, b, over, running, steps, leaked)
    # the highest memory each instance reached in the batch (its rate peaks with its node's)
    run_ms = inst.run_ms + steps[-1] * (running > 0)
    peak = lam.max(axis=0)[node] * routing.share
    top = (topo.mem_base[node] + topo.mem_per_rps[node] * peak + leaked(run_ms)) * running
    if np.any(top > topo.mem_limit[node]):
        each = lam[:, node] * routing.share
        mem = (topo.mem_base[node] + topo.mem_per_rps[node] * each
               + leaked(inst.run_ms + np.outer(steps, running > 0))) * running
        b.assume(mem > topo.mem_limit[node])
    last_lam = lam[-1][node] * routing.share
    rho = np.minimum(last_lam / np.maximum(routing.mu, 1e-12), 1.0)
    idle = topo.cpu_idle[node]
    cpu = (idle + (1.0 - idle) * rho) * ready
    if tick.any_stress:
        cpu = np.minimum(cpu + inst.stress * ready, 1.0)
    mem = (topo.mem_base[node] + topo.mem_per_rps[node] * last_lam + leaked(run_ms)) * running
    oom = mem > topo.mem_limit[node]
    probes = _probes(world, tick, b) if tick.liveness_nodes else []
    t = b.last

    def commit() -> None:
        inst.cpu, inst.mem = cpu, mem
        inst.run_ms = run_ms
        for row in np.flatnonzero(oom).tolist():
            world.lifecycle.crash(row, t, "OOMKilled (memory limit exceeded)")
        for row, why in probes:
            if inst.state[row] == State.READY:
                world.lifecycle.crash(row, t, why)

    b.commit(commit)


def _exact(world: World, tick: Tick, b: Batch, ticks: np.ndarray, running: np.ndarray,
           steps: np.ndarray, leaked) -> None:  # noqa: ANN001 - run ms -> MiB leaked
    """CPU, memory and saturation summed instance by instance, for the given ticks."""
    inst, topo, routing = world.inst, world.topo, world.routing()
    node, ready = inst.node, routing.ready
    idle = topo.cpu_idle[node]
    lam = b.lam_node[ticks][:, node] * routing.share
    rho = np.minimum(lam / np.maximum(routing.mu, 1e-12), 1.0)
    cpu = (idle + (1.0 - idle) * rho) * ready
    if tick.any_stress:
        cpu = np.minimum(cpu + inst.stress * ready, 1.0)
    run_ms = inst.run_ms + np.outer(steps[ticks], running > 0)
    mem = (topo.mem_base[node] + topo.mem_per_rps[node] * lam + leaked(run_ms)) * running
    sums = tick.node_sums(np.stack([cpu, mem, rho * ready]))
    b.extra["cpu"][ticks], b.extra["mem"][ticks], b.extra["sat"][ticks] = sums


def _probes(world: World, tick: Tick, b: Batch) -> list[tuple[int, str]]:
    """Liveness probes in the batch. A probe queues behind the backlog, which inside a batch is
    zero until its last tick (``physics.servers``)."""
    inst, topo, routing = world.inst, world.topo, world.routing()
    kills: list[tuple[int, str]] = []
    for node, spec in tick.liveness_nodes:
        ticks = np.flatnonzero(b.times % spec.period == 0)
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
