"""The anomaly detector on the simulated estate: quiet on a clean morning, quick on a fault,
per component, explained in the metrics' own terms; and the grouped detector underneath."""

from __future__ import annotations

import numpy as np

from engine import Simulation, load_scenario
from engine.anomaly import OnlineDetector
from engine.commands import Anomalies, Explain, InjectFault


def test_a_clean_morning_is_quiet_and_a_fault_is_seen_within_a_minute() -> None:
    sim = Simulation(load_scenario("shopfront"), seed=5)
    seen: list = []
    sim.bus.subscribe(lambda e: seen.append(e) if e.type.startswith("anomaly") else None)
    sim.run_for(90 * 60_000)  # the hour of learning, and half an hour of a clean morning
    assert len(seen) <= 2  # at most one episode, begun and ended (a clean day allows two)
    seen.clear()
    start = sim.now
    sim.apply(InjectFault("latency", "search", latency_ms=300, duration=600))
    sim.run_for(5 * 60_000)
    first = [e for e in seen if e.type == "anomaly" and e.data["service"] in (
        "search", "web", "api", "gateway")]  # search, or who calls it
    assert first and first[0].t - start <= 60_000
    search = [e for e in first if e.data["service"] == "search"]
    assert search and search[0].data["metrics"][0] == "p99_ms"
    assert 0.0 < search[0].data["score"] <= 1.0
    listed = sim.apply(Anomalies("search", 600))
    assert listed.ok and "1. search" in listed.message and "p99_ms" in listed.message
    assert "Anomalies: search since" in sim.apply(Explain("search")).message
    sim.run_for(45 * 60_000)  # the fault is long over: the episode ends
    assert any(e.type == "anomaly.cleared" and e.data["service"] == "search" for e in seen)


def test_groups_have_their_own_episodes() -> None:
    rng = np.random.default_rng(2)
    n = 900
    times = np.arange(n) * 15.0
    values = rng.normal(10.0, 0.5, (n, 4))
    values[700:, 2] += 8.0  # group 1's first metric steps up
    detector = OnlineDetector(["a:x", "a:y", "b:x", "b:y"], groups=[0, 0, 1, 1])
    events = detector.observe(times, values)
    starts = [e.episode for e in events if e.kind == "start"]
    assert [e.group for e in starts] == [1]
    assert 700 <= starts[0].start_row <= 705
    assert starts[0].deviations[0].metric == "b:x"


def test_the_estate_detector_decides_the_same_however_the_clock_is_stepped() -> None:
    def anomalies(chunk_ms: int) -> list:
        sim = Simulation(load_scenario("shopfront"), seed=5)
        seen: list = []
        sim.bus.subscribe(lambda e: seen.append(e.to_dict()) if e.type.startswith("anomaly")
                          else None)
        sim.run_for(65 * 60_000)
        sim.apply(InjectFault("error-injection", "cart", percent=30, duration=300))
        for _ in range(10 * 60_000 // chunk_ms):
            sim.run_for(chunk_ms)
        return seen

    whole = anomalies(600_000)
    assert whole and whole == anomalies(7_000)
