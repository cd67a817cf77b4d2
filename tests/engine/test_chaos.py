"""Every fault of the catalogue, proved by its signature: on its target, on a caller, and not
on an unrelated service — all through the physics, compared with the same seed's run without
the fault. Then the controls: stop within a tick, schedules, protected targets, hidden faults."""

from __future__ import annotations

import numpy as np
import pytest

from engine.commands import ChaosList, ChaosStop, Explain, InjectFault
from engine.metrics import M
from tests.conftest import build

ESTATE = """
traffic: {rps: 200, entry: [front, other], diurnal: {amplitude: 0}, noise: 0.02}
zones: [zone-a, zone-b]
services:
  front: {replicas: 3, capacity: 400, latency: 5ms, timeout: 3s,
          calls: {mid: {timeout: 1s, retries: 2, breaker: {errors: 50%, window: 10s, open: 30s}}}}
  mid: {replicas: 3, capacity: 300, latency: 5ms, calls: {back: 1, cache: 1, api: 0.1},
        memory: {base: 200Mi, per_rps: 0.5, limit: 600Mi}}
  back: {replicas: 3, capacity: 300, latency: 5ms, calls: {db: 2, events: 0.5}}
  other: {replicas: 2, capacity: 400, latency: 5ms}
  worker: {replicas: 2, capacity: 200, latency: 5ms, consumes: events}
databases:
  db: {replicas: 1, capacity: 3000, latency: 2ms, write_ratio: 0.3,
       replication: {mode: async, apply_rate: 2000, base_lag: 20ms},
       failover: {automatic: true, detect: 10s, promotion: 10s}}
  store: {replicas: 1, capacity: 3000, latency: 2ms}
caches:
  cache: {nodes: 1, capacity: 50000, latency: 1ms, hit_ratio: 0.9, backing: store, warmup: 5m}
queues:
  events: {partitions: 4}
externals:
  api: {latency: 50ms, timeout: 2s}
"""
FIVE_MIN = 5 * 60_000


def run(fault: str | None = None, after_ms: int = 60_000, **kw: object):  # noqa: ANN201
    sim = build(ESTATE, seed=4)
    sim.run_for(FIVE_MIN)
    events: list = []
    sim.bus.subscribe(events.append)
    if fault is not None:
        reply = sim.apply(InjectFault(fault, **kw))  # type: ignore[arg-type]
        assert reply.ok, reply.message
    sim.run_for(after_ms)
    return sim, events


class Seen:
    """The last minute as a dashboard shows it: errors, p99 (ms), rps, per component."""

    def __init__(self, sim) -> None:  # noqa: ANN001
        self.sim = sim
        self.r = sim.metrics.recent(60_000, sim.now)

    def err(self, name: str) -> float:
        return float(self.r["error_rate"][self.sim.world.topo.find(name)])

    def p99(self, name: str) -> float:
        return float(self.r["p99_ms"][self.sim.world.topo.find(name)])

    def now(self, name: str, metric: int) -> float:
        return float(self.sim.world.node_metrics[metric, self.sim.world.topo.find(name)])


@pytest.fixture(scope="module")
def base() -> Seen:
    return Seen(run()[0])


def unrelated_untouched(seen: Seen, base: Seen) -> None:
    assert seen.err("other") < 0.005
    assert seen.p99("other") < 1.3 * base.p99("other") + 5


