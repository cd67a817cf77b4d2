"""Queues with consumer lag; caches whose misses reach the backing store."""

from __future__ import annotations

import pytest

from engine.physics.messaging import flush
from tests.conftest import build

QUEUE = """
traffic: {{rps: 100, entry: [producer], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  producer: {{replicas: 2, capacity: 500, calls: {{events: 1}}}}
  consumer: {{replicas: {consumers}, capacity: 30, consumes: events}}
queues:
  events: {{}}
"""


def recent(sim, name: str, window: int = 60_000) -> dict[str, float]:  # noqa: ANN001
    node = sim.world.topo.find(name)
    return {k: float(v[node]) for k, v in sim.metrics.recent(window, sim.now).items()}


def test_consumers_keep_up_when_they_have_capacity() -> None:
    sim = build(QUEUE.format(consumers=6))  # 162/s of pull for 100 messages/s
    sim.run_for(120_000)
    assert recent(sim, "consumer")["rps"] == pytest.approx(100, rel=0.03)
    assert sim.snapshot().queues[0].consumer_lag == 0


def test_lag_grows_when_consumers_fall_behind_and_drains_after_scaling() -> None:
    sim = build(QUEUE.format(consumers=2))  # 54/s of pull against 100 messages/s
    sim.run_for(100_000)
    lag = sim.snapshot().queues[0].consumer_lag
    assert lag == pytest.approx((100 - 54) * 100, rel=0.06)  # Poisson: ±100 after 100 s
    assert recent(sim, "consumer", 30_000)["rps"] == pytest.approx(54)  # pulling flat out
    sim.world.lifecycle.scale(sim.world.topo.find("consumer"), 8, sim.now)
    sim.run_for(30_000)  # new consumers start (15 s) and pull hard
    assert sim.snapshot().queues[0].consumer_lag < lag
    sim.run_for(300_000)
    assert sim.snapshot().queues[0].consumer_lag == 0


def test_consumers_beyond_the_partitions_idle() -> None:
    sim = build(QUEUE.format(consumers=8).replace("events: {}", "events: {partitions: 2}"))
    sim.run_for(100_000)  # only two of the eight can pull: 54/s
    assert recent(sim, "consumer", 30_000)["rps"] == pytest.approx(54)
    assert sim.snapshot().queues[0].consumer_lag > 4000


CACHE = """
traffic: {rps: 200, entry: [app], diurnal: {amplitude: 0}, noise: 0}
services:
  app: {replicas: 2, capacity: 1000, calls: [cache]}
caches:
  cache: {hit_ratio: 0.9, backing: db, warmup: 5m}
databases:
  db: {replicas: 0, capacity: 5000}
"""


def test_cache_misses_reach_the_backing_store() -> None:
    sim = build(CACHE)
    sim.run_for(90_000)
    assert recent(sim, "db")["rps"] == pytest.approx(20, rel=0.08)  # 10 % of 200


def test_a_flush_sends_a_load_wave_to_the_database_that_ebbs_as_the_cache_warms() -> None:
    sim = build(CACHE)
    sim.run_for(60_000)
    flush(sim.world, sim.world.topo.find("cache"))
    sim.run_for(3_000)
    assert recent(sim, "db", 3_000)["rps"] > 150  # nearly every lookup misses
    hit, load = [], []
    for _ in range(6):
        sim.run_for(60_000)
        hit.append(sim.snapshot().caches[0].hit_ratio)
        load.append(recent(sim, "db")["rps"])
    assert all(b > a for a, b in zip(hit, hit[1:], strict=False))  # warms with what it serves
    assert all(b < a for a, b in zip(load, load[1:], strict=False))  # the wave ebbs
    assert 0.5 < hit[2] < 0.9
    sim.run_for(900_000)
    assert sim.snapshot().caches[0].hit_ratio == pytest.approx(0.9)
    assert recent(sim, "db")["rps"] == pytest.approx(20, rel=0.08)


def test_a_cache_that_is_down_passes_every_lookup_through() -> None:
    sim = build(CACHE)
    sim.run_for(60_000)
    sim.world.lifecycle.scale(sim.world.topo.find("cache"), 0, sim.now)
    sim.run_for(60_000)
    assert recent(sim, "db", 30_000)["rps"] == pytest.approx(200, rel=0.05)
    assert recent(sim, "app", 30_000)["error_rate"] == pytest.approx(0.0, abs=0.01)


def test_a_working_set_larger_than_the_cache_evicts_and_the_database_takes_the_rest() -> None:
    # two nodes of (4096 − 512) MiB hold 7 GiB of a 14 GiB working set: half the hot keys
    sim = build(CACHE.replace("warmup: 5m}", "warmup: 5m, nodes: 2, working_set: 14336Mi}"))
    sim.run_for(90_000)
    assert sim.snapshot().caches[0].hit_ratio == pytest.approx(0.45)
    assert recent(sim, "db")["rps"] == pytest.approx(200 * 0.55, rel=0.05)
