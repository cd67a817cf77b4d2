"""Continuing a recorded session: its world rebuilt by a quiet replay, then recorded onwards.

The replay gives every recorded command again, to the time the session reached. A recorder on
the same session watches it: events the store already holds are counted, not written again,
and any the stopped process never wrote (it was killed between batches) are written now; a
command left ``pending`` gets the outcome the replay gave it. Then the session is marked
running again and what follows is recorded after what was there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devsim_tui.chatops.session import ChatSession, Outcome
from engine import Simulation

from .database import open_store
from .errors import StoreError
from .queries import event_count, load_plan, state_of
from .recorder import FLUSH_EVENTS, Recorder
from .replay import Replay
from .writer import SyncWriter, ThreadedWriter

__all__ = ["Resumed", "resume_session"]


@dataclass(frozen=True, slots=True)
class Resumed:
    session: dict[str, Any]
    sim: Simulation
    chat: ChatSession  # the replayed conversation (its context: "roll it back" still works)
    recorder: Recorder
    history: list[dict[str, Any]]  # the commands given so far, in order (what the chat shows)


def resume_session(path: str | Path | None, ref: str | None, *,
                   threaded: bool = True) -> Resumed:
    """Rebuild session ``ref`` (id, prefix, or None for the newest) from ``path``.

    Raises:
        StoreError: no such session, or it is still being recorded by a live process.
    """
    db = open_store(path, create=False, threaded=threaded)
    try:
        plan = load_plan(db, ref)
        session = plan.session
        if state_of(session) == "running":
            raise StoreError(f"session {session['id']} is still being recorded (process "
                             f"{session['pid']} on {session['host']}); resume it once that "
                             "has stopped")
        stored = event_count(db, session["id"])
        next_seq = 1 + max((row["seq"] for row in plan.commands), default=-1)
        minute = db.execute("select max(minute) from metrics where session = ? and branch = ?",
                            (session["id"], plan.book.current)).fetchone()[0]
    except BaseException:
        db.conn.close()
        raise
    writer = ThreadedWriter(db) if threaded else SyncWriter(db)
    replay = Replay(session)
    recorder = Recorder(writer, session["id"], replay.sim, plan.book, next_seq=next_seq,
                        skip_events=stored, strict=not threaded,
                        flush_events=None if threaded else FLUSH_EVENTS)
    recorder.sampler.next_minute = -1 if minute is None else int(minute) + 1

    def settle(row: dict[str, Any], outcome: Outcome | None) -> None:
        if row["state"] == "pending":
            recorder.settle(row["seq"], row["path"], outcome.reply if outcome else None)

    replay.run(plan.commands, plan.until_ms, on_command=settle)
    recorder.reopen()
    return Resumed(session, replay.sim, replay.chat, recorder, list(plan.commands))
