"""The engine's side of commands: typed commands in, replies and world changes out."""

from __future__ import annotations

from engine import Simulation, load_scenario
from tests.conftest import build
from engine.commands import (
    Advance, Autoscale, Deploy, Explain, Failover, InjectFault, Pause, Restart, Resume, Scale, Speed,
    Status,
)


def sim() -> Simulation:
    s = Simulation(load_scenario("shopfront"), seed=1)
    s.run_for(60_000)
    return s


def test_status_reports_figures_and_health() -> None:
    s = sim()
    reply = s.apply(Status("checkout"))
    assert reply.ok and reply.data["ready"] == 2 and reply.data["health"] == "ok"
    assert "p99" in reply.message and "rps" in reply.message
    assert "all healthy" in s.apply(Status()).message


def test_explain_follows_failures_to_their_source() -> None:
    s = sim()
    s.world.lifecycle.scale(s.world.topo.find("payments"), 0, s.now)
    s.run_for(60_000)  # a minute of evidence
    reply = s.apply(Explain("gateway"))
    assert reply.data["path"] == ["gateway", "api", "checkout", "payments"]
    assert "payments has no ready instance" in reply.message


SLOW = """
    traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0}, noise: 0}
    services:
      front: {replicas: 2, capacity: 300, latency: 10ms, calls: [middle]}
      middle: {replicas: 2, capacity: 300, latency: 10ms, calls: [back]}
      back: {replicas: 2, capacity: 300, latency: 20ms, startup: 5s,
             delivery: {max_latency_ratio: 10},  # a lax team: the slow version goes out
             versions: {slow: {latency_factor: 4}}}
"""


def test_explain_finds_a_slow_dependency_and_the_deploy_that_made_it_slow() -> None:
    s = build(SLOW)
    s.run_for(16 * 60_000)  # a quarter hour of normal to compare with
    s.apply(Deploy("back", "slow"))
    s.run_for(4 * 60_000)
    reply = s.apply(Explain("front"))
    assert reply.data["path"] == ["front", "middle", "back"]
    assert "rolling of back slow, started" in reply.message
    assert reply.data["timing"].startswith("it began about 00:16:00, as the rolling of back "
                                           "slow started")
    # from what can be observed only: the declared 4× of the version is never quoted
    assert "4×" not in reply.message


def test_explain_does_not_read_what_versions_are_declared_to_do() -> None:
    """The same observations with another declared cause give the same diagnosis."""
    s = build(SLOW)
    s.run_for(16 * 60_000)
    s.apply(Deploy("back", "slow"))
    s.run_for(4 * 60_000)
    before = s.apply(Explain("front")).message
    versions = s.world.versions
    versions.latency_factor[:] = 1.0  # declare every version healthy …
    versions.error_rate[:] = 0.5  # … or failing half its requests
    assert s.apply(Explain("front")).message == before


def test_explain_names_saturation_when_traffic_outgrows_healthy_versions() -> None:
    s = build("""
        traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0}, noise: 0,
                  spikes: [{at: 16m, duration: 30m, factor: 3, ramp: 0s}]}
        services:
          front: {replicas: 2, capacity: 500, latency: 5ms, calls: [back]}
          back: {replicas: 2, capacity: 100, latency: 5ms}
    """)
    s.run_for(18 * 60_000)
    reply = s.apply(Explain("front"))
    assert reply.data["cause"] == "back"
    assert "saturated" in reply.message and "traffic rose" in reply.message


def test_scale_refuses_impossible_counts_and_takes_over_from_the_autoscaler() -> None:
    s = sim()
    assert not s.apply(Scale("checkout", -3)).ok
    assert "not a service" in s.apply(Scale("orders-db", 3)).message
    reply = s.apply(Scale("web", 6))
    assert reply.ok and "autoscaling for web is off" in reply.message
    assert s.apply(Autoscale("web", True)).ok


def test_rolling_restart_keeps_capacity() -> None:
    s = sim()
    assert s.apply(Restart("checkout")).ok
    ready = []
    for _ in range(40):
        s.step(1)
        ready.append(s.snapshot().service("checkout").ready)
    assert min(ready) == 1  # one at a time
    assert ready[-1] == 2
    assert s.bus.counts["instance.restarted"] == 2


