"""Reading sessions back: the listing, finding one by id or prefix, its commands and branches."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .branches import Branch, BranchBook, linear_history
from .errors import StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["ReplayPlan", "branch_book", "commands_of", "event_count", "events_of",
           "find_session", "list_sessions", "load_plan", "state_of"]

_LISTING = """
select s.id, s.started, s.front_end, s.scenario, s.seed, s.last_t_ms, s.state, s.pid, s.host,
       s.user, s.branch,
       (select count(*) from commands c where c.session = s.id) as commands,
       (select count(*) from branches b where b.session = s.id) as branches
from sessions s
order by s.started desc, s.rowid desc
"""


def state_of(row: dict[str, Any]) -> str:
    """running, finished or stopped. A session still marked running whose process is gone
    (killed, or the machine stopped) is stopped: resume can continue it."""
    if row["state"] != "running":
        return str(row["state"])
    if row.get("host") == socket.gethostname() and row.get("pid"):
        try:
            os.kill(int(row["pid"]), 0)
        except ProcessLookupError:
            return "stopped"
        except PermissionError:
            return "running"
        return "running"
    return "running" if row.get("host") != socket.gethostname() else "stopped"


def list_sessions(db: Database, limit: int | None = None) -> list[dict[str, Any]]:
    """Sessions, newest first, with their command and branch counts and live state."""
    sql = _LISTING + (f" limit {int(limit)}" if limit is not None else "")
    rows = [dict(r) for r in db.execute_returning_dicts(sql)]
    for row in rows:
        row["state"] = state_of(row)
    return rows


def find_session(db: Database, ref: str | None) -> dict[str, Any]:
    """The session whose id is ``ref`` or starts with it; the newest when ``ref`` is None.

    Raises:
        StoreError: none recorded, no match (the newest ids are named) or several.
    """
    if ref is None:
        newest = list_sessions(db, limit=1)
        if not newest:
            raise StoreError("no sessions recorded yet (devsim run and the console record)")
        return _full(db, newest[0]["id"])
    matches = [r[0] for r in db.execute(
        "select id from sessions where id like ? escape '\\' order by started desc",
        (ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",))]
    if len(matches) == 1:
        return _full(db, matches[0])
    if matches:
        raise StoreError(f"session {ref!r} is ambiguous: it begins "
                         f"{', '.join(matches[:5])}{' …' if len(matches) > 5 else ''}")
    newest = [r["id"] for r in list_sessions(db, limit=5)]
    hint = f"; the newest: {', '.join(newest)}" if newest else "; none recorded yet"
    raise StoreError(f"no session {ref!r}{hint} (devsim sessions lists them)")


def _full(db: Database, session_id: str) -> dict[str, Any]:
    row = db.execute_returning_dicts("select * from sessions where id = ?", [session_id])[0]
    return dict(row)


def commands_of(db: Database, session_id: str) -> list[dict[str, Any]]:
    """Every command of the session, in the order given."""
    return [dict(r) for r in db.execute_returning_dicts(
        "select * from commands where session = ? order by seq", [session_id])]


def branch_book(db: Database, session: dict[str, Any]) -> BranchBook:
    rows = db.execute("select id, parent, forked_at_ms, forked_by from branches "
                      "where session = ? order by id", (session["id"],)).fetchall()
    return BranchBook([Branch(*row) for row in rows], current=int(session.get("branch") or 0))


def branch_end(db: Database, session_id: str, branch: int) -> int:
    row = db.execute("select last_t_ms from branches where session = ? and id = ?",
                     (session_id, branch)).fetchone()
    return int(row[0] or 0) if row else 0


def event_count(db: Database, session_id: str) -> int:
    return int(db.execute("select count(*) from events where session = ?",
                          (session_id,)).fetchone()[0])


def events_of(db: Database, session_id: str) -> list[str]:
    """The session's events as the JSON lines ``devsim run --format json`` printed."""
    return [r[0] for r in db.execute("select data from events where session = ? order by seq",
                                     (session_id,))]


@dataclass(frozen=True, slots=True)
class ReplayPlan:
    """What a replay needs: the session row, the commands to give again, where to stop."""

    session: dict[str, Any]
    commands: list[dict[str, Any]]
    until_ms: int
    book: BranchBook


def load_plan(db: Database, ref: str | None, branch: int | None = None) -> ReplayPlan:
    """The whole session (every command in order, rewinds included, to the time it reached),
    or one branch's linear history to that branch's last time.

    Raises:
        StoreError: no such session or branch.
    """
    session = find_session(db, ref)
    commands = commands_of(db, session["id"])
    book = branch_book(db, session)
    if branch is None:
        return ReplayPlan(session, commands, int(session["last_t_ms"] or 0), book)
    try:
        history = linear_history(book, branch, commands)
    except KeyError as exc:
        raise StoreError(f"session {session['id']}: {exc.args[0]}") from None
    return ReplayPlan(session, history, branch_end(db, session["id"], branch), book)
