"""Rewind: checkpoints, the timeline and ``rewind`` (engine/checkpoints.py, checkpoint_image.py).

A rewound run must be the fresh run of the same commands, byte for byte: up to the time gone
back to, and from there on with the commands given after. Checkpoints are taken every
simulated minute here (every five in the product) so the runs stay short.
"""

from __future__ import annotations

import functools
import json

import pytest

from devsim_tui.chatops.session import ChatSession
from engine import Simulation, load_scenario
from engine.checkpoint_image import CheckpointError
from engine.checkpoints import Checkpoints
from engine.commands import Rewind
from tests.conftest import build

EVERY = 60_000
BEFORE = [(20_000, "deploy checkout 2.5.0"),  # a rolling deploy, done by about 01:50
          (120_000, "add 300ms of latency to payments for 1 minute"),  # at a checkpoint
          (125_000, "should I rewind 1 minute?"),  # (its answer names what it would undo)
          (150_000, "scale cart to 4"),
          (200_000, "restart payments")]
AFTER = [(20_000, "scale search to 3")]  # (after the rewind, relative to its time)
NOW = 240_000  # when the rewinds are asked for
END = 300_000


class Run:
    """A shopfront run driven by text, as a front end drives it; every published event is
    kept as its JSON line."""

    def __init__(self) -> None:
        self.sim = Simulation(load_scenario("shopfront"), seed=4)
        self.sim.checkpoints = Checkpoints(self.sim, every_ms=EVERY)
        self.sim.checkpoints.freezer.verify = True  # a ring block changed unseen would raise
        self.session = ChatSession(self.sim)
        self.lines: list[str] = []
        self.sim.bus.subscribe(lambda e: self.lines.append(
            json.dumps(e.to_dict(), separators=(",", ":"))))

    def play(self, steps: list[tuple[int, str]]) -> None:
        for t, text in steps:
            self.sim.run_until(t)
            assert self.session.submit(text).ok, text

    def rewind(self, text: str) -> str:
        outcome = self.session.submit(text)
        assert outcome.ok, outcome.reply.message
        return outcome.reply.message


def fresh(steps: list[tuple[int, str]], to: int, after: list[tuple[int, str]]) -> tuple[
        Run, int]:
    """The fresh run: the commands before ``to``, then the clock to ``to``, then ``after``;
    with how many lines it had published on reaching ``to``."""
    run = Run()
    run.play([(t, text) for t, text in steps if t < to])
    run.sim.run_until(to)
    reached = len(run.lines)
    run.play(after)
    run.sim.run_until(END)
    return run, reached


def timeline(sim: Simulation) -> list[str]:
    """The event log without the rewinds' own marks (the rewind event and its command)."""
    return [json.dumps(e.to_dict()) for e in sim.log if e.type != "rewind" and not (
        e.type == "command" and e.data.get("intent") == "rewind")]


def assert_same_world(a: Simulation, b: Simulation, rewinds: int) -> None:
    assert timeline(a) == timeline(b)
    sa, sb = a.summary(), b.summary()
    counts = dict(sb["events"])
    counts["rewind"] = rewinds
    counts["command"] += rewinds
    assert sa["events"] == counts
    assert {k: v for k, v in sa.items() if k != "events"} == \
        {k: v for k, v in sb.items() if k != "events"}
    assert repr(a.snapshot()) == repr(b.snapshot())
    for ra, rb in zip(a.metrics.rings, b.metrics.rings, strict=True):
        assert ra.data.tobytes() == rb.data.tobytes() and ra.written == rb.written
    assert watched(a) == watched(b)


def watched(sim: Simulation) -> tuple:
    """What the watchers and controllers hold: alerts, budgets, experiments, revisions, the
    work waiting in the schedule."""
    return (repr(sorted(sim.alerts.live.items(), key=repr)), sim.alerts.evaluated,
            sim.slo.total.tobytes(), sim.slo.bad.tobytes(),
            [e.summary() for e in sim.chaos.record], repr(sim.deploys.finished),
            [(t, order) for t, order, _ in sorted(sim._scheduled, key=lambda s: s[:2])])


