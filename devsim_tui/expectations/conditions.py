"""What each form of expectation looks at, and what it saw: one function per form.

Event forms (deploy, alert … firing, anomaly on) ask whether something happened since their
line (or was under way at it); state forms ask how things stand at the moment of the check.
Everything read here is what an operator could read: the events of the run, the alerts that
fire, the open anomaly episodes, the run's figures and the SLO budgets.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import format_clock

from .facts import Facts, Happening, Mark
from .model import Expectation

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["CHECKS", "Look", "Observation"]


@dataclass(frozen=True, slots=True)
class Observation:
    holds: bool
    text: str  # what was seen, in words
    dated: bool = False  # the text says when it happened (no need to add when it was judged)


@dataclass(frozen=True, slots=True)
class Look:
    """One check: the run, its record, where the expectation's line was, and up to when
    events count (its window's end, when the check comes after it)."""

    sim: Simulation
    facts: Facts
    mark: Mark
    until: int
    live: bool = True  # the check is at the moment it judges: the current state may be read

    def since(self, happenings: list[Happening]) -> list[Happening]:
        return [h for h in happenings if self.mark.seq < h.seq and h.t <= self.until]


def _env(sim: Simulation, env: str | None) -> str:
    return f" ({env})" if env and env != sim.spec.primary_environment else ""


def deploy(x: Expectation, look: Look) -> Observation:
    rollout = look.facts.anchor(x.subject or "", look.mark)
    if rollout is None:
        return Observation(False, f"no rollout of {x.subject}")
    name = f"deploy {rollout.service}{_env(look.sim, rollout.env)} {rollout.version}"
    outcomes = [h for h in rollout.outcomes if h.t <= look.until]
    hit = next((h for h in outcomes if h.name == x.word), None)
    if hit is not None:
        return Observation(True, f"{name} {_word(hit)} at {format_clock(hit.t)}", True)
    if outcomes:
        first = outcomes[0]
        why = f" ({first.data['reason']})" if first.data.get("reason") else ""
        return Observation(False, f"{name} {_word(first)} at {format_clock(first.t)}{why}", True)
    step = (f", last step: {rollout.step.name}" if rollout.step and rollout.step.t <= look.until
            else "")
    return Observation(False, f"{name} still rolling out (started {format_clock(rollout.t)}"
                              f"{step})")


def _word(h: Happening) -> str:
    return h.name.replace("_", " ")


def _firing(look: Look, name: str, on: str | None) -> list[Any]:
    """The alerts of rule ``name`` (on ``on``, if given) firing now."""
    return [a for a in look.sim.alerts.firing() if a.name == name and on in (None, a.component)]


def _on(x: Expectation) -> str:
    return f" on {x.on}" if x.on else ""


def alert(x: Expectation, look: Look) -> Observation:
    live = _firing(look, x.subject or "", x.on) if look.live else []
    if live:
        a = live[0]
        return Observation(True, f"{a.name} firing on {a.component or 'the estate'} since "
                                 f"{format_clock(a.starts_at or 0)}")
    fired = look.since(look.facts.firings)
    hits = [h for h in fired if h.name == x.subject and x.on in (None, h.data.get("service"))]
    if hits:
        h = hits[0]
        return Observation(True, f"{h.name} fired on {h.data.get('service') or 'the estate'} "
                                 f"at {format_clock(h.t)}")
    elsewhere = [h for h in fired if h.name == x.subject]
    also = (f" (it fired on {elsewhere[0].data.get('service')} at "
            f"{format_clock(elsewhere[0].t)})") if elsewhere else ""
    return Observation(False, f"{x.subject} did not fire{_on(x)}{also}")


def alert_not(x: Expectation, look: Look) -> Observation:
    live = _firing(look, x.subject or "", x.on)
    if not live:
        return Observation(True, f"{x.subject} not firing{_on(x)}")
    a = live[0]
    return Observation(False, f"{a.name} #{a.id} firing on {a.component or 'the estate'} since "
                              f"{format_clock(a.starts_at or 0)}")


def no_alerts(x: Expectation, look: Look) -> Observation:
    firing = look.sim.alerts.firing()
    if not firing:
        return Observation(True, "no alerts firing")
    listed = ", ".join(f"{a.name} on {a.component or 'the estate'}"
                       + (f" [{a.shown_state}]" if a.muted else "") for a in firing[:3])
    more = f" and {len(firing) - 3} more" if len(firing) > 3 else ""
    noun = "alert" if len(firing) == 1 else "alerts"
    return Observation(False, f"{len(firing)} {noun} firing: {listed}{more}")


def _learning(look: Look) -> str:
    until = look.sim.anomalies.warmup_ms
    return (f" (the detector learns until {format_clock(until)} and reports nothing before)"
            if look.until < until else "")


def anomaly(x: Expectation, look: Look) -> Observation:
    episode = look.sim.anomalies.open.get(x.subject or "") if look.live else None
    if episode is not None:
        return Observation(True, f"anomaly on {x.subject} since {format_clock(episode.start_ms)}"
                                 f" ({', '.join(episode.details[:2])})")
    hits = [h for h in look.since(look.facts.anomalies) if h.name == x.subject]
    if hits:
        h = hits[0]
        details = ", ".join(h.data.get("deviations", [])[:2])
        return Observation(True, f"anomaly on {x.subject} at {format_clock(h.t)}"
                                 + (f" ({details})" if details else ""))
    return Observation(False, f"no anomaly on {x.subject}{_learning(look)}")


def no_anomaly(x: Expectation, look: Look) -> Observation:
    episode = look.sim.anomalies.open.get(x.subject or "")
    if episode is None:
        return Observation(True, f"no anomaly open on {x.subject}{_learning(look)}")
    details = ", ".join(episode.details[:2])
    return Observation(False, f"anomaly on {x.subject} open since "
                              f"{format_clock(episode.start_ms)} ({details})")


def _node(look: Look, name: str) -> int:
    node = look.sim.world.topo.find(name, look.sim.spec.primary_environment)
    assert node is not None  # names were checked against the scenario
    return node


def availability(x: Expectation, look: Look) -> Observation:
    node = _node(look, x.subject or "")
    totals = look.sim.metrics.run_totals()
    if float(totals.requests[node]) <= 0:
        return Observation(False, f"{x.subject} has served no requests yet")
    value = float(totals.availability()[node]) * 100
    return Observation(compare(value, x.op or ">=", x.value or 0.0),
                       f"{x.subject} availability {shown(value, x.value or 0.0)} over the run "
                       f"so far")


def budget(x: Expectation, look: Look) -> Observation:
    book = look.sim.slo
    row = book.row(_node(look, x.subject or ""))
    if row is None:
        return Observation(False, f"{x.subject} has no SLO")
    left = book.left()[row] * 100
    value = {"error": float(left.min()), "availability": float(left[0]),
             "latency": float(left[1])}[x.word or "error"]
    both = f" (availability {left[0]:.1f}%, latency {left[1]:.1f}%)" if x.word == "error" else ""
    return Observation(compare(value, x.op or ">=", x.value or 0.0),
                       f"{x.subject} {x.word} budget {shown(value, x.value or 0.0)} left{both}")


def no_lost_writes(x: Expectation, look: Look) -> Observation:
    failovers = [h for h in look.facts.failovers if h.t <= look.until
                 and x.on in (None, h.name)]
    lost = [h for h in failovers if int(h.data.get("lost_writes") or 0) > 0]
    where = f" on {x.on}" if x.on else ""
    if not lost:
        n = len(failovers)
        seen = f"{n} failover{'s' * (n != 1)}" if n else "no failover"
        return Observation(True, f"no writes lost{where} ({seen} so far)")
    h = lost[0]
    more = f"; {len(lost) - 1} more failovers lost writes" if len(lost) > 1 else ""
    return Observation(False, f"{h.name}{_env(look.sim, h.data.get('env'))} lost "
                              f"{h.data['lost_writes']} writes in the failover at "
                              f"{format_clock(h.t)}{more}", True)


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": lambda a, b: a >= b, ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b, "<": lambda a, b: a < b,
}


def compare(value: float, op: str, threshold: float) -> bool:
    return _COMPARE[op](value, threshold)


def shown(value: float, threshold: float) -> str:
    """A percentage with enough digits that it never reads as the threshold it missed."""
    text = f"{threshold:g}"
    digits = max(len(text.split(".")[1]) if "." in text else 0, 1) + 1
    while digits < 6 and f"{value:.{digits}f}" == f"{threshold:.{digits}f}" and value != threshold:
        digits += 1
    return f"{value:.{digits}f}%"


CHECKS: dict[str, Callable[[Expectation, Look], Observation]] = {
    "deploy": deploy, "alert": alert, "alert_not": alert_not, "no_alerts": no_alerts,
    "anomaly": anomaly, "no_anomaly": no_anomaly, "availability": availability,
    "budget": budget, "no_lost_writes": no_lost_writes,
}
