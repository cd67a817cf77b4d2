"""Primaries, replicas, replication lag, connection pools, failover and lost writes."""

from __future__ import annotations

import numpy as np
import pytest

from engine.instances import Role
from engine.physics.servers import erlang_c
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


def db_rps(sim, window: int = 30_000) -> float:  # noqa: ANN001
    return float(sim.metrics.recent(window, sim.now)["rps"][sim.world.topo.find("db")])


def test_reads_go_to_replicas_and_writes_to_the_primary() -> None:
    sim = db_sim()
    sim.run_for(60_000)
    assert db_rps(sim) == pytest.approx(800, rel=0.03)
    world = sim.world
    rows = world.inst.rows_of(world.topo.find("db"))
    share = {Role(int(world.inst.role[r])).name: [] for r in rows}
    for r in rows:
        share[Role(int(world.inst.role[r])).name].append(float(world.routing().share[r]))
    assert share == {"PRIMARY": [pytest.approx(0.25)],  # the writes
                     "REPLICA": [pytest.approx(0.375)] * 2}  # the reads, split


def test_replication_lag_grows_when_writes_outpace_apply() -> None:
    sim = db_sim(rps=400, apply=150)  # 200 writes/s against 150 applied/s
    sim.run_for(60_000)
    lags = [n.lag_s for n in sim.snapshot().database("db").nodes if n.role == "replica"]
    # lag is time behind: after 60 s the replica has applied 150 × 60 = 9,000 writes, those
    # the primary acknowledged in its first 45 s, so it is 15 s behind (dℓ/dt = 1 − 150/200)
    # (read against the last second's writes, themselves a Poisson count: ±7 % at 200/s)
    assert lags == [pytest.approx(15.0, rel=0.15)] * 2
    calm = db_sim(rps=400, apply=1000)
    calm.run_for(60_000)
    assert max(n.lag_s for n in calm.snapshot().database("db").nodes) == pytest.approx(0.02)


def test_scaled_out_clients_exhaust_the_database_connections() -> None:
    # every app instance keeps pool_size 10 connections to each database node's cluster; the
    # three db nodes accept 3 × 20 = 60: four app instances (40) fit, twelve (120) do not
    sim = db_sim(rps=400, conns=20)
    sim.run_for(60_000)
    assert sim.metrics.recent(30_000, sim.now)["error_rate"][sim.world.topo.find("db")] == 0
    sim.world.lifecycle.scale(sim.world.topo.find("app"), 12, sim.now)
    sim.run_for(60_000)
    db = sim.world.topo.find("db")
    refused = 1 - 60 / 120
    errors = sim.metrics.recent(30_000, sim.now)["error_rate"]
    assert errors[db] == pytest.approx(refused, rel=0.05)
    # a request makes two queries: it fails when either finds no connection
    assert errors[sim.world.topo.find("app")] == pytest.approx(1 - (1 - refused) ** 2, rel=0.05)
    assert sim.snapshot().database("db").nodes[0].connections == pytest.approx(20)


def test_primary_loss_loses_exactly_the_writes_the_promoted_replica_had_not_applied() -> None:
    sim = db_sim(rps=400, apply=150)
    failovers = []
    sim.bus.subscribe(lambda e: failovers.append(e) if e.type == "db.failover" else None)
    sim.run_for(60_000)
    world = sim.world
    node = world.topo.find("db")
    rows = world.inst.rows_of(node)
    primary = int(rows[world.inst.role[rows] == Role.PRIMARY][0])
    replicas = rows[world.inst.role[rows] == Role.REPLICA]
    behind = float(world.inst.unapplied[replicas].min())
    assert behind == pytest.approx(50 * 60, rel=0.06)  # 200 written, 150 applied a second
    acked = float(world.writes_acked[node])
    crash_at = sim.now
    world.lifecycle.crash(primary, sim.now, "test: kill the primary")
    sim.run_for(5_000)
    lag_early = [n.lag_s for n in sim.snapshot().database("db").nodes if n.role == "replica"]
    sim.run_for(10_000)
    assert sim.snapshot().database("db").status == "failing over"
    # no primary accepts writes, so nothing new reaches the replicas: their lag stands still
    assert [n.lag_s for n in sim.snapshot().database("db").nodes if n.role == "replica"] == \
        lag_early
    # a request with a write (1 − 0.75² of them) fails; the replicas take no writes
    app = sim.metrics.recent(10_000, sim.now)["error_rate"][world.topo.find("app")]
    assert app == pytest.approx(1 - 0.75**2, rel=0.08)
    assert float(world.writes_acked[node]) == acked
    sim.run_for(30_000)
    assert len(failovers) == 1
    event = failovers[0]
    assert event.t == crash_at + 1000 + 10_000 + 20_000  # noticed next tick, +detect, +promotion
    assert event.data["new_primary"] in ("db-1", "db-2")
    assert event.data["lost_writes"] == round(behind)
    assert sim.metrics.recent(10_000, sim.now)["error_rate"][world.topo.find("app")] < 0.01
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


