"""The session database's schema, as an ordered list of migrations keyed by ``PRAGMA user_version``.

Version N of the schema is what the first N functions of ``MIGRATIONS`` build; a database at
version K is brought up to date by running the functions after the K-th, each in its own
transaction, each setting ``user_version``. Never edit a migration that has shipped: add one.

1. ``sessions``, ``commands`` (the audit trail), ``events`` (the JSON stream, line for line),
   ``alerts``, ``deployments`` and ``faults`` (derived from the events), ``metrics`` (one row
   per simulated minute per component) and the ``audit`` view.
2. Branches: ``rewind`` forks a session's history. A ``branches`` table (id, parent, forked
   at), and a ``branch`` column on every per-session table (0, the root, for what version 1
   recorded); ``metrics`` gains the branch in its key, so it is rebuilt; ``audit`` shows it.
3. The script a run followed: ``sessions.script`` (as named) and ``script_source`` (its text),
   so the session says what was run, and a replay's summary is the run's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "migrate"]

Migration = Callable[["Database"], None]

_METRIC_COLUMNS = {
    "rps": float, "error_rate": float, "p99_ms": float, "cpu": float, "memory_mib": float,
    "ready": float, "saturation": float, "replication_lag_s": float, "connections": float,
    "queue_lag_s": float,
}

_AUDIT_V1 = """
select c.session, s.front_end, s.scenario, c.seq,
       printf('%02d:%02d:%02d', c.t_ms / 3600000, c.t_ms / 60000 % 60, c.t_ms / 1000 % 60)
         as sim_clock,
       c.wall, c.user, c.environment, c.text, c.intent, c.args, c.path, c.state, c.ok, c.reply
from commands c join sessions s on s.id = c.session
order by s.started, c.seq
"""

_AUDIT_V2 = """
select c.session, s.front_end, s.scenario, c.branch, c.seq,
       printf('%02d:%02d:%02d', c.t_ms / 3600000, c.t_ms / 60000 % 60, c.t_ms / 1000 % 60)
         as sim_clock,
       c.wall, c.user, c.environment, c.text, c.intent, c.args, c.path, c.state, c.ok, c.reply
from commands c join sessions s on s.id = c.session
order by s.started, c.seq
"""

_TIMELINE = """
select e.session, e.branch, e.seq,
       printf('%02d:%02d:%02d', e.t_ms / 3600000, e.t_ms / 60000 % 60, e.t_ms / 1000 % 60)
         as sim_clock,
       e.type, e.data
from events e
order by e.session, e.seq
"""


def _v1(db: Database) -> None:
    db["sessions"].create({
        "id": str, "started": str, "ended": str, "front_end": str, "user": str,
        "scenario": str, "scenario_file": str, "scenario_source": str, "seed": int,
        "devsim_version": str,
        "dry_run": int, "speed": float, "last_t_ms": int, "state": str, "pid": int,
        "host": str,
    }, pk="id", not_null={"started", "front_end", "scenario", "scenario_source", "seed",
                          "state"}, defaults={"last_t_ms": 0, "dry_run": 0, "speed": 1.0})
    db["commands"].create({
        "session": str, "seq": int, "t_ms": int, "wall": str, "user": str, "text": str,
        "intent": str, "args": str, "environment": str, "path": str, "speed": float,
        "paused": int, "state": str, "ok": int, "reply": str,
    }, pk=("session", "seq"), foreign_keys=[("session", "sessions", "id")],
        not_null={"t_ms", "text", "path", "state"})
    db["events"].create({
        "session": str, "seq": int, "t_ms": int, "type": str, "data": str,
    }, pk=("session", "seq"), foreign_keys=[("session", "sessions", "id")],
        not_null={"t_ms", "type", "data"})
    db["alerts"].create({
        "session": str, "alert_id": int, "alert": str, "severity": str, "service": str,
        "env": str, "summary": str, "fired_ms": int, "resolved_ms": int, "silenced": int,
        "inhibited": int,
    }, foreign_keys=[("session", "sessions", "id")])
    db["deployments"].create({
        "session": str, "service": str, "env": str, "version": str, "from_version": str,
        "strategy": str, "started_ms": int, "ended_ms": int, "outcome": str, "steps": int,
        "last_step": str, "reason": str,
    }, foreign_keys=[("session", "sessions", "id")])
    db["faults"].create({
        "session": str, "fault_id": int, "fault": str, "target": str, "env": str,
        "started_ms": int, "ends_ms": int, "ended_ms": int, "outcome": str, "by": str,
        "hidden": int, "affected": str,
    }, foreign_keys=[("session", "sessions", "id")])
    db["metrics"].create({
        "session": str, "minute": int, "component": str, "env": str, "kind": str,
        **_METRIC_COLUMNS,
    }, pk=("session", "minute", "component", "env"),
        foreign_keys=[("session", "sessions", "id")])
    for table, columns in (("alerts", ["session", "alert_id"]),
                           ("deployments", ["session", "service"]),
                           ("faults", ["session", "fault_id"]),
                           ("events", ["session", "type"])):
        db[table].create_index(columns)
    db.create_view("audit", _AUDIT_V1)


def _v2(db: Database) -> None:
    db["branches"].create({
        "session": str, "id": int, "parent": int, "forked_at_ms": int, "forked_by": int,
        "last_t_ms": int, "created": str,
    }, pk=("session", "id"), foreign_keys=[("session", "sessions", "id")],
        defaults={"last_t_ms": 0})
    db.execute("""insert into branches (session, id, parent, forked_at_ms, last_t_ms, created)
                  select id, 0, null, 0, last_t_ms, started from sessions""")
    for table in ("commands", "events", "alerts", "deployments", "faults"):
        db[table].add_column("branch", int, not_null_default=0)
    db["metrics"].add_column("branch", int, not_null_default=0)
    db["metrics"].transform(pk=("session", "branch", "minute", "component", "env"))
    db["sessions"].add_column("branch", int, not_null_default=0)  # the one being recorded
    db.execute("drop view audit")
    db.create_view("audit", _AUDIT_V2)
    db.create_view("timeline", _TIMELINE)


def _v3(db: Database) -> None:
    db["sessions"].add_column("script", str)
    db["sessions"].add_column("script_source", str)


MIGRATIONS: tuple[Migration, ...] = (_v1, _v2, _v3)
SCHEMA_VERSION = len(MIGRATIONS)


def version_of(db: Database) -> int:
    return int(db.execute("pragma user_version").fetchone()[0])


def migrate(db: Database, target: int = SCHEMA_VERSION) -> int:
    """Bring ``db`` up to schema version ``target``; returns the version it was at.

    The caller has checked the file is not newer than this code knows.
    """
    start = version_of(db)
    for version in range(start, target):
        with db.atomic():
            MIGRATIONS[version](db)
            db.execute(f"pragma user_version = {version + 1}")
    return start
