"""Traffic shape (daily curve, spikes, noise) and the autoscaler that follows it."""

from __future__ import annotations

import numpy as np
import pytest

from engine.metrics import M
from tests.conftest import build


def rps_of(sim, name: str = "front", window: int = 60_000) -> float:
    """Mean requests/s over the last ``window``: a tick's count is Poisson, a minute's is not."""
    node = sim.world.topo.find(name)
    return float(np.mean(sim.metrics.series(node, M.RPS, window, sim.now)[1]))


def test_diurnal_curve_peaks_at_the_declared_hour() -> None:
    sim = build("""
        start: "02:00"
        traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0.5, peak: "14:00"}, noise: 0}
        services: {front: {capacity: 1000}}
    """)
    sim.run_for(60_000)
    night = rps_of(sim)
    sim.run_until(12 * 3_600_000)  # 14:00
    assert night == pytest.approx(50, rel=0.04)
    assert rps_of(sim) == pytest.approx(150, rel=0.03)
    assert sim.tick.traffic.multiplier(12 * 3_600_000) == pytest.approx(1.5)


def test_a_spike_ramps_up_holds_and_ramps_down() -> None:
    sim = build("""
        traffic:
          rps: 100
          entry: [front]
          diurnal: {amplitude: 0}
          noise: 0
          spikes: [{at: 10m, duration: 5m, factor: 3, ramp: 1m}]
        services: {front: {capacity: 1000, replicas: 2}}
    """)
    curve = sim.tick.traffic.multiplier
    assert [curve(int(m * 60_000)) for m in (9, 10.5, 13, 15.5, 18)] == \
        pytest.approx([1, 2, 3, 3, 1])  # half-way up the ramp at 10.5
    seen = {}
    for minute in (9, 14, 18):
        sim.run_until(int(minute * 60_000))
        seen[minute] = rps_of(sim, window=40_000)
    assert seen == {9: pytest.approx(100, rel=0.04), 14: pytest.approx(300, rel=0.03),
                    18: pytest.approx(100, rel=0.04)}


def test_noise_wanders_smoothly_around_the_curve() -> None:
    sim = build("""
        traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0}, noise: 0.1}
        services: {front: {capacity: 1000, replicas: 2}}
    """)
    sim.run_for(3_600_000)
    _, rps = sim.metrics.series(sim.world.topo.find("front"), M.RPS, 900_000, sim.now)
    assert 0.02 < np.std(rps) / np.mean(rps) < 0.3
    assert np.mean(np.abs(np.diff(rps))) < np.std(rps)  # smooth, not white


AUTO = """
traffic:
  rps: 200
  entry: [web]
  diurnal: {amplitude: 0}
  noise: 0
  spikes: [{at: 5m, duration: 20m, factor: 2.5, ramp: 1m}]
services:
  web:
    replicas: 3
    capacity: 100
    startup: 20s
    autoscale: {min: 2, max: 10, target_cpu: 0.65, stabilization: 5m}
"""


def test_autoscaler_follows_a_spike_up_and_comes_down_after_the_window() -> None:
    sim = build(AUTO)
    scales = []
    sim.bus.subscribe(lambda e: scales.append(e) if e.type == "scale" else None)
    sim.run_for(4 * 60_000)
    assert not scales  # 3 × 100 rps at 0.05 + 0.95 × 0.67 ≈ 68 % CPU: within 10 % of 65 %
    sim.run_until(20 * 60_000)
    ups = [e for e in scales if e.data["to"] > e.data["from"]]
    assert ups and ups[0].t >= 5 * 60_000
    assert "cpu" in ups[0].data["reason"]
    peak = sim.snapshot().service("web")
    assert peak.desired >= 8  # 500 rps at 65 % CPU (ρ ≈ 0.63) needs about 8 instances
    assert peak.error_rate < 0.01
    sim.run_until(27 * 60_000)  # the spike is over, but the window holds the count
    assert sim.snapshot().service("web").desired == peak.desired
    sim.run_until(40 * 60_000)
    downs = [e for e in scales if e.data["to"] < e.data["from"]]
    assert downs and downs[0].t >= (26 + 5) * 60_000
    assert sim.snapshot().service("web").desired <= 4


