"""What a debrief of one recorded session reads: one branch's history, its significant events,
what they add up to (incidents, faults, rollouts, expectations) and its per-minute figures.

A branch's history is its ancestors' part before each fork, then its own (as
``linear_history`` cuts the commands, so are the events and the metric minutes cut). Incidents,
faults and rollouts are folded from the events themselves, matched by id across forks, so an
alert that fired before a rewind and resolved after it is one incident.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .branches import linear_history
from .errors import StoreError
from .queries import branch_book, commands_of, find_session

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["SIGNIFICANT", "BranchLine", "Debrief", "Figure", "deployments", "expectations",
           "faults", "figures", "incidents", "load_debrief"]

SIGNIFICANT = ("alert.firing", "alert.resolved", "deploy.", "chaos.", "db.failover",
               "anomaly", "expect.", "rewind")
ERROR_THRESHOLD = 0.01  # a minute "with errors": above 1 % of requests failed


@dataclass(frozen=True, slots=True)
class BranchLine:
    id: int
    parent: int | None
    forked_at_ms: int
    reached_ms: int
    commands: int


@dataclass(slots=True)
class Debrief:
    """One branch of one session, ready to be written up."""

    session: dict[str, Any]
    branch: int  # the branch shown
    standing: int  # the session's current branch
    branches: list[BranchLine]
    commands: list[dict[str, Any]]  # the branch's linear history (rows of ``commands``)
    events: list[dict[str, Any]] = field(default_factory=list)  # significant, as JSON dicts
    metrics: list[dict[str, Any]] = field(default_factory=list)  # rows of ``metrics``
    reached_ms: int = 0


def load_debrief(db: Database, ref: str | None, branch: int | None = None) -> Debrief:
    """The session ``ref`` (id, unique prefix, None for the newest) seen from ``branch``
    (default: the one that stands).

    Raises:
        StoreError: no such session, or no such branch in it.
    """
    session = find_session(db, ref)
    book = branch_book(db, session)
    shown = book.current if branch is None else branch
    try:
        cuts = book.lineage(shown)
    except KeyError as exc:
        raise StoreError(f"session {session['id']}: {exc.args[0]}") from None
    commands = commands_of(db, session["id"])
    lines = _branch_lines(db, session["id"], commands)
    reached = next((b.reached_ms for b in lines if b.id == shown), 0)
    return Debrief(session, shown, book.current, lines, linear_history(book, shown, commands),
                   _events(db, session["id"], cuts), _metrics(db, session["id"], cuts), reached)


def _branch_lines(db: Database, session_id: str,
                  commands: list[dict[str, Any]]) -> list[BranchLine]:
    rows = db.execute("select id, parent, forked_at_ms, last_t_ms from branches "
                      "where session = ? order by id", (session_id,)).fetchall()
    own = {r[0]: sum(1 for c in commands if c["branch"] == r[0] and c["path"] != "expect")
           for r in rows}
    return [BranchLine(r[0], r[1], int(r[2] or 0), int(r[3] or 0), own[r[0]]) for r in rows]


def _is_significant(kind: str) -> bool:
    return any(kind == s or (s.endswith(".") and kind.startswith(s)) or kind.startswith(s + ".")
               for s in SIGNIFICANT)


def _events(db: Database, session_id: str,
            cuts: list[tuple[int, int | None]]) -> list[dict[str, Any]]:
    chosen: list[tuple[int, int, dict[str, Any]]] = []
    for branch, cut in cuts:
        for seq, t_ms, kind, data in db.execute(
                "select seq, t_ms, type, data from events where session = ? and branch = ? "
                "order by seq", (session_id, branch)):
            if (cut is None or t_ms < cut) and _is_significant(kind):
                chosen.append((t_ms, seq, {**json.loads(data), "t_ms": t_ms}))
    return [event for _, _, event in sorted(chosen, key=lambda c: (c[0], c[1]))]


def _metrics(db: Database, session_id: str,
             cuts: list[tuple[int, int | None]]) -> list[dict[str, Any]]:
    """The minutes of the lineage: an ancestor's before the minute its child was forked in."""
    minutes: dict[tuple[int, str, str], dict[str, Any]] = {}
    for branch, cut in cuts:
        for row in db.execute_returning_dicts(
                "select minute, component, env, kind, rps, error_rate, p99_ms from metrics "
                "where session = ? and branch = ? order by minute, rowid", [session_id, branch]):
            if cut is None or row["minute"] < cut // 60_000:
                minutes[(row["minute"], row["component"], row["env"])] = dict(row)
    return sorted(minutes.values(), key=lambda r: r["minute"])  # stable: topology order


# -- what the events add up to -------------------------------------------------------------