SIGNATURES = {
    # fault: (arguments, check(seen, base))
    "latency": (dict(target="back", latency_ms=500), lambda s, b: (
        s.p99("back") > b.p99("back") + 400 and s.p99("mid") > b.p99("mid") + 400)),
    "error-injection": (dict(target="back", percent=30), lambda s, b: (
        0.2 < s.err("back") < 0.4 and s.err("mid") > 0.2 and s.err("front") > b.err("front"))),
    "config-error": (dict(target="back"), lambda s, b: s.err("back") > 0.3 and s.err("mid") > 0.3),
    "partition": (dict(target="mid", peer="back"), lambda s, b: (
        s.err("back") < 0.005 and s.err("mid") > 0.9 and s.err("front") > 0.5)),
    "packet-loss": (dict(target="back", percent=40), lambda s, b: (
        s.p99("mid") > 1.5 * b.p99("mid") and s.err("mid") > 0.01 and s.err("back") < 0.005)),
    "dns-failure": (dict(target="mid"), lambda s, b: s.err("mid") > 0.9 and s.err("back") < 0.005),
    "cert-expiry": (dict(target="back"), lambda s, b: s.err("back") < 0.005 and s.err("mid") > 0.9),
    "dependency-outage": (dict(target="api"), lambda s, b: (
        s.err("mid") > 0.05 and s.p99("mid") > 1000)),
    "cpu-stress": (dict(target="back", percent=90), lambda s, b: (
        s.p99("back") > 5 * b.p99("back") and s.err("front") > 0.3)),
    "instance-kill": (dict(target="back", count=3), lambda s, b: (
        s.err("back") > 0.05 and s.err("mid") > 0.05)),
    "crash-loop": (dict(target="back"), lambda s, b: s.err("back") > 0.9 and s.err("mid") > 0.9),
    "db-primary-failure": (dict(target="db"), lambda s, b: s.err("db") > 0.02 and
                           s.err("back") > 0.02),
    "zone-outage": (dict(target="zone-a"), lambda s, b: s.err("mid") > 0.05),
    "disk-fill": (dict(target="db"), lambda s, b: 0.2 < s.err("db") < 0.4 and s.err("back") > 0.2),
    "traffic-spike": (dict(target="front", percent=300), lambda s, b: (
        2.6 < s.now("front", M.RPS) / b.now("front", M.RPS) < 3.4
        and 0.8 < s.now("other", M.RPS) / b.now("other", M.RPS) < 1.2)),
    "memory-leak": (dict(target="mid"), lambda s, b: (
        s.now("mid", M.MEMORY) > b.now("mid", M.MEMORY) + 80)),
    "replication-lag": (dict(target="db"), lambda s, b: s.now("db", M.REPLICATION_LAG) > 5),
    "queue-backlog": (dict(target="events"), lambda s, b: (
        s.now("events", M.QUEUE_LAG) > 1000 and s.now("worker", M.RPS) < 1)),
}


@pytest.mark.parametrize("fault", sorted(SIGNATURES))
def test_each_fault_shows_its_signature_and_nowhere_else(fault: str, base: Seen) -> None:
    kwargs, check = SIGNATURES[fault]
    sim, events = run(fault, **kwargs)
    seen = Seen(sim)
    assert check(seen, base), fault
    unrelated_untouched(seen, base)
    assert [e.type for e in events if e.type == "chaos.started"] == ["chaos.started"]


def test_a_cache_flush_sends_a_wave_to_the_backing_store(base: Seen) -> None:
    sim, _ = run("cache-flush", after_ms=5_000, target="cache")
    assert Seen(sim).now("store", M.RPS) > 3 * base.now("store", M.RPS)


def test_the_catalogue_is_complete() -> None:
    from engine.chaos.kinds import BEHAVIOURS
    from engine.faults import fault_names

    assert set(fault_names()) == set(BEHAVIOURS) == set(SIGNATURES) | {"cache-flush"}


def test_stop_all_ends_every_fault_within_one_tick() -> None:
    sim, events = run("latency", target="back", latency_ms=500)
    sim.apply(InjectFault("error-injection", "mid", percent=20))
    reply = sim.apply(ChaosStop())
    assert reply.ok and not sim.chaos.running
    assert not sim.world.effects.node_latency.any() and not sim.world.effects.node_error.any()
    sim.step(1)  # the very next tick composes without them
    assert float(sim.world.dist.node_fail[sim.world.topo.find("mid")]) < 0.01
    ended = [e for e in events if e.type == "chaos.ended"]
    assert len(ended) == 2 and {e.t for e in ended} == {sim.now - 1000}