POOL = """
traffic: {{rps: {rps}, entry: [app], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  app: {{replicas: 2, capacity: 5000, latency: 1ms, pool_size: {pool}, calls: {{db: 1}}}}
databases:
  db: {{replicas: 0, capacity: 20000, latency: 40ms, max_connections: 1000,
        replication: {{mode: {mode}, base_lag: 20ms}}, write_ratio: 0.25}}
"""


def mean_latency(sim, name: str) -> float:  # noqa: ANN001
    node = sim.world.topo.find(name)
    _, mean = sim.metrics.series(node, "latency_mean_ms", 120_000, sim.now)
    return float(np.mean(mean))


def test_a_small_connection_pool_makes_queries_wait_as_mmk_says() -> None:
    # per app instance 40 queries/s holding a connection ~40 ms: a = 1.6 on k = 2 (ρ = 0.8)
    small = build(POOL.format(rps=80, pool=2, mode="async"))
    large = build(POOL.format(rps=80, pool=20, mode="async"))
    for sim in (small, large):
        sim.run_for(180_000)
    hold = mean_latency(large, "db") / 1000
    lam, k = 40.0, 2
    a = lam * hold
    wait = float(erlang_c(np.array([k]), np.array([a / k]))[0]) / (k / hold - lam)
    added = (mean_latency(small, "app") - mean_latency(large, "app")) / 1000
    assert added == pytest.approx(wait, rel=0.15)
    assert mean_latency(small, "db") == pytest.approx(mean_latency(large, "db"), rel=0.05)


def test_synchronous_replication_pays_the_standby_round_trip_on_writes() -> None:
    fast = build(POOL.format(rps=80, pool=20, mode="async"))
    safe = build(POOL.format(rps=80, pool=20, mode="sync"))
    for sim in (fast, safe):
        sim.run_for(180_000)
    # a quarter of the queries are writes, each 20 ms slower: the mean moves by 5 ms
    added = mean_latency(safe, "db") - mean_latency(fast, "db")
    assert added == pytest.approx(0.25 * 20, rel=0.15)


def test_a_restore_loses_what_was_written_after_the_backup_began() -> None:
    """Backup at 10:00 takes data/100 MiB/s; the restore brings back the data as it was
    when the backup began, so the RPO is the time since then and the writes lost are the
    writes accepted since then — checked against the writes counted one tick at a time."""
    from engine import Simulation, load_scenario
    from engine.commands import Backup, Restore
    from engine.metrics import M

    sim = Simulation(load_scenario("shopfront"), seed=2)
    sim.run_for(10 * 60_000)
    db = sim.world.topo.find("orders-db")
    events: list = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type.startswith("db.") else None)
    assert not sim.apply(Restore("orders-db")).ok  # nothing to restore from yet
    began = sim.now
    assert sim.apply(Backup("orders-db")).ok
    accepted = 0.0
    for _ in range(5 * 60):
        sim.step(1)
        row = sim.world.node_metrics[:, db]
        accepted += (row[M.REQUESTS] - row[M.FAILED]) * sim.world.topo.write_frac[db]
    backup = [e for e in events if e.type == "db.backup"]
    assert len(backup) == 1 and abs(backup[0].t - (began + 20_480 / 100 * 1000)) <= 1000
    reply = sim.apply(Restore("orders-db"))
    assert reply.ok and reply.data["rpo_s"] == 300.0
    assert abs(reply.data["lost_writes"] - accepted) <= 0.02 * accepted + 5
    sim.run_for(60_000)  # down while it loads: its callers fail
    assert sim.metrics.recent(60_000, sim.now)["error_rate"][db] > 0.9
    sim.run_for(8 * 60_000)  # 409.6 s to load, then its nodes start again
    restored = [e for e in events if e.type == "db.restore"]
    assert restored and restored[0].data["lost_writes"] == reply.data["lost_writes"]
    assert sim.metrics.recent(60_000, sim.now)["error_rate"][db] < 0.01


def test_with_an_archived_log_a_restore_reaches_the_time_asked_for() -> None:
    """Point-in-time recovery: the backup plus the archived write-ahead log replayed to the
    time asked for; only what was written after it is lost."""
    from tests.conftest import build
    from engine.commands import Backup, Restore

    sim = build("""
        traffic: {rps: 100, entry: [app], diurnal: {amplitude: 0}, noise: 0}
        services:
          app: {replicas: 2, capacity: 500, latency: 5ms, calls: {db: 1}}
        databases:
          db: {replicas: 1, write_ratio: 0.5, data: 1Gi, wal_archive: true}
    """)
    sim.run_for(60_000)
    assert sim.apply(Backup("db")).ok
    sim.run_for(5 * 60_000)
    at = sim.now - 2 * 60_000  # two minutes ago: after the backup began
    reply = sim.apply(Restore("db", at // 1000))
    assert reply.ok and reply.data["rpo_s"] == 120.0
    assert abs(reply.data["lost_writes"] - 120 * 100 * 0.5) <= 0.05 * 6000
    assert not sim.apply(Restore("db", (sim.now + 60_000) // 1000)).ok  # not yet come