def incidents(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each alert that fired: alert, severity, service, env, fired_ms, resolved_ms (None while
    still firing at the end), summary."""
    found: list[dict[str, Any]] = []
    open_: dict[Any, dict[str, Any]] = {}
    for e in events:
        if e["type"] == "alert.firing" and e.get("id") not in open_:
            open_[e.get("id")] = row = {
                "alert": e.get("alert"), "severity": e.get("severity"),
                "service": e.get("service"), "env": e.get("env"), "fired_ms": e["t_ms"],
                "resolved_ms": None, "summary": e.get("summary")}
            found.append(row)
        elif e["type"] == "alert.resolved" and e.get("id") in open_:
            open_.pop(e.get("id"))["resolved_ms"] = e["t_ms"]
    return found


def faults(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each chaos experiment as recorded: id, fault, target, env, started_ms, ended_ms (None
    while still running at the end), outcome."""
    found: list[dict[str, Any]] = []
    open_: dict[Any, dict[str, Any]] = {}
    for e in events:
        kind = e["type"]
        if kind in ("chaos.started", "chaos.refused"):
            row = {"id": e.get("id"), "fault": e.get("fault"), "target": e.get("target"),
                   "env": e.get("env"), "started_ms": e["t_ms"], "ended_ms": None,
                   "outcome": "running"}
            if kind == "chaos.refused":
                row.update(ended_ms=e["t_ms"], outcome=f"refused: {e.get('reason')}")
            elif e.get("id") in open_:
                continue  # the same experiment, seen again
            else:
                open_[e.get("id")] = row
            found.append(row)
        elif kind == "chaos.ended" and e.get("id") in open_:
            open_.pop(e.get("id")).update(ended_ms=e["t_ms"], outcome=e.get("reason") or "ended")
    return found


_DEPLOY_ENDS = {"deploy.completed": "completed", "deploy.aborted": "aborted",
                "deploy.rolled_back": "rolled back"}


def deployments(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each rollout: service, env, from, version, strategy, started_ms, ended_ms, outcome
    (``running`` when the branch ended first), steps, reason."""
    found: list[dict[str, Any]] = []
    newest: dict[tuple[Any, Any], dict[str, Any]] = {}
    for e in events:
        key = (e.get("service"), e.get("env"))
        if e["type"] == "deploy.started":
            newest[key] = row = {
                "service": e.get("service"), "env": e.get("env"), "from": e.get("from"),
                "version": e.get("version"), "strategy": e.get("strategy"),
                "started_ms": e["t_ms"], "ended_ms": None, "outcome": "running", "steps": 0,
                "reason": None}
            found.append(row)
        elif e["type"] == "deploy.step" and key in newest:
            newest[key]["steps"] += 1
        elif e["type"] in _DEPLOY_ENDS and key in newest:
            newest[key].update(ended_ms=e["t_ms"], outcome=_DEPLOY_ENDS[e["type"]],
                               reason=e.get("reason") or (
                                   f"back to {e['to']}" if e.get("to") else None))
    return found


def expectations(events: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """A script's expectations as judged: line, text, verdict, reason, t_ms."""
    return [{"line": e.get("line"), "text": e.get("text"),
             "verdict": e["type"].removeprefix("expect."), "reason": e.get("reason"),
             "t_ms": e["t_ms"]} for e in events if e["type"].startswith("expect.")]


@dataclass(frozen=True, slots=True)
class Figure:
    component: str
    env: str
    worst_p99_ms: float | None
    worst_p99_minute: int | None
    worst_error_rate: float
    worst_error_minute: int | None
    minutes_with_errors: int
    minutes: int


def figures(metrics: Iterable[dict[str, Any]]) -> list[Figure]:
    """Per component and environment, over the branch's minutes: the worst p99 and error rate
    (and the minute each was worst in), and how many minutes failed more than 1 %."""
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in metrics:
        by_key.setdefault((row["component"], row["env"]), []).append(row)
    result = []
    for (component, env), rows in by_key.items():
        p99 = [r for r in rows if r["p99_ms"] is not None and r["p99_ms"] > 0]
        worst_p99 = max(p99, key=lambda r: (r["p99_ms"], -r["minute"]), default=None)
        errors = [r for r in rows if (r["error_rate"] or 0) > 0]
        worst_err = max(errors, key=lambda r: (r["error_rate"], -r["minute"]), default=None)
        result.append(Figure(
            component, env, worst_p99["p99_ms"] if worst_p99 else None,
            worst_p99["minute"] if worst_p99 else None,
            worst_err["error_rate"] if worst_err else 0.0,
            worst_err["minute"] if worst_err else None,
            sum(1 for r in rows if (r["error_rate"] or 0) > ERROR_THRESHOLD), len(rows)))
    return result
