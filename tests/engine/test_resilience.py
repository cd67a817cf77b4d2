"""Conserved flow, retries, circuit breakers and externals, measured from the sampled world."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tests.conftest import build

EDGE = """
traffic: {{rps: 100, entry: [front], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  front: {{replicas: 2, capacity: 1000, latency: 1ms,
           calls: {{back: {{weight: 1.5, retries: 2, timeout: 1s{extra}}}}}}}
  back:
    replicas: 2
    capacity: 1000
    latency: 2ms
    version: {version}
    versions: {{flaky: {{error_rate: 0.2}}}}
"""


def recent(sim, name: str, window: int = 60_000) -> dict[str, float]:  # noqa: ANN001
    node = sim.world.topo.find(name)
    return {k: float(v[node]) for k, v in sim.metrics.recent(window, sim.now).items()}


def test_a_callee_receives_what_its_callers_admitted_times_the_weight_plus_retries() -> None:
    sim = build(EDGE.format(version="flaky", extra=", retry_budget: 100%"))
    calls = attempts = admitted = arrivals = 0.0
    for _ in range(120):
        sim.step(1)
        b = sim.world.flow.last
        assert b.arrivals[-1, 1] == b.attempts[-1, 0]  # every attempt arrives, nothing else
        calls += b.calls[-1, 0]
        attempts += b.attempts[-1, 0]
        admitted += b.admitted[-1, 0]
        arrivals += b.arrivals[-1, 1]
    assert calls / admitted == pytest.approx(1.5, rel=0.03)
    # each call tries again while it fails, at most twice: 1 + p + p² attempts (p = 0.2)
    assert attempts / calls == pytest.approx(1 + 0.2 + 0.04, rel=0.03)
    # and the caller fails only when all three attempts of a call fail
    per_call = 0.2**3
    assert recent(sim, "front", 120_000)["error_rate"] == pytest.approx(
        1 - (1 - per_call) ** 1.5, rel=0.25)


def test_a_retry_budget_caps_the_extra_load() -> None:
    sim = build(EDGE.format(version="flaky", extra=", retry_budget: 5%"))
    sim.run_for(60_000)
    b = sim.world.flow.last
    totals = [0.0, 0.0]
    for _ in range(60):
        sim.step(1)
        b = sim.world.flow.last
        totals[0] += b.calls[-1, 0]
        totals[1] += b.attempts[-1, 0] - b.calls[-1, 0]
    assert totals[1] <= 0.05 * totals[0] + 60  # at most 5 % of the calls, plus one a tick
    assert totals[1] > 0.04 * totals[0]  # 24 % would like to retry: the budget binds


def test_a_breaker_opens_fails_fast_and_closes_after_a_successful_probe() -> None:
    sim = build(EDGE.format(version="1.0.0", extra=", breaker: {errors: 50%, window: 10s, "
                                                   "min_calls: 20, open: 30s, probes: 5}"))
    events = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type.startswith("breaker.") else None)
    sim.run_for(30_000)
    back = sim.world.topo.find("back")
    sim.world.lifecycle.scale(back, 0, sim.now)  # every attempt is refused
    sim.run_for(15_000)
    assert [e.type for e in events] == ["breaker.opened"]
    sim.run_for(10_000)
    # open: calls fail at once and never reach the callee
    assert recent(sim, "back", 8_000)["rps"] == 0.0
    assert recent(sim, "front", 8_000)["error_rate"] == pytest.approx(1.0)
    sim.world.lifecycle.scale(back, 2, sim.now)
    sim.run_for(90_000)
    assert [e.type for e in events][-1] == "breaker.closed"
    assert recent(sim, "front", 20_000)["error_rate"] < 0.01
    assert recent(sim, "back", 20_000)["rps"] == pytest.approx(150, rel=0.06)


EXTERNAL = """
traffic: {{rps: {rps}, entry: [app], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  app: {{replicas: 2, capacity: 5000, latency: 1ms, calls: [psp]}}
externals:
  psp: {{latency: 100ms, p99: 400ms, error_rate: 1%, capacity: {limit}}}
"""


def test_an_external_has_its_median_and_tail_and_its_errors() -> None:
    sim = build(EXTERNAL.format(rps=100, limit=1000))
    sim.run_for(400_000)
    node = sim.world.topo.find("psp")
    p50 = sim.metrics.window_quantile_ms(node, 0.5, 300_000, sim.now)
    p99 = sim.metrics.window_quantile_ms(node, 0.99, 300_000, sim.now)
    assert (p50, p99) == (pytest.approx(100, rel=0.1), pytest.approx(400, rel=0.1))
    assert recent(sim, "psp", 300_000)["error_rate"] == pytest.approx(0.01, rel=0.2)


def test_calls_beyond_an_externals_rate_limit_are_refused() -> None:
    sim = build(EXTERNAL.format(rps=150, limit=100))
    sim.run_for(90_000)
    psp = recent(sim, "psp")
    # 150 a second against a limit of 100: a third is refused (429), the rest go through
    assert psp["error_rate"] == pytest.approx(1 / 3 + 2 / 3 * 0.01, rel=0.08)
    assert psp["rps"] == pytest.approx(150, rel=0.04)


def test_producers_fail_while_the_broker_is_down() -> None:
    sim = build("""
        traffic: {rps: 100, entry: [shop], diurnal: {amplitude: 0}, noise: 0}
        services:
          shop: {replicas: 2, capacity: 1000, calls: [events]}
          mailer: {replicas: 2, capacity: 200, consumes: events}
        queues: {events: {}}
    """)
    sim.run_for(30_000)
    sim.world.lifecycle.scale(sim.world.topo.find("events"), 0, sim.now)
    sim.run_for(30_000)
    assert recent(sim, "shop", 20_000)["error_rate"] == pytest.approx(1.0)
    assert recent(sim, "mailer", 20_000)["rps"] == 0.0
    assert math.isclose(float(np.sum(sim.world.flow.queue_lag)), 0.0)
