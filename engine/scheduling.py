"""Placing service instances on the cluster's machines, as the Kubernetes scheduler does.

With a ``cluster`` (machines × allocatable CPU and memory) every service instance requests
``resources`` (CPU cores, MiB) and must fit on one machine: first fit, machines in order. An
instance that fits nowhere stays *pending* — it takes no traffic and uses nothing — until
something frees room (instances removed, a scale-down, a rollout's old stack going), when the
pending ones are placed again, oldest first. So an autoscaler or a rollout that asks for more
than the cluster holds stalls with pending instances, which is how it shows in real life.
Databases, caches, queues and externals are managed elsewhere and are not scheduled here.
Without a ``cluster`` capacity is unlimited and nothing is ever pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .instances import State
from .topology import Kind

if TYPE_CHECKING:
    from .world import World

__all__ = ["Scheduler"]

UNPLACED = -1


class Scheduler:
    """Owns the instance table's ``machine`` column and the pending state."""

    def __init__(self, world: World) -> None:
        self.world = world
        spec = world.spec.cluster
        self.enabled = spec is not None
        topo = world.topo
        self.machines = spec.nodes if spec is not None else 0
        self.cpu = spec.cpu if spec is not None else 0.0
        self.memory = spec.memory if spec is not None else 0.0
        res = [getattr(n.spec, "resources", None) if n.kind == Kind.SERVICE else None
               for n in topo.nodes]
        self.scheduled = np.array([r is not None for r in res])
        self.req_cpu = np.array([r.cpu if r is not None else 0.0 for r in res])
        self.req_mem = np.array([r.memory if r is not None else 0.0 for r in res])
        self._tried_at = -1

    def place(self, rows: np.ndarray, t: int) -> None:
        """Put new instances on machines; those that fit nowhere become pending."""
        if not self.enabled or not len(rows):
            return
        world, inst = self.world, self.world.inst
        free_cpu, free_mem = self._free()
        for row in rows.tolist():
            node = int(inst.node[row])
            if not self.scheduled[node]:
                continue
            fits = np.flatnonzero((free_cpu >= self.req_cpu[node] - 1e-9)
                                  & (free_mem >= self.req_mem[node] - 1e-9))
            if len(fits):
                machine = int(fits[0])
                inst.machine[row] = machine
                free_cpu[machine] -= self.req_cpu[node]
                free_mem[machine] -= self.req_mem[node]
                if inst.state[row] == State.PENDING:
                    world.lifecycle.start(row, t)
                    world.emit_instance("instance.scheduled", row,
                                        machine=f"machine-{machine}")
            elif inst.state[row] != State.PENDING:
                inst.machine[row] = UNPLACED
                inst.state[row] = State.PENDING
                inst.since[row] = t
                world.states_changed()
                world.emit_instance("instance.pending", row, reason=self._why(node))

    def retry(self, t: int) -> None:
        """Place pending instances when the table changed (room may have been freed)."""
        world = self.world
        if not self.enabled or self._tried_at == world.changed:
            return
        self._tried_at = world.changed
        pending = np.flatnonzero(world.inst.state == State.PENDING)
        if len(pending):
            order = pending[np.argsort(world.inst.since[pending], kind="stable")]
            self.place(order, t)
            self._tried_at = world.changed

    def _free(self) -> tuple[np.ndarray, np.ndarray]:
        inst = self.world.inst
        placed = inst.machine >= 0
        machine = inst.machine[placed]
        used_cpu = np.bincount(machine, self.req_cpu[inst.node[placed]], self.machines)
        used_mem = np.bincount(machine, self.req_mem[inst.node[placed]], self.machines)
        return self.cpu - used_cpu, self.memory - used_mem

    def _why(self, node: int) -> str:
        free_cpu, free_mem = self._free()
        return (f"no machine has {self.req_cpu[node]:g} CPU and {self.req_mem[node]:g} MiB "
                f"free (cluster: {self.machines} × {self.cpu:g} CPU, {self.memory:g} MiB; most "
                f"free on one: {free_cpu.max():.3g} CPU, {free_mem.max():.0f} MiB)")
