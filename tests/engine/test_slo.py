"""Error budgets and burn rates, checked against the SRE workbook's worked figures and closed
forms, and the budget a change puts at risk as previews state it."""

from __future__ import annotations

import numpy as np
import pytest

from engine.commands import InjectFault, Plan
from engine.histogram import B, bucket_of
from engine.metrics import METRIC_COUNT, M
from engine.watch import Sample, SloBook
from engine.watch.slo import AVAILABILITY, LATENCY, slow_share
from tests.conftest import build

ONE = """
services:
  front:
    replicas: 2
    slo: {availability: 99.9%, latency: 300ms, latency_target: 99%}
"""


def feed(book: SloBook, start_ms: int, minutes: float, rps: float, failing: float,
         slow: float = 0.0) -> int:
    """15-second samples of one service: ``failing`` and ``slow`` are shares of requests."""
    t = start_ms
    for _ in range(int(minutes * 4)):
        t += 15_000
        row = np.zeros((METRIC_COUNT, 1), dtype=np.float32)
        row[M.REQUESTS] = rps  # per tick (one second), as the metric store keeps it
        row[M.FAILED] = rps * failing
        counts = np.zeros((1, B))
        counts[0, bucket_of(np.array([0.05]))[0]] = rps * 15 * (1 - slow)
        counts[0, bucket_of(np.array([2.0]))[0]] = rps * 15 * slow
        book.observe(Sample(t, row, counts, 15))
    return t


@pytest.fixture
def book() -> SloBook:
    return SloBook(build(ONE).world.topo)


def test_an_hour_at_burn_rate_14_4_spends_2_percent_of_a_30_day_budget(book) -> None:
    # The workbook's page-worthy rate: 2 % of the budget in one hour is a burn rate of 14.4.
    feed(book, 0, 60, rps=100, failing=0.0144)
    assert book.burn_rate(3_600_000)[0, AVAILABILITY] == pytest.approx(14.4, rel=1e-4)
    assert book.spent()[0, AVAILABILITY] == pytest.approx(0.02, rel=1e-4)


def test_a_total_outage_trips_the_fast_burn_alert_in_52_seconds(book) -> None:
    # Workbook: time to detect = (1 − SLO) / error ratio × window × burn threshold
    # = 0.001 / 1 × 3600 s × 14.4 = 51.8 s for a 100 % outage against a one-hour window.
    t = feed(book, 0, 120, rps=100, failing=0.0)
    detected = None
    for step in range(1, 20):
        t = feed(book, t, 0.25, rps=100, failing=1.0)
        if book.burn_rate(3_600_000)[0, AVAILABILITY] >= 14.4:
            detected = step * 15
            break
    assert detected == 60  # the first 15-second sample at or after 51.8 s


def test_ten_minutes_of_total_outage_spend_23_percent_of_a_month(book) -> None:
    feed(book, 0, 10, rps=50, failing=1.0)
    assert book.spent()[0, AVAILABILITY] == pytest.approx(10 / 43.2, rel=1e-3)
    assert book.left()[0, AVAILABILITY] == pytest.approx(1 - 10 / 43.2, rel=1e-3)
    # and a preview's stake for the same ten minutes is the same figure
    assert book.at_risk(int(book.nodes[0]), 1.0, 600_000) == pytest.approx(10 / 43.2)


def test_slow_requests_count_against_the_latency_objective_only(book) -> None:
    feed(book, 0, 30, rps=100, failing=0.0, slow=0.05)
    burn = book.burn_rate(1_800_000)[0]
    assert burn[AVAILABILITY] == 0
    assert burn[LATENCY] == pytest.approx(0.05 / 0.01, rel=1e-6)


def test_the_slow_share_of_a_histogram_matches_counting_the_requests() -> None:
    rng = np.random.default_rng(3)
    latencies = rng.lognormal(np.log(0.12), 0.6, 200_000)
    counts = np.bincount(bucket_of(latencies), minlength=B).astype(float)
    for threshold in (0.1, 0.25, 0.5):
        estimate = (counts * slow_share(threshold)).sum() / counts.sum()
        exact = (latencies > threshold).mean()
        assert estimate == pytest.approx(exact, rel=0.05, abs=2e-4)


def test_a_budget_already_spent_is_carried_into_the_run() -> None:
    sim = build(ONE.replace("latency_target: 99%", "latency_target: 99%, spent: 40%"))
    assert sim.slo.left()[0, AVAILABILITY] == pytest.approx(0.6)


def test_a_chaos_preview_states_the_budget_at_stake() -> None:
    sim = build(ONE)
    sim.run_for(60_000)
    reply = sim.apply(Plan(InjectFault("error-injection", "front", percent=20, duration=600)))
    # 20 % of requests failing for ten minutes against a 30-day 99.9 % objective:
    # 0.2 × 600 s / (2,592,000 s × 0.001) = 4.6 %
    assert "error budget at risk" in reply.message
    assert "up to 4.6% of front's 30-day availability budget" in reply.message