def test_a_rewound_run_is_the_fresh_run_of_the_same_commands() -> None:
    a = Run()
    a.play(BEFORE)
    a.sim.run_until(NOW)
    published = list(a.lines)
    # between the checkpoints of 02:00 and 03:00: from 02:00, the fault given then again
    assert a.rewind("rewind to 00:02:50") == ("rewound 1m10s: now 00:02:50; undid 1 command "
                                             "(restart payments)")
    assert a.sim.now == 170_000
    assert a.lines[:len(published)] == published  # the catch-up was not published again …
    assert [json.loads(line) for line in a.lines[len(published):]] == [
        {"t": 170.0, "type": "rewind", "from": 240.0, "to": 170.0},
        {"t": 170.0, "type": "command", "text": "rewind to 00:02:50", "ok": True,
         "reply": "rewound 1m10s: now 00:02:50; undid 1 command (restart payments)",
         "intent": "rewind"}]
    assert any(e.type == "chaos.started" and e.t == 120_000 for e in a.sim.log)  # … but logged
    after = [(170_000 + t, text) for t, text in AFTER]
    a.play(after)
    a.sim.run_until(END)

    b, reached = fresh(BEFORE, 170_000, after)
    assert a.lines[:reached] == b.lines[:reached]  # up to that point, the same run
    assert a.lines[len(published) + 2:] == b.lines[reached:]  # and from there on
    assert '"deploy.completed"' in "".join(b.lines)  # (the deploy did happen)
    assert_same_world(a.sim, b.sim, rewinds=1)


def test_rewinding_twice_is_the_fresh_run_of_what_stands() -> None:
    a = Run()
    a.play(BEFORE)
    a.sim.run_until(NOW)
    # exactly at a checkpoint (no catch-up), then between two, behind the first rewind
    assert "undid 1 command (restart payments)" in a.rewind("rewind to 00:03:00")
    a.play([(200_000, "scale web to 4")])
    a.sim.run_until(230_000)
    assert "undid 2 commands (scale cart to 4, scale web to 4)" in a.rewind("go back 90 seconds")
    assert a.sim.now == 140_000
    a.play([(160_000, "scale search to 3")])
    a.sim.run_until(END)
    b, _ = fresh(BEFORE, 140_000, [(160_000, "scale search to 3")])
    assert_same_world(a.sim, b.sim, rewinds=1)  # (the first rewind, at 03:00, was undone too)


def test_pace_is_kept_and_commands_given_at_the_time_gone_back_to_are_undone() -> None:
    a = Run()
    a.sim.run_until(60_000)
    a.play([(60_000, "speed 60"), (60_000, "scale cart to 3")])
    a.sim.speed, a.sim.paused = 10.0, True
    a.sim.run_until(90_000)
    assert "undid 1 command (scale cart to 3)" in a.rewind("rewind to 00:01:00")
    assert (a.sim.speed, a.sim.paused) == (10.0, True)
    assert a.sim.snapshot().service("cart").desired == 2


def quiet() -> Simulation:
    sim = build("""
        traffic: {rps: 20, entry: [app]}
        services: {app: {capacity: 100}}
    """)
    sim.checkpoints = Checkpoints(sim, every_ms=30_000, keep=5)
    return sim


def test_the_checkpoints_stay_within_their_count_and_budget() -> None:
    sim = quiet()
    for _ in range(40):
        sim.run_for(30_000)
        assert len(sim.checkpoints.kept) <= 5
    kept = [c.t for c in sim.checkpoints.kept]
    assert kept[0] == 0 and kept[-1] == sim.now  # the start, and the newest
    gaps = [b - a for a, b in zip(kept, kept[1:])]
    assert gaps == sorted(gaps, reverse=True)  # thinner with age
    sim.checkpoints.budget = 1  # no room: only the start and the newest are kept
    sim.run_for(30_000)
    assert [c.t for c in sim.checkpoints.kept] == [0, sim.now]
    assert sim.checkpoints.nbytes() > 0


