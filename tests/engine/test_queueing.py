"""The queue physics against queueing theory: M/M/1 percentiles, saturation, Little's law."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.metrics import M
from tests.conftest import build, single


def p99_at(rps: float) -> float:
    sim = single(rps)
    sim.run_for(60_000)
    return sim.snapshot().service("front").p99_ms


@pytest.mark.parametrize("rps", [10, 50, 80, 95])
def test_p99_matches_mm1(rps: float) -> None:
    # M/M/1 sojourn time is Exp(μ − λ): p99 = ln(100)/(μ − λ)
    expected_ms = math.log(100) / (100 - rps) * 1000
    assert p99_at(rps) == pytest.approx(expected_ms, rel=1e-6)


def test_p99_rises_steeply_as_utilisation_nears_one() -> None:
    p = [p99_at(rps) for rps in (50, 70, 80, 90, 95)]
    assert all(b > a for a, b in zip(p, p[1:], strict=False))
    assert p[-1] / p[0] == pytest.approx(10)  # ρ 0.5 → 0.95: the tail grows (1−0.5)/(1−0.95)


def test_overload_builds_a_backlog_then_times_out() -> None:
    sim = single(130)  # ρ = 1.3, clients wait 10 s
    sim.run_for(10_000)
    early = sim.snapshot().service("front")
    sim.run_for(300_000)
    late = sim.snapshot().service("front")
    assert late.p99_ms > early.p99_ms > 3000  # 30 req/s pile up: 300 queued after 10 s
    assert early.error_rate < 0.01
    # the queue stops at 5 s of work (half the timeout) and the excess 30/130 is shed …
    assert late.error_rate == pytest.approx(30 / 130, rel=1e-3)
    # … so what it keeps still finishes in time
    assert 5000 < late.p99_ms < 10_000
    assert late.saturation == pytest.approx(1.0)


def test_backlog_drains_when_load_falls() -> None:
    sim = build("""
        traffic:
          rps: 60
          entry: [front]
          diurnal: {amplitude: 0}
          noise: 0
          spikes: [{at: 1m, duration: 2m, factor: 2.0, ramp: 0s}]
        services:
          front: {replicas: 1, capacity: 100, latency: 0ms, timeout: 30s}
    """)
    sim.run_for(170_000)
    during = sim.snapshot().service("front").p99_ms
    sim.run_for(600_000)
    after = sim.snapshot().service("front").p99_ms
    assert during > 5000  # 60 req/s excess for 2 minutes
    assert after == pytest.approx(math.log(100) / 40 * 1000, rel=1e-3)  # back to M/M/1


def test_littles_law_holds_at_steady_state() -> None:
    sim = build("""
        traffic:
          rps: 300
          entry: [front]
          diurnal: {amplitude: 0.2}
          noise: 0.05
        services:
          front: {replicas: 3, capacity: 150, latency: 20ms, calls: {back: 1}}
          back: {replicas: 2, capacity: 250, latency: 5ms}
    """)
    sim.run_for(1_800_000)
    for name in ("front", "back"):
        node = sim.world.topo.find(name)
        _, in_flight = sim.metrics.series(node, M.IN_FLIGHT, 600_000, sim.now)
        _, rps = sim.metrics.series(node, M.RPS, 600_000, sim.now)
        _, mean_ms = sim.metrics.series(node, M.LATENCY_MEAN, 600_000, sim.now)
        lam_w = np.mean(rps * mean_ms / 1000)
        assert np.mean(in_flight) == pytest.approx(lam_w, rel=0.05), name
        assert np.mean(in_flight) > 1.0


def test_load_spreads_evenly_over_ready_instances() -> None:
    sim = single(240, capacity=100, replicas=3)
    sim.run_for(10_000)
    rows = sim.world.inst.rows_of(sim.world.topo.find("front"))
    assert sim.world.inst.lam[rows] == pytest.approx([80, 80, 80])
    assert sim.snapshot().service("front").cpu == pytest.approx(0.05 + 0.95 * 0.8)
