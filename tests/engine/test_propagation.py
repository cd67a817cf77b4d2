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


def run(version: str = "1.0.0", weight: float = 1.0, window: int = 120_000):
    """Figures of front and back over the last ``window`` of a steady run, from counts."""
    sim = build(CHAIN.format(version=version, weight=weight))
    sim.run_for(window + 30_000)
    recent = sim.metrics.recent(window, sim.now)
    topo = sim.world.topo
    return ({k: float(v[topo.find("front")]) for k, v in recent.items()},
            {k: float(v[topo.find("back")]) for k, v in recent.items()})


def test_traffic_fans_out_by_calls_per_request() -> None:
    front, back = run(weight=2.5)
    assert front["rps"] == pytest.approx(100, rel=0.03)
    # each request makes 2 calls, and a third half the time: 2.5 on average
    assert back["requests"] / front["requests"] == pytest.approx(2.5, rel=0.02)


def test_requests_shed_at_the_door_call_nothing() -> None:
    sim = build("""
        traffic: {rps: 300, entry: [front], diurnal: {amplitude: 0}, noise: 0}
        services:
          front: {replicas: 1, capacity: 100, latency: 1ms, timeout: 2s, calls: {back: 1}}
          back: {replicas: 2, capacity: 500, latency: 1ms}
    """)
    sim.run_for(180_000)
    recent = sim.metrics.recent(60_000, sim.now)
    front, back = sim.world.topo.find("front"), sim.world.topo.find("back")
    assert recent["error_rate"][front] == pytest.approx(2 / 3, rel=0.05)  # sheds two thirds
    assert recent["rps"][back] == pytest.approx(100, rel=0.05)  # only what it admitted


def test_a_slow_dependency_shows_in_its_callers_latency() -> None:
    front_ok, back_ok = run()
    front_slow, back_slow = run("slow")
    # (within a histogram bucket, 26 % wide: a narrow mode's median is known to ±12 %)
    added = back_slow["p50_ms"] - back_ok["p50_ms"]
    assert added == pytest.approx(60, rel=0.2)  # 20 ms × 4 − 20 ms
    assert front_slow["p50_ms"] - front_ok["p50_ms"] == pytest.approx(added, rel=0.2)
    assert front_slow["rps"] == pytest.approx(front_ok["rps"], rel=0.03)


def test_a_failing_dependency_raises_its_callers_error_rate() -> None:
    front, back = run("broken")
    assert back["error_rate"] == pytest.approx(0.2, rel=0.05)
    assert front["error_rate"] == pytest.approx(0.2, rel=0.05)
    front_half, _ = run("broken", weight=0.5)  # half the requests call it
    assert front_half["error_rate"] == pytest.approx(0.1, rel=0.08)
    front_twice, _ = run("broken", weight=2)  # every request calls it twice
    assert front_twice["error_rate"] == pytest.approx(1 - 0.8**2, rel=0.05)


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


def test_a_failure_reaches_the_callers_in_the_same_tick() -> None:
    # requests flow callers-first through the whole graph within a tick
    sim = build(CHAIN.format(version="1.0.0", weight=1))
    sim.run_for(10_000)
    back = sim.world.topo.find("back")
    sim.world.lifecycle.scale(back, 0, sim.now)
    sim.step(1)
    assert sim.snapshot().service("back").error_rate == pytest.approx(1.0)
    assert sim.snapshot().service("front").error_rate == pytest.approx(1.0)