def test_failover_only_for_databases_with_a_replica() -> None:
    s = sim()
    assert "not a database" in s.apply(Failover("checkout")).message
    assert s.apply(Failover("orders-db")).ok
    assert "already in progress" in s.apply(Failover("orders-db")).message


def test_time_commands() -> None:
    s = sim()
    assert s.apply(Pause()).ok and s.paused
    assert s.apply(Resume()).ok and not s.paused
    assert s.apply(Speed(60)).data["speed"] == 60
    assert not s.apply(Speed(5000)).ok
    before = s.now
    assert s.apply(Advance(120)).ok and s.now == before + 120_000
    seen = []
    s.bus.subscribe(lambda e: seen.append((e.t, e.type)))
    s.apply(Advance(60), "advance 1m")
    assert seen[0] == (before + 120_000, "command")  # on record when given, before its effects


def test_anomalies_before_the_detector_has_learnt_say_so() -> None:
    from engine.commands import Anomalies

    reply = sim().apply(Anomalies())
    assert reply.ok and "no anomalies" in reply.message and "still learning" in reply.message


def test_explain_names_the_deploy_a_regression_started_with() -> None:
    from engine import Simulation, load_scenario

    s = Simulation(load_scenario("shopfront"), seed=7)
    s.run_for(16 * 60_000)
    s.apply(Deploy("checkout", "2.4.0", strategy="canary"))
    s.run_for(70_000)  # the 10 % canary fails, the service as a whole hardly shows it
    reply = s.apply(Explain("checkout"))
    assert "the canary of checkout 2.4.0, started 70s ago" in reply.message
    assert reply.data["cause"] == "checkout"


def test_explain_names_an_open_circuit_breaker() -> None:
    s = build("""
        traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0}, noise: 0}
        services:
          front: {replicas: 2, capacity: 1000, latency: 1ms,
                  calls: {back: {breaker: {errors: 50%, window: 10s, open: 60s}}}}
          back: {replicas: 2, capacity: 1000, latency: 2ms}
    """)
    s.run_for(60_000)
    s.world.lifecycle.scale(s.world.topo.find("back"), 0, s.now)
    s.run_for(20_000)  # the breaker opens; back receives nothing while it is open
    reply = s.apply(Explain("front"))
    assert reply.data["cause"] == "front"
    assert "circuit breaker from front to back is open" in reply.message
    assert "behind it, back has no ready instance" in reply.message


def test_explain_cites_a_scale_down_behind_a_saturation() -> None:
    s = build("""
        traffic: {rps: 300, entry: [front], diurnal: {amplitude: 0}, noise: 0}
        services:
          front: {replicas: 4, capacity: 100, latency: 5ms}
    """)
    s.run_for(60_000)
    assert s.apply(Scale("front", 2)).ok  # half the capacity the traffic needs
    s.run_for(60_000)
    reply = s.apply(Explain("front"))
    assert "saturated" in reply.message and "front was scaled 4 → 2 (manual) 60s ago" in reply.message


SPIKE_WITH_A_CANARY = """
    traffic: {rps: 100, entry: [front], diurnal: {amplitude: 0}, noise: 0.05,
              spikes: [{at: 18m, duration: 30m, factor: 3, ramp: 0s}]}
    services:
      front: {replicas: 2, capacity: 500, latency: 5ms, calls: [back]}
      back: {replicas: 3, capacity: 60, latency: 5ms, startup: 10s, delivery: {pause: 10m},
             versions: {1.1.0: {error_rate: 0.015}}}
"""


