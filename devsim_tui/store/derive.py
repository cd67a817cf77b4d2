"""The tables derived from events: alerts, deployments and faults, one row per thing that lived.

Each event type that matters has one writer in ``WRITERS`` (a table, not a chain of ifs): an
``alert.firing`` opens an alert row and ``alert.resolved`` closes it; ``deploy.started`` opens
a rollout and its steps, completion, abort or rollback update it; ``chaos.started`` opens a
fault, ``chaos.ended`` closes it, ``chaos.refused`` records one that could not run. Rows are
matched within a branch; something opened on an earlier branch and closed after a rewind gets
a row of its own on the new branch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["WRITERS", "derive"]

Writer = Callable[["Database", str, int, int, dict[str, Any]], None]


def derive(db: Database, session: str, branch: int, t_ms: int, event: dict[str, Any]) -> None:
    """Write what one event (a JSON stream dict) means for the derived tables, if anything."""
    writer = WRITERS.get(event["type"])
    if writer is not None:
        writer(db, session, branch, t_ms, event)


def _ms(seconds: Any) -> int | None:
    return None if seconds is None else round(float(seconds) * 1000)


def _alert_fired(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    db.conn.execute(
        "insert into alerts (session, branch, alert_id, alert, severity, service, env, "
        "summary, fired_ms, silenced, inhibited) values (?,?,?,?,?,?,?,?,?,?,?)",
        (session, branch, e.get("id"), e.get("alert"), e.get("severity"), e.get("service"),
         e.get("env"), e.get("summary"), t, int(bool(e.get("silenced"))),
         int(bool(e.get("inhibited")))))


def _alert_resolved(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    updated = db.conn.execute(
        "update alerts set resolved_ms = ? where rowid = (select rowid from alerts where "
        "session = ? and branch = ? and alert_id = ? and resolved_ms is null "
        "order by rowid desc limit 1)", (t, session, branch, e.get("id"))).rowcount
    if not updated:  # fired before a rewind, on the branch this one came from
        lasted = _ms(e.get("lasted_s"))
        _alert_fired(db, session, branch, t - lasted if lasted is not None else t, e)
        _alert_resolved(db, session, branch, t, e)


def _deploy_started(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    db.conn.execute(
        "insert into deployments (session, branch, service, env, version, from_version, "
        "strategy, started_ms, outcome, steps) values (?,?,?,?,?,?,?,?,'running',0)",
        (session, branch, e.get("service"), e.get("env"), e.get("version"), e.get("from"),
         e.get("strategy"), t))


def _deploy_update(assignments: str, values: Callable[[int, dict[str, Any]], tuple[Any, ...]]
                   ) -> Writer:
    """An update of the newest rollout of the event's service and environment."""
    def write(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
        where = ("session = ? and branch = ? and service = ? and env is ? "
                 "order by rowid desc limit 1")
        key = (session, branch, e.get("service"), e.get("env"))
        row = db.conn.execute(f"select rowid from deployments where {where}", key).fetchone()
        if row is None:  # started before a rewind: a row of its own here
            _deploy_started(db, session, branch, t, e)
            row = db.conn.execute(f"select rowid from deployments where {where}", key).fetchone()
        db.conn.execute(f"update deployments set {assignments} where rowid = ?",
                        (*values(t, e), row[0]))
    return write


def _fault_started(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    db.conn.execute(
        "insert into faults (session, branch, fault_id, fault, target, env, started_ms, "
        "ends_ms, outcome, by, hidden, affected) values (?,?,?,?,?,?,?,?,'running',?,?,?)",
        (session, branch, e.get("id"), e.get("fault"), e.get("target"), e.get("env"), t,
         _ms(e.get("ends_s")), e.get("by"), int(bool(e.get("hidden"))),
         json.dumps(e.get("affected", []))))


def _fault_ended(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    updated = db.conn.execute(
        "update faults set ended_ms = ?, outcome = ? where rowid = (select rowid from faults "
        "where session = ? and branch = ? and fault_id = ? and ended_ms is null "
        "order by rowid desc limit 1)",
        (t, e.get("reason"), session, branch, e.get("id"))).rowcount
    if not updated:  # started before a rewind
        _fault_started(db, session, branch, t, e)
        _fault_ended(db, session, branch, t, e)


def _fault_refused(db: Database, session: str, branch: int, t: int, e: dict[str, Any]) -> None:
    db.conn.execute(
        "insert into faults (session, branch, fault, target, started_ms, ended_ms, outcome) "
        "values (?,?,?,?,?,?,?)",
        (session, branch, e.get("fault"), e.get("target"), t, t,
         f"refused: {e.get('reason')}"))


WRITERS: dict[str, Writer] = {
    "alert.firing": _alert_fired,
    "alert.resolved": _alert_resolved,
    "deploy.started": _deploy_started,
    "deploy.step": _deploy_update("steps = steps + 1, last_step = ?",
                                  lambda t, e: (e.get("step"),)),
    "deploy.completed": _deploy_update("ended_ms = ?, outcome = 'completed'",
                                       lambda t, e: (t,)),
    "deploy.aborted": _deploy_update("ended_ms = ?, outcome = 'aborted', reason = ?",
                                     lambda t, e: (t, e.get("reason"))),
    "deploy.rolled_back": _deploy_update("ended_ms = ?, outcome = 'rolled back', reason = "
                                         "coalesce(reason, ?)",
                                         lambda t, e: (t, f"back to {e.get('to')}")),
    "chaos.started": _fault_started,
    "chaos.ended": _fault_ended,
    "chaos.refused": _fault_refused,
}