def test_a_fault_ends_with_its_duration_and_chaos_list_shows_it() -> None:
    sim, _ = run("latency", after_ms=1_000, target="back", duration=120)
    assert "#1 latency on back" in sim.apply(ChaosList()).message
    sim.run_for(120_000)
    assert not sim.chaos.running and "no fault running" in sim.apply(ChaosList()).message


def test_a_scenario_schedules_faults_and_hidden_ones_stay_hidden_from_explain() -> None:
    sim = build(ESTATE + """
chaos:
  - {at: 16m, fault: latency, target: back, latency_ms: 800, duration: 10m, hidden: true}
protected: {store: the customer records}
""", seed=4)
    sim.run_for(18 * 60_000)
    assert [e.fault for e in sim.chaos.running.values()] == ["latency"]
    reply = sim.apply(Explain("front"))
    assert "back" in reply.data["path"]
    assert "injected" not in reply.message and "chaos" not in reply.message
    refused = sim.apply(InjectFault("latency", "store"))
    assert not refused.ok and "protected" in refused.message and "customer records" in \
        refused.message


def test_a_fault_on_a_target_of_the_wrong_kind_is_refused() -> None:
    sim = build(ESTATE, seed=4)
    reply = sim.apply(InjectFault("cache-flush", "back"))
    assert not reply.ok and "cache-flush acts on a cache" in reply.message
    assert not sim.chaos.record


def test_chaos_is_deterministic() -> None:
    digests = []
    for _ in range(2):
        sim, events = run("packet-loss", target="back", percent=30)
        digests.append((len(events), float(np.sum(sim.metrics.totals.failed))))
    assert digests[0] == digests[1]


def test_a_cloud_outage_fails_the_experimental_tier_over_to_another_cloud() -> None:
    """devops-simulator's experimental tier spans four clouds, one zone each: losing AWS
    promotes the PostgreSQL cluster's replica in another cloud and routes around."""
    from engine import Simulation, load_scenario

    sim = Simulation(load_scenario("devops-simulator"), seed=3)
    sim.run_for(10 * 60_000)
    failovers: list = []
    sim.bus.subscribe(lambda e: failovers.append(e) if e.type == "db.failover" else None)
    assert sim.apply(InjectFault("zone-outage", "aws", env="experimental")).ok
    sim.run_for(3 * 60_000)
    assert failovers and failovers[0].data["database"] == "pg-cluster"
    world = sim.world
    promoted = world.inst.find(world.topo.find("pg-cluster", "experimental"),
                               int(failovers[0].data["new_primary"].rsplit("-", 1)[1]))
    assert sim.spec.zones[int(world.inst.zone[promoted])] != "aws"
    recent = sim.metrics.recent(60_000, sim.now)
    for name in ("app-exp", "pg-cluster"):
        assert recent["error_rate"][world.topo.find(name, "experimental")] < 0.01


def test_faults_do_not_change_with_how_ticks_are_grouped() -> None:
    """Scheduled faults start and end at tick boundaries: a run stepped tick by tick and one
    computed in long stretches produce the same events and the same counts."""
    text = ESTATE + """
chaos:
  - {at: 3m, fault: latency, target: back, latency_ms: 300, duration: 4m}
  - {at: 5m, fault: memory-leak, target: mid, duration: 5m}
  - {at: 6m, fault: packet-loss, target: db, percent: 20, duration: 2m}
"""
    results = []
    for chunks in ([12 * 60_000], [7_000] * (12 * 60 // 7) + [12 * 60_000 % 7_000]):
        sim = build(text, seed=9)
        events: list = []
        sim.bus.subscribe(lambda e, events=events: events.append((e.t, e.type)))
        for chunk in chunks:
            sim.run_for(chunk)
        results.append((events, sim.metrics.totals.failed.tobytes(),
                        sim.metrics.totals.requests.tobytes()))
    assert results[0] == results[1]