def test_a_run_that_knows_its_rewinds_keeps_only_those_checkpoints() -> None:
    sim = quiet()
    sim.checkpoints.plan([90_000, 45_000])
    sim.run_for(180_000)
    assert [c.t for c in sim.checkpoints.kept] == [0, 45_000, 90_000]
    assert sim.apply(Rewind(to=90)).ok and sim.now == 90_000
    assert sim.apply(Rewind(to=60)).ok and sim.now == 60_000  # (from 00:00:45, run again)
    sim.checkpoints.plan([])
    assert sim.apply(Rewind(to=30)).message == "cannot rewind: this run keeps no checkpoints"


def test_refusals_say_why_in_one_line() -> None:
    sim = quiet()
    sim.run_for(120_000)

    def refused(cmd: Rewind) -> str:
        reply = sim.apply(cmd)
        assert not reply.ok and "\n" not in reply.message and sim.now == 120_000
        return reply.message

    assert refused(Rewind(duration=300)) == ("cannot rewind 5m: it is only 00:02:00 since the "
                                             "start ('rewind to 00:00:00' goes there)")
    assert refused(Rewind(to=180)) == ("cannot rewind forward: it is 00:02:00 and 00:03:00 is "
                                       "later ('advance' moves forward)")
    assert refused(Rewind(to=120)) == "it is 00:02:00 already; nothing to rewind"
    assert refused(Rewind()).startswith("rewind how far?")
    sim.checkpoints.enabled = False
    assert refused(Rewind(duration=60)) == "cannot rewind: this run keeps no checkpoints"

    late = quiet()
    late.checkpoints.enabled = False
    late.run_for(90_000)
    late.checkpoints.enabled = True
    late.run_for(30_000)  # the first checkpoint is at 00:01:30
    reply = late.apply(Rewind(to=60))
    assert reply.message == "cannot rewind to 00:01:00: the earliest time kept is 00:01:30"
    assert late.apply(Rewind(to=90)).ok and late.now == 90_000


def _scale_app(world, node: int) -> None:  # noqa: ANN001 - what a partial may schedule
    world.lifecycle.scale(node, 3, 0)


def test_a_closure_over_engine_objects_is_never_frozen() -> None:
    sim = quiet()
    sim.run_for(30_000)
    world, node = sim.world, sim.world.topo.find("app")
    closure = lambda: world.lifecycle.scale(node, 3, sim.now)  # noqa: E731 (sim is live)
    sim.schedule(200_000, closure)
    sim.run_for(30_000)
    assert "test_rewind" in sim.checkpoints.problem and "captures a World" in \
        sim.checkpoints.problem  # skipped, with the reason
    assert [c.t for c in sim.checkpoints.kept] == [0, 30_000]  # (before the closure)
    with pytest.raises(CheckpointError, match="bound method or a functools.partial"):
        sim.checkpoints.freezer.freeze({"work": [closure]})
    assert sim.apply(Rewind(to=10)).ok  # the checkpoints before it still serve
    sim.schedule(200_000, functools.partial(_scale_app, sim.world, node))  # this one is fine
    assert sim.checkpoints.capture() is not None


@pytest.mark.parametrize("scenario", ["shopfront", "devops-simulator", "smartcloudops",
                                      "ai-platform"])
def test_everything_the_engine_schedules_can_be_frozen(scenario: str) -> None:
    """Deploys, faults with an end, rolling restarts, backups and restores all leave work in
    the schedule; none of it may be a closure over engine objects."""
    from engine.topology import Kind

    sim = Simulation(load_scenario(scenario), seed=3)
    session = ChatSession(sim)
    primary = [n for n in sim.world.topo.nodes if n.env == sim.spec.primary_environment]
    service = next(n.name for n in primary if n.kind == Kind.SERVICE)
    database = next(n.name for n in primary if n.kind == Kind.DATABASE)
    for line in (f"restart {service}", f"inject 200ms of latency into {service} for 10 minutes",
                 f"backup {database}"):
        assert session.submit(line).ok, line
    sim.run_for(30_000)
    assert sim.checkpoints.capture() is not None, sim.checkpoints.problem
    assert sim._scheduled  # (work was waiting in the schedule)
