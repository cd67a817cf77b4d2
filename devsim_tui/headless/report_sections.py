"""The sections of ``devsim report`` after its header, in order (``SECTIONS``): each takes the
debrief and returns Markdown lines, or none when it has nothing to say."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from engine import Event

from .event_text import format_event
from .report_command import OUTCOMES, REPLY_WIDTH, _Raw, cell, clock, lasted, table

if TYPE_CHECKING:
    from devsim_tui.store.report import Debrief

__all__ = ["SECTIONS"]


def branches(d: Debrief) -> list[str]:
    if len(d.branches) < 2:
        return []
    rows = [(b.id, "—" if b.parent is None else b.parent, clock(b.forked_at_ms),
             clock(b.reached_ms), b.commands,
             ", ".join(["stands"] * (b.id == d.standing) + ["shown here"] * (b.id == d.branch)))
            for b in d.branches]
    return ["## Branches", "",
            f"A rewind forks the history; this report shows branch {d.branch}: its "
            "ancestors up to each fork, then its own.", "",
            *table(("branch", "parent", "forked at", "reached", "commands", ""), rows)]


def _event_text(e: dict[str, Any]) -> str:
    data = {k: v for k, v in e.items() if k not in ("t", "type", "t_ms")}
    line = format_event(Event(e["t_ms"], e["type"], data))
    return line[len(f"[{clock(e['t_ms'])}] {e['type']:<20} "):]


def _outcome(row: dict[str, Any]) -> str:
    if row["state"] == "applied" and row["ok"] == 0:
        return "refused"  # understood, then turned down by the simulation
    return OUTCOMES.get(row["state"], row["state"])


def timeline(d: Debrief) -> list[str]:
    entries: list[tuple[tuple[int, int, int], tuple[Any, ...]]] = []
    for row in d.commands:
        if row["path"] == "expect":
            continue  # judged: the expect.* event says how it went
        entries.append(((row["t_ms"], 1, row["seq"]), (
            clock(row["t_ms"]), row.get("user"), _Raw(f"`{cell(row['text'], 60)}`"),
            _outcome(row), _Raw(cell(row.get("reply"), REPLY_WIDTH)))))
    for seq, e in enumerate(d.events):
        rank = 0 if e["type"] == "rewind" else 2  # a rewind opens its time; effects follow
        entries.append(((e["t_ms"], rank, seq), (
            clock(e["t_ms"]), e.get("by") or "—", _Raw(f"*{e['type']}*"), "",
            _Raw(cell(_event_text(e), REPLY_WIDTH)))))
    if not entries:
        return ["## Timeline", "", "No commands were given and nothing notable happened.", ""]
    rows = [row for _, row in sorted(entries, key=lambda x: x[0])]
    return ["## Timeline", "", *table(("time", "who", "what", "outcome", "reply / detail"), rows)]


def _where(row: dict[str, Any], key: str) -> str:
    env = row.get("env")
    return f"{row.get(key) or '—'}" + (f" ({env})" if env and env != "production" else "")


def incidents(d: Debrief) -> list[str]:
    from devsim_tui.store.report import incidents as fold

    found = fold(d.events)
    if not found:
        return ["## Incidents", "", "No alert fired.", ""]
    rows = [(r["alert"], r["severity"], _where(r, "service"), clock(r["fired_ms"]),
             clock(r["resolved_ms"]), lasted(r["fired_ms"], r["resolved_ms"],
                                             "still firing at the end"),
             _Raw(cell(r["summary"], 60))) for r in found]
    return ["## Incidents", "",
            *table(("alert", "severity", "component", "fired", "resolved", "lasted",
                    "summary"), rows)]


def faults(d: Debrief) -> list[str]:
    from devsim_tui.store.report import faults as fold

    found = fold(d.events)
    if not found:
        return []
    rows = [("—" if r["id"] is None else f"#{r['id']}", r["fault"], _where(r, "target"),
             clock(r["started_ms"]), clock(r["ended_ms"]) if r["ended_ms"] is not None
             else "still active at the end", r["outcome"]) for r in found]
    return ["## Faults injected", "",
            *table(("chaos", "fault", "target", "started", "ended", "outcome"), rows)]


def deployments(d: Debrief) -> list[str]:
    from devsim_tui.store.report import deployments as fold

    found = fold(d.events)
    if not found:
        return []
    rows = [(_where(r, "service"), f"{r['from'] or '?'} → {r['version']}", r["strategy"],
             clock(r["started_ms"]), clock(r["ended_ms"]), r["outcome"], r["steps"],
             _Raw(cell(r["reason"], 60))) for r in found]
    return ["## Deployments", "",
            *table(("service", "version", "strategy", "started", "ended", "outcome", "steps",
                    "reason"), rows)]


def expectations(d: Debrief) -> list[str]:
    from devsim_tui.store.report import expectations as fold

    found = fold(d.events)
    if not found:
        return []
    marks = {"passed": "✓ passed", "failed": "✗ failed", "skipped": "– skipped"}
    held = sum(1 for r in found if r["verdict"] == "passed")
    rows = [(r["line"], _Raw(f"`{cell(r['text'], 60)}`"), clock(r["t_ms"]),
             marks.get(r["verdict"], r["verdict"]), _Raw(cell(r["reason"], REPLY_WIDTH)))
            for r in found]
    return ["## Expectations", "", f"{held} of {len(found)} held.", "",
            *table(("line", "expectation", "at", "result", "reason"), rows)]


def _percent(rate: float) -> str:
    return "< 0.1 %" if rate < 0.0005 else f"{rate:.1%}".replace("%", " %")


def figures(d: Debrief) -> list[str]:
    from devsim_tui.store.report import ERROR_THRESHOLD, figures as fold

    every = fold(d.metrics)
    if not every:
        return []
    found = [f for f in every if f.worst_error_minute is not None]
    quiet = [f for f in every if f.worst_error_minute is None]
    calm = max((f for f in quiet if f.worst_p99_ms is not None),
               key=lambda f: f.worst_p99_ms or 0, default=None)
    rest = [] if not quiet else [
        f"The other {len(quiet)} components failed no request" + (
            f"; the slowest of them, {_where({'c': calm.component, 'env': calm.env}, 'c')}, "
            f"reached a p99 of {calm.worst_p99_ms:,.0f} ms." if calm else "."), ""]
    rows = [(_where({"c": f.component, "env": f.env}, "c"),
             "—" if f.worst_p99_ms is None else
             f"{f.worst_p99_ms:,.0f} ms at {clock(f.worst_p99_minute * 60_000)[:5]}",
             "0 %" if f.worst_error_minute is None else
             f"{_percent(f.worst_error_rate)} at {clock(f.worst_error_minute * 60_000)[:5]}",
             f"{f.minutes_with_errors} of {f.minutes}") for f in found]
    return ["## Figures", "",
            f"From the recorded minutes of this branch; times are hh:mm. A minute with errors "
            f"failed more than {ERROR_THRESHOLD:.0%} of its requests.".replace("%", " %"), "",
            *(table(("component", "worst p99", "worst error rate", "minutes with errors"),
                    rows) if rows else []), *rest]


SECTIONS: tuple[Callable[[Debrief], list[str]], ...] = (
    branches, timeline, incidents, faults, deployments, expectations, figures)
