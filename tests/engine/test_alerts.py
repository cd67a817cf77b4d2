"""Alert rules: lifecycle (pending, firing, resolved), `for`, silences and their expiry,
inhibition along the call graph, predict_linear, burn-rate alerts, grouping."""

from __future__ import annotations

import pytest

from engine import ScenarioError
from engine.actions.alerting import group_alerts
from engine.commands import Ack, Alerts, InjectFault, Silence
from tests.conftest import build

ESTATE = """
traffic: {{rps: 100, entry: [front], diurnal: {{amplitude: 0}}, noise: 0}}
services:
  front:
    replicas: 3
    capacity: 200
    latency: 10ms
    timeout: 2s
    calls: {{back: 1}}
  back:
    replicas: 3
    capacity: 200
    latency: 10ms
    calls: {{store: 1}}
databases:
  store:
    replicas: 1
    failover: {{detect: 3m, promotion: 60s}}
{extra}
"""


def estate(extra: str = "", seed: int = 7):
    sim = build(ESTATE.format(extra=extra), seed=seed)
    events: list = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type.startswith("alert.") else None)
    return sim, events


def kinds(events, alert: str, service: str) -> list[tuple[float, str]]:
    return [(e.t / 1000, e.type) for e in events
            if e.data["alert"] == alert and e.data["service"] == service]


def test_an_alert_fires_after_its_for_and_resolves_when_the_condition_goes() -> None:
    sim, events = estate("""
alerts:
  BackErrors: {metric: error_rate, over: 1m, above: 10%, for: 2m, components: [back],
               severity: critical, summary: "{component} fails {value}"}
default_alerts: false
""")
    sim.run_for(10 * 60_000)
    assert events == []  # healthy: nothing
    sim.apply(InjectFault("error-injection", "back", percent=50, duration=300))
    sim.run_for(60_000)
    (alert,) = sim.alerts.live.values()
    assert alert.state == "pending" and alert.id == 1
    sim.run_for(3 * 60_000)
    assert alert.state == "firing" and alert.id == 1
    fired = kinds(events, "BackErrors", "back")
    # the condition held from the first evaluation at or after 10m + 30s of errors (the 1m
    # window needs half of it bad), and 2m more of it made it fire
    assert fired[0][1] == "alert.firing" and 12 * 60 <= fired[0][0] <= 13 * 60
    assert events[0].data["summary"].startswith("back fails")
    sim.run_for(5 * 60_000)  # the fault ends at 15m
    assert kinds(events, "BackErrors", "back")[-1][1] == "alert.resolved"
    assert not sim.alerts.live and sim.alerts.resolved[-1].id == 1


def test_a_condition_shorter_than_for_never_fires() -> None:
    sim, events = estate("""
alerts:
  BackErrors: {metric: error_rate, over: 30s, above: 10%, for: 3m, components: [back]}
default_alerts: false
""")
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("error-injection", "back", percent=50, duration=60))
    sim.run_for(60_000)
    assert [a.state for a in sim.alerts.live.values()] == ["pending"]
    sim.run_for(5 * 60_000)
    assert events == [] and not sim.alerts.live


def test_a_silence_mutes_until_it_expires_and_says_who_and_why() -> None:
    sim, events = estate()
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("error-injection", "back", percent=60, duration=900))
    sim.run_for(3 * 60_000)
    firing = {a.component: a for a in sim.alerts.live.values() if a.name == "HighErrorRate"}
    assert set(firing) == {"front", "back"}
    reply = sim.apply(Silence("HighErrorRate", 180, "back", "known, fixing it"))
    assert reply.ok and "by operator because known, fixing it" in reply.message
    assert firing["back"].shown_state == "silenced" and firing["front"].shown_state == "firing"
    sim.run_for(4 * 60_000)  # past the silence
    assert firing["back"].shown_state == "firing"
    assert sim.alerts.silences[0].by == "operator" and sim.alerts.silences[0].why


def test_ack_keeps_the_alert_listed_as_acknowledged() -> None:
    sim, _ = estate()
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("error-injection", "back", percent=60, duration=900))
    sim.run_for(3 * 60_000)
    target = next(a for a in sim.alerts.live.values() if a.component == "back"
                  and a.name == "HighErrorRate")
    acked = sim.apply(Ack(str(target.id)))
    assert acked.ok and "Runbook: `explain back`" in acked.message  # the runbook, filled in
    assert target.shown_state == "acknowledged"
    listed = sim.apply(Alerts()).data["alerts"]
    assert any(a["id"] == target.id and a["state"] == "acknowledged" for a in listed)
    assert not sim.apply(Ack("99")).ok


def test_a_down_primary_inhibits_its_callers_symptoms() -> None:
    sim, events = estate()
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("db-primary-failure", "store"))
    callers: list = []
    for _ in range(8):  # detection takes 3m: no primary all along
        sim.run_for(30_000)
        callers = [a for a in sim.alerts.live.values() if a.component in ("front", "back")
                   and a.state == "firing"]
        if callers:
            break
    down = [a for a in sim.alerts.live.values() if a.name == "DatabasePrimaryDown"]
    assert down and down[0].state == "firing"
    assert callers and all(a.inhibited_by == down[0].id for a in callers)
    assert all(a.shown_state == "inhibited" for a in callers)
    assert all(e.data.get("inhibited") for e in events
               if e.type == "alert.firing" and e.data["service"] in ("front", "back"))