def test_predictive_autoscaler_scales_before_a_daily_rise() -> None:
    spec = """
        start: "06:00"
        traffic: {rps: 300, entry: [web], diurnal: {amplitude: 0.6, peak: "12:00"}, noise: 0.02}
        services:
          web:
            replicas: 2
            capacity: 100
            autoscale: {min: 2, max: 20, target_cpu: 0.6, predictive: %s, horizon: 15m}
    """
    reactive, predictive = build(spec % "false"), build(spec % "true")
    reasons: list[str] = []
    predictive.bus.subscribe(lambda e: reasons.append(e.data["reason"]) if e.type == "scale"
                             else None)
    reactive.run_for(3 * 3_600_000)
    predictive.run_for(3 * 3_600_000)
    assert predictive.snapshot().service("web").desired > reactive.snapshot().service("web").desired
    assert any("forecast" in r for r in reasons)


def test_environments_are_separate() -> None:
    sim = build("""
        environments:
          production: {}
          staging: {traffic: 0.1, replicas: 1}
        traffic: {rps: 100, entry: [web], diurnal: {amplitude: 0}, noise: 0}
        services:
          web: {replicas: 4, capacity: 100, autoscale: {min: 2, max: 8, target_cpu: 0.5}}
    """)
    sim.run_for(120_000)
    snap = sim.snapshot()
    recent = sim.metrics.recent(60_000, sim.now)["rps"]
    assert recent[sim.world.topo.find("web")] == pytest.approx(100, rel=0.04)
    assert recent[sim.world.topo.find("web", "staging")] == pytest.approx(10, rel=0.12)
    assert snap.service("web", "staging").desired == 1  # pinned: no autoscaling there
    assert set(sim.summary()["environments"]) == {"staging"}


def test_every_target_votes_and_the_largest_wins() -> None:
    """CPU wants 7, memory alone would want 2: the count settles at 7 instead of cycling."""
    sim = build("""
        traffic: {rps: 400, entry: [app], diurnal: {amplitude: 0}, noise: 0}
        services:
          app:
            replicas: 5
            capacity: 100
            memory: {base: 200Mi, per_rps: 0, limit: 1Gi}
            autoscale: {min: 2, max: 10, target_cpu: 0.6, target_memory: 0.8}
    """)
    scales = []
    sim.bus.subscribe(lambda e: scales.append(e.data["to"]) if e.type == "scale" else None)
    sim.run_for(30 * 60_000)
    assert scales == [7]  # CPU 81 % against 60 % asks for ⌈5 × 1.35⌉; memory's 2 is outvoted


def test_a_version_that_crashes_on_start_never_serves_even_as_the_first() -> None:
    sim = build("""
        traffic: {rps: 10, entry: [app]}
        services: {app: {version: bad, versions: {bad: {crash_on_start: true}}}}
    """)
    sim.run_for(60_000)
    assert sim.snapshot().service("app").health == "down"
    assert sim.bus.counts["instance.crashed"] >= 2


def test_a_scale_up_window_makes_a_surge_last_before_it_scales() -> None:
    """As the HPA's scale-up stabilisation ('CPU above 70 % for 5 minutes'): a 2-minute
    surge scales nothing; a longer one scales once it has lasted the window."""
    from tests.conftest import build

    def first_scale_up(surge_min: int) -> float | None:
        sim = build(f"""
            traffic: {{rps: 100, entry: [app], diurnal: {{amplitude: 0}}, noise: 0.02,
                      spikes: [{{at: 5m, duration: {surge_min}m, factor: 2, ramp: 0s}}]}}
            services:
              app: {{replicas: 3, capacity: 60, latency: 5ms, startup: 5s,
                     autoscale: {{min: 3, max: 12, target_cpu: 0.7, scale_up_window: 5m}}}}
        """)
        ups: list = []
        sim.bus.subscribe(lambda e: ups.append(e.t) if e.type == "scale" and
                          e.data["to"] > e.data["from"] else None)
        sim.run_for((5 + surge_min + 2) * 60_000)
        return (ups[0] - 5 * 60_000) / 60_000 if ups else None

    assert first_scale_up(2) is None
    took = first_scale_up(8)
    assert took is not None and 5.0 <= took <= 5.6
