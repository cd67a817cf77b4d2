"""Primaries, replicas, replication lag, connection pools, failover and lost writes."""

from __future__ import annotations

import pytest

from engine.instances import Role
from tests.conftest import build

DB = """
traffic: {{rps: {rps}, entry: [app], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  app: {{replicas: 4, capacity: 1000, latency: 5ms, calls: {{db: 2}}}}
databases:
  db:
    replicas: 2
    capacity: 5000
    latency: {latency}
    max_connections: {conns}
    write_ratio: 0.25
    replication: {{apply_rate: {apply}, base_lag: 20ms, mode: {mode}}}
    failover: {{detect: 10s, promotion: 20s}}
"""


def db_sim(rps: float = 400, apply: float = 1000, conns: int = 100, mode: str = "async",
           latency: str = "2ms"):
    return build(DB.format(rps=rps, apply=apply, conns=conns, mode=mode, latency=latency))


def test_reads_go_to_replicas_and_writes_to_the_primary() -> None:
    sim = db_sim()
    sim.run_for(30_000)
    db = sim.snapshot().database("db")
    by_role = {n.role: [] for n in db.nodes}
    for n in db.nodes:
        by_role[n.role].append(n.qps)
    assert db.qps == pytest.approx(800)
    assert by_role["primary"] == [pytest.approx(200)]  # 25 % writes
    assert by_role["replica"] == [pytest.approx(300), pytest.approx(300)]


def test_replication_lag_grows_when_writes_outpace_apply() -> None:
    sim = db_sim(rps=400, apply=150)  # 200 writes/s against 150 applied/s
    sim.run_for(60_000)
    lags = [n.lag_s for n in sim.snapshot().database("db").nodes if n.role == "replica"]
    # dℓ/dt = 200/150 − 1 = 1/3 s per second
    assert lags == [pytest.approx(20.0, abs=0.5)] * 2
    calm = db_sim(rps=400, apply=1000)
    calm.run_for(60_000)
    assert max(n.lag_s for n in calm.snapshot().database("db").nodes) == pytest.approx(0.02)


def test_connection_pool_exhaustion_refuses_queries() -> None:
    # slow queries: a replica holds 300 q/s × ~50 ms ≈ 15 connections against a limit of 12
    sim = db_sim(rps=400, conns=12, latency="50ms")
    sim.run_for(30_000)
    db = sim.snapshot().database("db")
    replica = next(n for n in db.nodes if n.role == "replica")
    assert replica.connections == pytest.approx(300 * (0.050 + 1 / 4700), rel=1e-3)
    refused = 1 - 12 / replica.connections
    primary = next(n for n in db.nodes if n.role == "primary")
    assert primary.connections < 12  # 200 q/s × 50 ms: the primary is fine
    assert db.error_rate == pytest.approx(refused * 0.75, rel=1e-3)
    assert sim.snapshot().service("app").error_rate > db.error_rate  # two queries per request
    healthy = db_sim(rps=400, conns=100, latency="50ms")
    healthy.run_for(30_000)
    assert healthy.snapshot().database("db").error_rate == 0


def test_primary_loss_fails_over_after_detection_and_promotion() -> None:
    sim = db_sim(rps=400, apply=150)
    failovers = []
    sim.bus.subscribe(lambda e: failovers.append(e) if e.type == "db.failover" else None)
    sim.run_for(60_000)
    world = sim.world
    node = world.topo.find("db")
    rows = world.inst.rows_of(node)
    primary = int(rows[world.inst.role[rows] == Role.PRIMARY][0])
    lag = float(world.inst.lag[rows[1]])
    crash_at = sim.now
    world.lifecycle.crash(primary, sim.now, "test: kill the primary")
    sim.run_for(15_000)
    assert sim.snapshot().database("db").status == "failing over"
    assert sim.snapshot().service("app").error_rate > 0.3  # writes have nowhere to go
    sim.run_for(30_000)
    assert len(failovers) == 1
    event = failovers[0]
    assert event.t == crash_at + 1000 + 10_000 + 20_000  # noticed next tick, +detect, +promotion
    assert event.data["new_primary"] in ("db-1", "db-2")
    # 200 writes/s inside a lag window of about 20 s (it grew another ~3 s while detecting)
    assert event.data["lost_writes"] == pytest.approx(200 * (lag + 10 / 3), rel=0.05)
    assert sim.snapshot().service("app").error_rate < 0.01
    roles = {n.name: n.role for n in sim.snapshot().database("db").nodes}
    assert roles[event.data["new_primary"]] == "primary"
    assert roles["db-0"] == "replica"


def test_synchronous_replication_loses_no_writes() -> None:
    sim = db_sim(mode="sync")
    lost = []
    sim.bus.subscribe(lambda e: lost.append(e.data["lost_writes"]) if e.type == "db.failover"
                      else None)
    sim.run_for(10_000)
    assert sim.world.failovers.force(sim.world.topo.find("db"), sim.now) is None
    sim.run_for(30_000)
    assert lost == [0]


def test_manual_failover_needs_a_ready_replica() -> None:
    sim = build("""
        services: {app: {calls: [solo]}}
        databases: {solo: {replicas: 0}}
    """)
    assert "no ready replica" in sim.world.failovers.force(sim.world.topo.find("solo"), 0)
