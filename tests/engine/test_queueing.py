"""The queue physics against queueing theory, measured from sampled requests.

Every figure here is what the metric store recorded from Poisson arrivals and sampled
latencies over a window, checked against a closed form from the literature (M/M/1 and M/M/c
sojourn times, Erlang C, Little's law): the engine computes neither in the way checked.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine.metrics import M
from engine.physics.servers import erlang_c
from tests.conftest import build, single

WINDOW = 600_000


def window_p99(sim, name: str = "front") -> float:  # noqa: ANN001
    return sim.metrics.window_quantile_ms(sim.world.topo.find(name), 0.99, WINDOW, sim.now)


@pytest.mark.parametrize("rps", [10, 50, 80])
def test_p99_matches_mm1_over_a_window(rps: float) -> None:
    # M/M/1 sojourn time is Exp(μ − λ): p99 = ln(100)/(μ − λ)   (Kleinrock, vol. 1, §3.2)
    sim = single(rps)
    sim.run_for(WINDOW + 120_000)
    expected_ms = math.log(100) / (100 - rps) * 1000
    assert window_p99(sim) == pytest.approx(expected_ms, rel=0.10)


def test_one_tick_of_a_quiet_service_is_noisy_and_a_window_is_not() -> None:
    sim = single(5)
    sim.run_for(WINDOW + 60_000)
    node = sim.world.topo.find("front")
    _, rps = sim.metrics.series(node, M.RPS, WINDOW, sim.now)
    _, p99 = sim.metrics.series(node, M.P99, 240_000, sim.now)  # one-second samples
    assert rps.std() == pytest.approx(math.sqrt(5), rel=0.15)  # Poisson: variance = mean
    assert p99.std() > 0.3 * p99.mean()  # a p99 of five requests jumps about
    assert window_p99(sim) == pytest.approx(math.log(100) / 95 * 1000, rel=0.10)


@pytest.mark.parametrize("workers,rps", [(2, 150), (4, 340), (8, 720)])
def test_erlang_c_against_the_mmc_balance_equations(workers: int, rps: float) -> None:
    # P(wait) from the birth–death chain of M/M/c solved directly (not Erlang's formula)
    mu_one = 100.0
    a = rps / mu_one
    p = [a**k / math.factorial(k) for k in range(workers)]
    tail = a**workers / math.factorial(workers) / (1 - a / workers)
    expected = tail / (sum(p) + tail)
    assert float(erlang_c(np.array([workers]), np.array([a / workers]))[0]) == \
        pytest.approx(expected, rel=1e-9)


def test_workers_shorten_the_tail_as_mmc_says() -> None:
    # the same 80 % load on one fast server and on four slow ones: the four wait less often
    # but each request takes 4× longer, so p50 grows while p99 stays close (M/M/c sojourn)
    one = single(80)
    four = single(80, extra="workers: 4")
    for sim in (one, four):
        sim.run_for(WINDOW + 120_000)
    node = one.world.topo.find("front")
    p50_one = one.metrics.window_quantile_ms(node, 0.5, WINDOW, one.now)
    p50_four = four.metrics.window_quantile_ms(node, 0.5, WINDOW, four.now)
    assert p50_one == pytest.approx(math.log(2) / 20 * 1000, rel=0.10)
    assert p50_four > 1.5 * p50_one


def test_overload_builds_a_backlog_then_sheds_what_it_cannot_serve() -> None:
    sim = single(130)  # ρ = 1.3, clients wait 10 s
    sim.run_for(15_000)
    early = sim.snapshot().service("front")
    sim.run_for(300_000)
    late = sim.metrics.recent(120_000, sim.now)
    node = sim.world.topo.find("front")
    assert early.p99_ms > 2000  # 30 req/s pile up
    assert early.error_rate < 0.01
    # the queue stops at 5 s of work (half the timeout) and the excess 30/130 is shed …
    assert late["error_rate"][node] == pytest.approx(30 / 130, rel=0.05)
    # … so what it keeps still finishes in time
    assert 4000 < late["p99_ms"][node] < 10_000
    assert sim.snapshot().service("front").saturation == pytest.approx(1.0)


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
    during = sim.metrics.window_quantile_ms(0, 0.99, 20_000, sim.now)
    sim.run_for(WINDOW + 120_000)
    assert during > 5000  # 20 req/s excess for almost two minutes
    assert window_p99(sim) == pytest.approx(math.log(100) / 40 * 1000, rel=0.10)  # M/M/1 again


def test_littles_law_matches_the_mmc_occupancy() -> None:
    # L = λ·W measured from sampled completions must equal the queue's mean occupancy from
    # the M/M/c closed form: L = a + C(c, a)·ρ/(1 − ρ)   (a = λ/μ_one, ρ = a/c)
    workers, rps, mu_one = 2, 160.0, 100.0
    sim = single(rps, capacity=workers * mu_one, extra=f"workers: {workers}")
    sim.run_for(WINDOW + 120_000)
    node = sim.world.topo.find("front")
    _, served = sim.metrics.series(node, M.RPS, WINDOW, sim.now)
    _, mean_ms = sim.metrics.series(node, M.LATENCY_MEAN, WINDOW, sim.now)
    measured = float(np.mean(served) * np.sum(served * mean_ms) / np.sum(served) / 1000)
    a = rps / mu_one
    rho = a / workers
    wait = float(erlang_c(np.array([workers]), np.array([rho]))[0])
    assert measured == pytest.approx(a + wait * rho / (1 - rho), rel=0.08)


def test_load_spreads_evenly_over_ready_instances() -> None:
    sim = single(240, capacity=100, replicas=3)
    sim.run_for(WINDOW)
    node = sim.world.topo.find("front")
    _, cpu = sim.metrics.series(node, M.CPU, WINDOW, sim.now)
    assert float(np.mean(cpu)) == pytest.approx(0.05 + 0.95 * 0.8, rel=0.02)
    rows = sim.world.inst.rows_of(node)
    assert sim.world.routing().share[rows] == pytest.approx([1 / 3] * 3)
