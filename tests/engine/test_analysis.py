"""Canary analysis as statistics: checked against scipy's tests and over many seeds."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from engine.commands import Deploy
from engine.deploy.statistics import (error_difference, memory_slope, normal_quantile,
                                      slower_share)
from tests.conftest import build


@pytest.mark.parametrize("p", [0.001, 0.025, 0.1, 0.5, 0.9, 0.95, 0.999])
def test_normal_quantile_matches_scipy(p: float) -> None:
    assert normal_quantile(p) == pytest.approx(stats.norm.ppf(p), abs=1e-8)


def test_the_error_difference_agrees_with_a_two_proportion_z_test() -> None:
    # 30/1000 against 15/1000: scipy's z test of the difference (unpooled)
    b = error_difference(30, 1000, 15, 1000, z=normal_quantile(0.95))
    p1, p0 = 30 / 1000, 15 / 1000
    z = (p1 - p0) / math.sqrt(p1 * (1 - p1) / 1000 + p0 * (1 - p0) / 1000)
    assert b.estimate == pytest.approx(0.015)
    assert b.p_value == pytest.approx(stats.norm.sf(z), rel=0.1)


def test_the_slower_share_is_mann_whitneys_u_over_n1_n0() -> None:
    rng = np.random.default_rng(4)
    new = rng.integers(10, 30, 400)  # bucket of each request
    old = rng.integers(8, 28, 600)
    h1, h0 = np.bincount(new, minlength=64), np.bincount(old, minlength=64)
    b = slower_share(h1.astype(float), h0.astype(float), z=normal_quantile(0.95))
    u = stats.mannwhitneyu(new, old, alternative="greater", method="asymptotic")
    assert b.estimate == pytest.approx(u.statistic / (400 * 600))
    assert b.p_value == pytest.approx(u.pvalue, rel=0.25)  # scipy corrects for ties


def test_a_memory_slope_matches_least_squares() -> None:
    t = np.arange(30) / 60.0
    mem = 300 + 12.0 * t + np.random.default_rng(1).normal(0, 0.5, 30)
    b = memory_slope(t, mem, z=normal_quantile(0.95))
    fit = stats.linregress(t, mem)
    assert b.estimate == pytest.approx(fit.slope)
    assert (b.estimate - b.lower) / normal_quantile(0.95) == pytest.approx(fit.stderr)


CANARY = """
traffic: {{rps: 40, entry: [app], diurnal: {{amplitude: 0}}, noise: 0.05}}
services:
  app:
    replicas: 4
    capacity: 100
    latency: 20ms
    startup: 5s
    version: 1.0.0
    delivery: {{strategy: canary, canary_steps: [25, 50], pause: 30s,
                max_error_increase: 2%, on_inconclusive: promote}}
    versions:
      1.0.0: {{error_rate: 1%}}
      1.1.0: {{error_rate: {rate}, latency_factor: {factor}}}
"""


def aborted(rate: str, seed: int, factor: float = 1.0) -> bool:
    sim = build(CANARY.format(rate=rate, factor=factor), seed=seed)
    events: list = []
    sim.bus.subscribe(lambda e: events.append(e.type) if e.type.startswith("deploy.") else None)
    sim.apply(Deploy("app", "1.1.0", strategy="canary"))
    for _ in range(12):  # at most six minutes, stopping at the verdict
        sim.run_for(30_000)
        if "deploy.completed" in events or "deploy.aborted" in events:
            break
    assert "deploy.completed" in events or "deploy.aborted" in events, events
    return "deploy.aborted" in events


def test_a_healthy_version_is_rarely_aborted_and_a_bad_one_almost_always() -> None:
    # 1 % errors on both sides, 50 seeds: false aborts at most the 5 % the confidence allows
    healthy = sum(aborted("1%", seed) for seed in range(50))
    assert healthy <= 2
    # 8 % against 1 % with a 2-point margin: caught in at least 95 % of 50 seeds
    bad = sum(aborted("8%", seed) for seed in range(50))
    assert bad >= 48
    # the same errors, twice as slow: caught by the latency test as surely
    slow = sum(aborted("1%", seed, factor=2.0) for seed in range(20))
    assert slow >= 19