def test_explain_blames_the_spike_not_a_small_canary_of_a_slightly_worse_version() -> None:
    """A 2 % canary of a version that fails 1.5 % is live when traffic triples: the stable
    pool is saturated, and that is what explain names, with the traffic rise as its timing;
    redeclaring what the versions do does not change a word of it."""
    s = build(SPIKE_WITH_A_CANARY, seed=3)
    s.run_for(16 * 60_000)
    assert s.apply(Deploy("back", "1.1.0", strategy="canary", canary_weight=2)).ok
    s.run_for(4 * 60_000)
    reply = s.apply(Explain("front"))
    assert reply.data["cause"] == "back"
    assert "back (1.0.0 pool) is saturated" in reply.message
    assert "as traffic into front rose from" in reply.data["timing"]
    assert "canary" not in reply.data["evidence"]
    versions = s.world.versions
    versions.error_rate[:] = 0.3
    versions.latency_factor[:] = 5.0
    assert s.apply(Explain("front")).message == reply.message


def test_explain_times_a_database_symptom_to_the_failover_that_began_it() -> None:
    s = Simulation(load_scenario("shopfront"), seed=2)
    s.run_for(16 * 60_000)
    assert s.apply(Failover("orders-db")).ok
    s.run_for(40_000)
    reply = s.apply(Explain("orders-db"))
    assert "orders-db failed over to orders-db-" in reply.data["evidence"]
    assert "as a failover of orders-db began (manual failover)" in reply.data["timing"]


def test_a_question_about_a_rollback_is_answered_with_evidence_and_nothing_done() -> None:
    from engine.commands import Plan, Rollback

    s = Simulation(load_scenario("shopfront"), seed=7)
    s.run_for(16 * 60_000)
    s.apply(Deploy("checkout", "2.4.0", strategy="canary"))
    s.run_for(50_000)
    reply = s.apply(Plan(Rollback("checkout")))
    assert reply.ok and "it would stop the rollout of checkout 2.4.0 in production" in \
        reply.message
    assert "Evidence for: " in reply.message and "the canary of checkout 2.4.0" in reply.message
    assert s.deploys.active  # nothing was done
    healthy = s.apply(Plan(Failover("orders-db")))
    assert "Evidence against: orders-db looks healthy" in healthy.message
    assert "orders-db" not in {s.world.topo.nodes[n].name for n in s.world.failovers.pending}


def test_explain_without_a_target_finds_the_root_behind_many_symptoms() -> None:
    s = sim()
    assert "looks healthy" in s.apply(Explain(None)).message
    s.world.lifecycle.scale(s.world.topo.find("payments"), 0, s.now)
    s.run_for(60_000)
    reply = s.apply(Explain(None))
    assert reply.data["cause"] == "payments"
    assert {"gateway", "api", "checkout"} <= set(reply.data["explains"])
    assert "payments has no ready instance" in reply.message


def test_autoscale_bounds_and_target_can_be_set_and_are_checked() -> None:
    s = sim()
    reply = s.apply(Autoscale("web", None, 4, 9, 55))
    assert reply.ok and "4–9 instances, target cpu 55%" in reply.message
    policy = s.autoscaler.policies[s.world.topo.find("web")]
    assert (policy.min, policy.max, policy.target_cpu) == (4, 9, 0.55)
    assert not s.apply(Autoscale("web", None, 9, 4)).ok
    s.run_for(3 * 60_000)
    assert s.snapshot().service("web").desired >= 4  # the new floor holds


def test_every_reply_that_acts_says_where() -> None:
    s = sim()
    assert s.apply(Scale("cart", 3)).message.startswith("production: ")
    assert s.apply(Scale("cart", 2, "staging")).message.startswith("staging: ")
    assert not s.apply(Status("cart")).message.startswith("production: ")


def test_explain_names_an_injected_fault_before_it_stands_out_from_history() -> None:
    s = Simulation(load_scenario("shopfront"), seed=1)
    s.run_for(2 * 60_000)  # too young for a quarter hour of history
    s.apply(InjectFault("latency", "payments", latency_ms=300))
    s.run_for(40_000)
    reply = s.apply(Explain("checkout"))
    assert reply.data["cause"] == "payments"
    assert "latency was injected into payments (chaos #1) 40s ago, which checkout calls" in \
        reply.message


def test_a_plan_for_a_command_that_cannot_run_says_so() -> None:
    from engine.commands import Plan, Rollback

    reply = sim().apply(Plan(Rollback("checkout")))
    assert reply.message.startswith("it would not run: checkout has no earlier revision")
