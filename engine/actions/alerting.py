"""``alerts``, ``ack`` and ``silence``: the alert book as an on-call engineer works it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ..commands import Ack, Alerts, Reply, Silence
from ..wording import counted
from ..durations import format_clock, format_duration
from ..watch.alert_model import Alert
from .registry import handles

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["alert_line", "group_alerts"]

SHOWN = 12
A = TypeVar("A", bound=Any)  # an Alert or an AlertRow: anything with a name and a severity


def alert_line(alert: Alert, now: int) -> str:
    """'#3 critical HighErrorRate checkout — checkout fails 23% of requests · firing 4m'."""
    since = alert.starts_at if alert.state == "firing" else alert.active_at
    age = format_duration(max(now - since, 0)) if alert.state != "resolved" else (
        f"at {format_clock(alert.ends_at or now)}")
    return (f"#{alert.id} {alert.severity} {alert.name} {alert.component or ''} — "
            f"{alert.summary} · {alert.shown_state} {age}").replace("  ", " ")


def group_alerts(alerts: Sequence[A]) -> list[tuple[str, list[A]]]:
    """Alerts (or the snapshot's rows of them) grouped by rule, worst first — an alert storm
    reads as a few groups; within a group they keep their order."""
    groups: dict[str, list[A]] = {}
    for alert in alerts:
        groups.setdefault(alert.name, []).append(alert)
    order = {"critical": 0, "warning": 1, "info": 2}
    return sorted(groups.items(), key=lambda g: (order.get(g[1][0].severity, 3),
                                                 -len(g[1]), g[0]))


@handles(Alerts)
def alerts(sim: Simulation, cmd: Alerts) -> Reply:
    book = sim.alerts
    if not book.evaluated:
        return Reply(True, f"no rule evaluated yet: {counted(len(book.rules), 'rule')} start at the "
                           "first 30-second evaluation", {"alerts": []})
    live = sorted(book.live.values(), key=lambda a: a.id)
    if cmd.state == "all":
        chosen = [*live, *reversed(book.resolved)]
    elif cmd.state == "pending":
        chosen = [a for a in live if a.state == "pending"]
    else:
        chosen = [a for a in live if a.state == "firing"]
    data = {"alerts": [_as_dict(a, sim) for a in chosen]}
    if not chosen:
        what = "firing" if cmd.state in (None, "firing") else cmd.state
        return Reply(True, f"no alerts {what} — {counted(len(book.rules), 'rule')} watch "
                           f"{counted(book.watched, 'component')}", data)
    lines = []
    for alert in chosen[:SHOWN]:
        lines.append(alert_line(alert, sim.now))
        if alert.runbook and alert.state != "resolved":
            lines.append(f"   runbook: {alert.runbook}")
    more = f"\n… and {len(chosen) - SHOWN} more" if len(chosen) > SHOWN else ""
    return Reply(True, f"{len(chosen)} alert{'s' * (len(chosen) != 1)}:\n" + "\n".join(lines)
                 + more + "\n(ack N, silence NAME for 1h, explain SERVICE)", data)


def _as_dict(alert: Alert, sim: Simulation) -> dict:
    return {"id": alert.id, "alert": alert.name, "severity": alert.severity,
            "service": alert.component, "state": alert.shown_state,
            "value": round(alert.value, 4), "summary": alert.summary, "runbook": alert.runbook,
            "labels": alert.labels(sim.spec.name), "annotations": alert.annotations(),
            "startsAt": alert.starts_at,
            "endsAt": alert.ends_at}


def _unknown(sim: Simulation, ref: str) -> Reply:
    names = sorted({r.name for r in sim.alerts.rules})
    exact = next((n for n in names if n.lower() == ref.lower().lstrip("#")), None)
    if exact is not None:
        return Reply(False, f"{exact} is not firing now ('alerts' lists what is)",
                     {"alert": exact})
    live = ", ".join(f"#{a.id} {a.name}" for a in sorted(sim.alerts.live.values(),
                                                       key=lambda a: a.id)[:6])
    from difflib import get_close_matches

    close = get_close_matches(ref, names, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]}?" if close else (f"; live now: {live}" if live else
                                                         "; nothing is firing")
    return Reply(False, f"no live alert '{ref}'{hint}", {"alert": ref})


@handles(Ack)
def ack(sim: Simulation, cmd: Ack) -> Reply:
    found = [a for a in sim.alerts.find(cmd.alert) if a.state == "firing"]
    if not found:
        return _unknown(sim, cmd.alert)
    sim.alerts.ack(found, sim.user, sim.now)
    names = ", ".join(f"#{a.id} {a.name} {a.component or ''}".strip() for a in found)
    runbook = f". Runbook: {found[0].runbook}" if found[0].runbook else ""
    return Reply(True, f"acknowledged {names} (by {sim.user}); it stays listed until it "
                       f"resolves{runbook}", {"ids": [a.id for a in found]})


@handles(Silence)
def silence(sim: Simulation, cmd: Silence) -> Reply:
    book = sim.alerts
    ref = cmd.alert.lstrip("#")
    component = cmd.component
    if ref.isdigit():
        found = book.find(ref)
        if not found:
            return _unknown(sim, cmd.alert)
        rule, component = found[0].name, found[0].component
    else:
        rule = next((r.name for r in book.rules if r.name.lower() == ref.lower()), None)
        if rule is None:
            return _unknown(sim, cmd.alert)
    until = sim.now + cmd.duration * 1000
    made = book.silence(rule, component, until, sim.user, cmd.reason or "", sim.now)
    scope = f"{rule} on {component}" if component else f"{rule} everywhere"
    why = f" because {cmd.reason}" if cmd.reason else ""
    return Reply(True, f"silenced {scope} until {format_clock(until)} "
                       f"({format_duration(cmd.duration * 1000)}, by {sim.user}{why}); it is "
                       "still evaluated and listed as silenced",
                 {"silence": made.id, "rule": rule, "component": component, "until": until})
