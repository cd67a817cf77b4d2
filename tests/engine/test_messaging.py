"""Queues with consumer lag; caches whose misses reach the backing store."""

from __future__ import annotations

import pytest

from tests.conftest import build

QUEUE = """
traffic: {{rps: 100, entry: [producer], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  producer: {{replicas: 2, capacity: 500, calls: {{events: 1}}}}
  consumer: {{replicas: {consumers}, capacity: 30, consumes: events}}
queues:
  events: {{}}
"""


def test_consumers_keep_up_when_they_have_capacity() -> None:
    sim = build(QUEUE.format(consumers=6))  # 180/s of capacity for 100 messages/s
    sim.run_for(120_000)
    snap = sim.snapshot()
    assert snap.service("consumer").rps == pytest.approx(100, rel=0.01)
    assert snap.queues[0].consumer_lag < 50


def test_lag_grows_when_consumers_fall_behind_and_drains_after_scaling() -> None:
    sim = build(QUEUE.format(consumers=2))  # 54/s of pull against 100 messages/s
    sim.run_for(100_000)
    lag = sim.snapshot().queues[0].consumer_lag
    assert lag == pytest.approx((100 - 54) * 100, rel=0.02)
    sim.world.lifecycle.scale(sim.world.topo.find("consumer"), 8, sim.now)
    sim.run_for(30_000)  # new consumers start (15 s) and pull hard
    assert sim.snapshot().queues[0].consumer_lag < lag
    sim.run_for(300_000)
    assert sim.snapshot().queues[0].consumer_lag < 100


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
    sim.run_for(30_000)
    assert sim.snapshot().database("db").qps == pytest.approx(20)  # 10 % of 200


def test_a_flush_sends_every_lookup_to_the_database_then_warms_up() -> None:
    sim = build(CACHE)
    sim.run_for(30_000)
    sim.world.caches.flush(sim.world.topo.find("cache"))
    sim.run_for(3_000)
    assert sim.snapshot().database("db").qps > 150
    hit = [sim.snapshot().caches[0].hit_ratio]
    for _ in range(5):
        sim.run_for(60_000)
        hit.append(sim.snapshot().caches[0].hit_ratio)
    assert all(b > a for a, b in zip(hit, hit[1:], strict=False))
    # h(t) = h*(1 − e^(−t/τ)), τ = warmup/3 = 100 s
    assert hit[-1] == pytest.approx(0.9 * (1 - 2.718281828 ** (-303 / 100)), rel=0.02)
    sim.run_for(600_000)
    assert sim.snapshot().database("db").qps == pytest.approx(20, rel=0.01)
