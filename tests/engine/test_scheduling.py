"""Instances scheduled on a cluster of machines: scaling past it stalls with pending ones."""

from __future__ import annotations

from engine.instances import State
from tests.conftest import build

CLUSTER = """
cluster: {nodes: 2, cpu: 4, memory: 8Gi}
traffic: {rps: 100, entry: [web], diurnal: {amplitude: 0}, noise: 0}
services:
  web: {replicas: 3, capacity: 100, resources: {cpu: 2, memory: 1Gi}, startup: 5s}
  batch: {replicas: 2, capacity: 100, resources: {cpu: 1, memory: 1Gi}}
"""


def states(sim, name: str) -> list[str]:  # noqa: ANN001
    rows = sim.world.inst.rows_of(sim.world.topo.find(name))
    return [State(int(s)).name.lower() for s in sim.world.inst.state[rows]]


def test_instances_that_fit_nowhere_stay_pending_until_room_is_freed() -> None:
    # two machines of 4 CPU, first fit: web-0 and web-1 fill the first, web-2 and the two
    # batch jobs (1 CPU each) the second
    sim = build(CLUSTER)
    events = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type.startswith("instance.") else None)
    assert states(sim, "web") == ["ready"] * 3 and states(sim, "batch") == ["ready"] * 2
    sim.world.lifecycle.scale(sim.world.topo.find("web"), 5, sim.now)
    sim.run_for(10_000)
    assert states(sim, "web") == ["ready"] * 3 + ["pending"] * 2
    pending = [e for e in events if e.type == "instance.pending"]
    assert len(pending) == 2 and "no machine has 2 CPU" in pending[0].data["reason"]
    snap = sim.snapshot().service("web")
    assert (snap.ready, snap.desired) == (3, 5)
    # the batch jobs go: 2 CPU freed on the second machine — room for one more web instance
    sim.world.lifecycle.scale(sim.world.topo.find("batch"), 0, sim.now)
    sim.run_for(10_000)
    assert states(sim, "web") == ["ready"] * 4 + ["pending"]
    scheduled = [e for e in events if e.type == "instance.scheduled"]
    assert [e.data["instance"] for e in scheduled] == ["web-3"]


def test_pending_instances_take_no_traffic() -> None:
    sim = build(CLUSTER)
    sim.world.lifecycle.scale(sim.world.topo.find("web"), 5, sim.now)
    sim.run_for(30_000)
    rows = sim.world.inst.rows_of(sim.world.topo.find("web"))
    share = sim.world.routing().share[rows]
    assert list(share.round(6)) == [round(1 / 3, 6)] * 3 + [0.0, 0.0]


def test_without_a_cluster_nothing_is_pending() -> None:
    sim = build(CLUSTER.replace("cluster: {nodes: 2, cpu: 4, memory: 8Gi}\n", ""))
    sim.world.lifecycle.scale(sim.world.topo.find("web"), 40, sim.now)
    sim.run_for(10_000)
    assert set(states(sim, "web")) == {"ready"}


def test_free_room_split_across_machines_does_not_fit_an_instance() -> None:
    # web takes 3 of 4 CPU on each machine: 2 CPU are free in the cluster, 1 on each, and a
    # 1.5-CPU batch job fits nowhere
    sim = build(CLUSTER.replace("replicas: 3, capacity: 100, resources: {cpu: 2,",
                                "replicas: 2, capacity: 100, resources: {cpu: 3,")
                .replace("resources: {cpu: 1, memory: 1Gi}", "resources: {cpu: 1.5, memory: 1Gi}"))
    assert states(sim, "batch") == ["pending", "pending"]
    sim.world.lifecycle.scale(sim.world.topo.find("web"), 1, sim.now)  # frees a machine
    sim.run_for(60_000)
    assert states(sim, "batch") == ["ready", "ready"]
