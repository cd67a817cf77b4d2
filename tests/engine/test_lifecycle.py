"""Instances starting, crashing with back-off, leaking to an OOM kill; versions that behave."""

from __future__ import annotations

import numpy as np
import pytest

from engine.metrics import M
from tests.conftest import build

BASE = """
traffic: {{rps: 50, entry: [app], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  app:
    version: {version}
    replicas: 2
    capacity: 100
    startup: 20s
    memory: {{base: 200Mi, per_rps: 0, limit: 500Mi}}
    restart: {{backoff: 10s, max_backoff: 40s}}
    versions:
      bad: {{crash_on_start: true}}
      leaky: {{memory_leak: 60}}
      hungry: {{cpu_factor: 2}}
"""


def events_of(sim, kind: str) -> list:
    seen: list = []
    sim.bus.subscribe(lambda e: seen.append(e) if e.type == kind else None)
    return seen


def test_crash_on_start_backs_off_exponentially_up_to_the_cap() -> None:
    sim = build(BASE.format(version="1.0.0"))
    crashes = events_of(sim, "instance.crashed")
    node = sim.world.topo.find("app")
    bad = sim.world.versions.index(node, "bad", sim.spec.services["app"].versions)
    rows = sim.world.inst.rows_of(node)
    sim.world.inst.version[rows[0]] = bad
    sim.world.roles_changed()
    sim.world.lifecycle.restart(int(rows[0]), sim.now)
    sim.run_for(400_000)
    mine = [e for e in crashes if e.data["instance"] == "app-0"]
    assert [e.data["restart_in_s"] for e in mine[:5]] == [10, 20, 40, 40, 40]
    # each crash comes 20 s (start-up) after the previous restart
    assert mine[1].t - mine[0].t == 10_000 + 20_000
    assert sim.snapshot().service("app").ready == 1
    assert all(e.data["reason"].startswith("crashed on start") for e in mine)


def test_a_memory_leak_ends_in_oom_kills_and_restarts() -> None:
    sim = build(BASE.format(version="leaky"))
    crashes = events_of(sim, "instance.crashed")
    restarts = events_of(sim, "instance.restarted")
    memory = []
    for _ in range(8):
        sim.run_for(60_000)
        memory.append(sim.snapshot().service("app").memory_mib)
    assert memory[0] < memory[1] < memory[2] < memory[3] < memory[4]  # 60 MiB a minute
    sim.run_for(120_000)
    assert crashes and all("OOMKilled" in e.data["reason"] for e in crashes)
    # (500 − 200 MiB) / 60 MiB per minute: killed about five minutes in (the traffic's own
    # memory, per_rps × λ, is noisy, so the exact tick is not known)
    assert 295_000 <= crashes[0].t <= 305_000
    assert restarts and restarts[0].t == crashes[0].t + 10_000


def test_a_cpu_hungry_version_halves_capacity() -> None:
    healthy = build(BASE.format(version="1.0.0"))
    hungry = build(BASE.format(version="hungry"))
    for sim in (healthy, hungry):
        sim.run_for(90_000)
    node = healthy.world.topo.find("app")
    mean = [float(np.mean(s.metrics.series(node, M.SATURATION, 60_000, s.now)[1]))
            for s in (healthy, hungry)]
    assert mean == [pytest.approx(0.25, rel=0.03), pytest.approx(0.5, rel=0.03)]


def test_scaling_up_starts_instances_that_take_traffic_once_ready() -> None:
    sim = build(BASE.format(version="1.0.0"))
    node = sim.world.topo.find("app")
    sim.run_for(10_000)
    sim.world.lifecycle.scale(node, 5, sim.now)
    sim.run_for(10_000)
    snap = sim.snapshot()
    assert (snap.service("app").ready, snap.service("app").desired) == (2, 5)
    assert snap.service("app").health == "degraded"
    sim.run_for(15_000)
    snap = sim.snapshot()
    assert snap.service("app").ready == 5
    zones = sorted(i.zone for i in snap.instances if i.node == "app")
    assert zones == ["zone-a", "zone-a", "zone-b", "zone-b", "zone-c"]
    rows = sim.world.inst.rows_of(node)
    assert sim.world.routing().share[rows] == pytest.approx([0.2] * 5)
    sim.run_for(60_000)
    assert float(np.mean(sim.metrics.series(node, M.RPS, 60_000, sim.now)[1])) == \
        pytest.approx(50, rel=0.05)
