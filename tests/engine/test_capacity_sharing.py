"""One owner of capacity: the autoscaler sizes a service during every kind of rollout, and
the rollout only splits that count between its stacks (as Argo Rollouts shares a rollout
with an HPA). Judged against the same seed's day without the deploy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from engine import Simulation, load_scenario
from engine.commands import Abort, Autoscale, Deploy, History
from tests.conftest import build

DAY = """
start: "00:00"
traffic: {rps: 150, entry: [app], diurnal: {amplitude: 0.4, peak: "14:00"}, noise: 0.05,
          spikes: [{at: 10h, duration: 20m, factor: 3, ramp: 30s}]}
services:
  app:
    replicas: 3
    capacity: 100
    latency: 10ms
    timeout: 2s
    startup: 45s
    calls: {db: 1}
    autoscale: {min: 3, max: 30, target_cpu: 0.6}
    delivery: {pause: 2m, bake: 1m}
    versions: {2.0.0: {}}
databases:
  db: {latency: 2ms, max_connections: 400}
"""
DEPLOY_AT = 10 * 3_600_000 - 60_000  # a minute before the spike
WATCH = 45  # minutes watched one by one from the deploy: the rollout, the spike, the cleanup


def day(strategy: str | None, seed: int = 5) -> dict:
    """A seeded day; per-minute requests and failures of ``app`` around the deploy."""
    sim = build(DAY, seed=seed)
    node = sim.world.topo.find("app")
    sim.run_for(DEPLOY_AT)
    if strategy is not None:
        reply = sim.apply(Deploy("app", "2.0.0", strategy=strategy))
        assert reply.ok, reply.message
    minutes = []
    for _ in range(WATCH):
        sim.run_for(60_000)
        recent = sim.metrics.recent(60_000, sim.now)
        minutes.append((float(recent["requests"][node]),
                        float(recent["requests"][node] * recent["error_rate"][node])))
    sim.run_until(24 * 3_600_000)
    rows = sim.world.inst.rows_of(node)
    revisions = sim.apply(History("app")).data["revisions"]
    return {"minutes": np.array(minutes), "failed": float(sim.metrics.totals.failed[node]),
            "requests": float(sim.metrics.totals.requests[node]),
            "running": {sim.world.versions.names[v] for v in sim.world.inst.version[rows]},
            "history": [r["version"] for r in revisions if r["outcome"] == "completed"][-1],
            "outcome": revisions[-1]["outcome"]}


@pytest.fixture(scope="module")
def baseline() -> dict:
    return day(None)


@pytest.mark.parametrize("strategy", ["rolling", "canary", "blue-green"])
def test_a_deploy_into_a_spike_costs_no_availability(strategy: str, baseline: dict) -> None:
    run = day(strategy)
    assert run["outcome"] == "completed"
    assert run["running"] == {run["history"]} == {"2.0.0"}
    base, mine = baseline["minutes"], run["minutes"]
    assert base[:, 1].sum() > 0  # the spike does hurt: there is something to be worse than
    # the worst minute is no worse than the worst minute without the deploy, within noise
    # (four standard errors of a minute's error rate), and neither are the watch nor the day
    worst_base, worst = (np.max(m[:, 1] / np.maximum(m[:, 0], 1)) for m in (base, mine))
    n = float(np.median(base[:, 0]))
    assert worst <= worst_base + 4 * math.sqrt(max(worst_base, 1e-3) / n) + 0.002
    assert mine[:, 1].sum() / mine[:, 0].sum() <= base[:, 1].sum() / base[:, 0].sum() + 0.001
    assert run["failed"] / run["requests"] <= baseline["failed"] / baseline["requests"] + 1e-4


SPIKY = """
traffic: {rps: 150, entry: [app], diurnal: {amplitude: 0}, noise: 0.05,
          spikes: [{at: 3m, duration: 10m, factor: 2.5, ramp: 30s}]}
services:
  app:
    replicas: 3
    capacity: 100
    latency: 10ms
    startup: 10s
    autoscale: {min: 3, max: 20, target_cpu: 0.6}
    delivery: {strategy: canary, canary_steps: [10, 25, 50], pause: 2m}
    versions: {2.0.0: {}}
"""


@pytest.mark.parametrize("enabled", [True, False])
def test_autoscale_off_during_a_rollout_stays_off(enabled: bool) -> None:
    sim = build(SPIKY, seed=5)
    scaled: list = []
    sim.bus.subscribe(lambda e: scaled.append(e) if e.type == "scale" else None)
    sim.run_for(60_000)
    assert sim.apply(Deploy("app", "2.0.0")).ok
    sim.run_for(10_000)
    assert sim.apply(Autoscale("app", enabled)).ok
    sim.run_for(14 * 60_000)
    assert bool(scaled) is enabled  # the spike would have scaled it
    assert sim.autoscaler.enabled[sim.world.topo.find("app")] is enabled


def test_an_aborted_rolling_update_replaces_its_batches_before_they_go() -> None:
    """The batches already rolled carry a share of the load: an abort brings the stable
    version back to the full count first, and only then removes the new instances."""
    sim = Simulation(load_scenario("shopfront"), seed=5)
    events: list = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type.startswith("deploy") else None)
    sim.run_for(60_000)
    node = sim.world.topo.find("catalog")
    before = len(sim.world.inst.rows_of(node))
    assert sim.apply(Deploy("catalog", "5.1.0", strategy="rolling")).ok
    while not any(e.type == "deploy.step" for e in events):
        sim.step(1)
    assert sim.apply(Abort("catalog")).ok
    assert [e.type for e in events][-1] == "deploy.aborted"  # not rolled back yet
    ready = []
    while [e.type for e in events][-1] != "deploy.rolled_back":
        sim.step(1)
        rows = sim.world.inst.rows_of(node)
        ready.append(int(np.count_nonzero(sim.world.inst.state[rows] == 1)))
        assert sim.now < 10 * 60_000
    assert min(ready) >= before
    rows = sim.world.inst.rows_of(node)
    assert {sim.world.versions.names[v] for v in sim.world.inst.version[rows]} == {"5.0.3"}