def test_predict_linear_warns_before_the_limit_is_reached() -> None:
    sim, events = estate()
    sim.run_for(5 * 60_000)
    # 2 % of the headroom a minute: about 45 minutes to the OOM killer
    sim.apply(InjectFault("memory-leak", "back", percent=2, duration=7200))
    sim.run_for(60 * 60_000)
    soon = kinds(events, "MemoryLimitSoon", "back")
    near = kinds(events, "MemoryNearLimit", "back")
    crashed = [e for e in sim.log if e.type == "instance.crashed"]
    assert soon, "the trend should have been seen"
    first_crash = crashed[0].t / 1000 if crashed else float("inf")
    assert soon[0][0] < first_crash
    assert not near or soon[0][0] < near[0][0]


def test_a_total_outage_pages_within_the_workbooks_detection_time() -> None:
    # 99.9 %: a 100 % error rate crosses 14.4× over an hour after 51.8 s; rules are evaluated
    # every 30 s, so the page comes at the first evaluation after that: 60 s.
    sim, events = estate()
    sim.run_for(60 * 60_000)
    start = sim.now
    sim.apply(InjectFault("error-injection", "back", percent=100, duration=600))
    sim.run_for(5 * 60_000)
    page = kinds(events, "ErrorBudgetBurnFast", "back")
    assert page and page[0][1] == "alert.firing"
    assert 51.8 <= page[0][0] - start / 1000 <= 90


def test_a_clean_two_hours_of_shopfront_raise_nothing() -> None:
    from engine import Simulation, load_scenario

    sim = Simulation(load_scenario("shopfront"), seed=3)
    fired = []
    sim.bus.subscribe(lambda e: fired.append(e.data) if e.type == "alert.firing" else None)
    sim.run_for(2 * 3_600_000)
    assert fired == []
    assert sim.alerts.evaluated == 240 and sim.alerts.watched >= 12


def test_before_the_first_evaluation_nobody_claims_all_is_quiet() -> None:
    sim, _ = estate()
    assert "no rule evaluated yet" in sim.apply(Alerts()).message
    sim.run_for(30_000)
    assert "no alerts firing" in sim.apply(Alerts()).message


def test_a_storm_reads_as_a_few_groups() -> None:
    sim, _ = estate()
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("error-injection", "back", percent=100, duration=900))
    sim.run_for(5 * 60_000)
    live = list(sim.alerts.live.values())
    groups = group_alerts(live)
    assert len(groups) < len(live)
    assert groups[0][1][0].severity == "critical"
    assert sum(len(g) for _, g in groups) == len(live)


@pytest.mark.parametrize(("rule", "message"), [
    ("{metric: error_rat, above: 1}", "did you mean 'error_rate'"),
    ("{metric: cpu}", "needs above or below"),
    ("{slo: availability, burn: 2, windows: [1h]}", "two windows"),
    ("{metric: cpu, above: 0.9, severity: urgent}", "'urgent' is not one of"),
    ("{metric: cpu, above: 0.9, components: [bakc]}", "'bakc' does not exist; did you mean"),
    ("{metric: cpu, above: 0.9, inhibits: [HighLatncy]}", "did you mean 'HighLatency'"),
    ("{metric: cpu, above: 0.9, env: prod}", "environment 'prod' does not exist"),
])
def test_a_bad_rule_is_refused_with_where_and_why(rule: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        build(ESTATE.format(extra=f"alerts:\n  Bad: {rule}\n"))
    assert message in str(caught.value) and "alerts.Bad" in str(caught.value)


def test_a_full_disk_fires_and_a_filling_one_is_foreseen() -> None:
    sim, events = estate()
    sim.run_for(5 * 60_000)
    sim.apply(InjectFault("disk-fill", "store", duration=600))
    sim.run_for(3 * 60_000)
    assert kinds(events, "DiskFull", "store")[0][1] == "alert.firing"
    assert sim.disks.share(sim.world.topo.find("store", "production"), sim.world) == 1.0
    sim.run_for(10 * 60_000)
    assert kinds(events, "DiskFull", "store")[-1][1] == "alert.resolved"


def test_writes_fill_a_small_volume_and_the_trend_is_seen_first() -> None:
    # 100 rps in, one store call per request, a fifth of them writes: 20 KiB/s, 70 MiB an hour;
    # 300 MiB free of 4 GiB at the start: 95 % after 80 minutes, full after 4.3 hours, so
    # "full within 4 hours" holds from about 20 minutes on
    sim, events = estate()
    store = sim.world.topo.find("store", "production")
    sim.disks.size[0], sim.disks.data[0] = 4096.0, 4096.0 - 300
    sim.run_for(45 * 60_000)
    soon = kinds(events, "DiskFillingUp", "store")
    assert soon and soon[0][1] == "alert.firing"
    assert not kinds(events, "DiskFull", "store")
    assert 0.93 < sim.disks.share(store, sim.world) < 0.95
