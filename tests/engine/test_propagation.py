"""Load, latency and failure travelling along calls."""

from __future__ import annotations

import pytest

from tests.conftest import build

CHAIN = """
traffic:
  rps: 100
  entry: [front]
  diurnal: {{amplitude: 0}}
  noise: 0
services:
  front: {{replicas: 2, capacity: 200, latency: 10ms, calls: {{back: {weight}}}}}
  back:
    version: {version}
    replicas: 2
    capacity: 300
    latency: 20ms
    versions:
      slow: {{latency_factor: 4}}
      broken: {{error_rate: 0.2}}
"""


def run(version: str = "1.0.0", weight: float = 1.0):
    sim = build(CHAIN.format(version=version, weight=weight))
    sim.run_for(120_000)
    snap = sim.snapshot()
    return snap.service("front"), snap.service("back")


def test_traffic_fans_out_by_calls_per_request() -> None:
    front, back = run(weight=2.5)
    assert front.rps == pytest.approx(100)
    assert back.rps == pytest.approx(250)


def test_a_slow_dependency_shows_in_its_callers_latency() -> None:
    front_ok, back_ok = run()
    front_slow, back_slow = run("slow")
    added = back_slow.p50_ms - back_ok.p50_ms
    assert added == pytest.approx(60, rel=0.05)  # 20 ms × 4 − 20 ms
    assert front_slow.p50_ms - front_ok.p50_ms == pytest.approx(added, rel=1e-6)
    assert front_slow.rps == pytest.approx(front_ok.rps)


def test_a_failing_dependency_raises_its_callers_error_rate() -> None:
    front, back = run("broken")
    assert back.error_rate == pytest.approx(0.2)
    assert front.error_rate == pytest.approx(0.2)
    front_half, _ = run("broken", weight=0.5)  # half the requests call it
    assert front_half.error_rate == pytest.approx(0.1)
    front_twice, _ = run("broken", weight=2)  # every request calls it twice
    assert front_twice.error_rate == pytest.approx(1 - 0.8**2)


def test_a_dead_dependency_fails_its_callers_completely() -> None:
    sim = build(CHAIN.format(version="1.0.0", weight=1))
    sim.run_for(10_000)
    back = sim.world.topo.find("back")
    sim.world.lifecycle.scale(back, 0, sim.now)
    sim.run_for(30_000)
    snap = sim.snapshot()
    assert snap.service("back").health == "down"
    assert snap.service("front").error_rate == pytest.approx(1.0)
    assert snap.service("front").availability == pytest.approx(0.0)


def test_signals_travel_one_hop_per_tick() -> None:
    sim = build(CHAIN.format(version="1.0.0", weight=1))
    sim.run_for(10_000)
    back = sim.world.topo.find("back")
    sim.world.lifecycle.scale(back, 0, sim.now)
    sim.step(1)  # back has no instances: it fails this tick …
    assert sim.snapshot().service("back").error_rate == pytest.approx(1.0)
    assert sim.snapshot().service("front").error_rate < 0.01
    sim.step(1)  # … and its caller sees it on the next
    assert sim.snapshot().service("front").error_rate == pytest.approx(1.0)
