"""The recorder: one object that writes a running simulation and its conversation to the store.

It is the ``ChatSession``'s journal — a command is committed (state ``pending``) before it is
applied, and its outcome is written with the next batch — and a subscriber of the event bus:
events are kept in memory and written in batches (``checkpoint``: one transaction holding the
events, the alert/deployment/fault rows they imply, the metrics of the minutes completed, the
outcomes of the commands since, and the session's last simulated time). Headless, a batch is
also written every ``flush_events`` events (``FLUSH_EVENTS`` unless told). A ``rewind``
event starts a new branch.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from engine import Event

from .branches import Branch, BranchBook
from .derive import derive
from .errors import StoreError
from .minutes import COLUMNS, MinuteSampler

if TYPE_CHECKING:
    from sqlite_utils import Database

    from engine import Simulation
    from engine.commands import Command, Reply

    from .writer import SyncWriter, ThreadedWriter

__all__ = ["FLUSH_EVENTS", "Recorder", "SessionStart", "wall_now"]

FLUSH_EVENTS = 512
QUIET_WRITE_S = 1.0  # when only the clock moved, the session's time is written this often
STATES = {"apply": "applied", "reject": "rejected", "refuse": "refused", "cancel": "cancelled"}
_METRICS_SQL = (f"insert or replace into metrics (session, branch, {', '.join(COLUMNS)}) "
                f"values ({', '.join('?' * (len(COLUMNS) + 2))})")


def wall_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("devsim")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class SessionStart:
    """What a new session row says about how it began."""

    front_end: str  # run, tui, repl …
    source: str  # the scenario file's text: replay does not need the file
    dry_run: bool = False
    script: str | None = None  # the script a run followed, as named, and its text
    script_source: str | None = None


@dataclass(slots=True)
class _Batch:
    events: list[tuple[int, int, Event]]  # (branch, seq, event)
    forks: list[tuple[Branch, int]]  # (new branch, where its parent was left, ms)
    outcomes: list[tuple[str, int, str | None, int]]  # (state, ok, reply, seq)
    metrics: list[tuple[Any, ...]]
    now: int
    branch: int
    speed: float


class Recorder:
    """Records one simulation (and, once ``attach``-ed, its chat) into one session."""

    def __init__(self, writer: SyncWriter | ThreadedWriter, session_id: str, sim: Simulation,
                 book: BranchBook | None = None, *, next_seq: int = 0, next_event: int = 0,
                 skip_events: int = 0, flush_events: int | None = FLUSH_EVENTS,
                 strict: bool = True) -> None:
        self.writer = writer
        self.id = session_id
        self.sim = sim
        self.book = book or BranchBook()
        self.flush_events = flush_events  # a batch every so many events (None: on call)
        self.strict = strict  # a store failure raises; otherwise recording stops, said once
        self.enabled = True
        self.on_error: Callable[[str], None] | None = None
        self.committed: list[Callable[[], None]] = []  # after each batch is handed over
        self._seq, self._event_seq, self._skip = next_seq, next_event, skip_events
        self._events: list[tuple[int, int, Event]] = []
        self._forks: list[tuple[Branch, int]] = []
        self._outcomes: list[tuple[str, int, str | None, int]] = []
        self._paths: dict[int, str] = {}
        self._applying: int | None = None
        self._written_at = time.monotonic()
        self.sampler = MinuteSampler(sim, sim.now)
        self._unsubscribe = sim.bus.subscribe(self._on_event)

    # -- starting ----------------------------------------------------------------------------
    @classmethod
    def start(cls, writer: SyncWriter | ThreadedWriter, sim: Simulation, start: SessionStart,
              **options: Any) -> Recorder:
        """A new session row (and its root branch), committed before anything runs."""
        session_id = secrets.token_hex(6)
        started = wall_now()

        def create(db: Database) -> None:
            db.conn.execute(
                "insert into sessions (id, started, front_end, user, scenario, scenario_file, "
                "scenario_source, seed, devsim_version, dry_run, speed, last_t_ms, state, pid, "
                "host, branch, script, script_source) "
                "values (?,?,?,?,?,?,?,?,?,?,?,?,'running',?,?,0,?,?)",
                (session_id, started, start.front_end, sim.user, sim.spec.name,
                 sim.spec.source, start.source, sim.seed, _version(), int(start.dry_run),
                 sim.speed, sim.now, os.getpid(), socket.gethostname(), start.script,
                 start.script_source))
            db.conn.execute("insert into branches (session, id, parent, forked_at_ms, "
                            "last_t_ms, created) values (?, 0, null, 0, ?, ?)",
                            (session_id, sim.now, started))

        writer.call(create)
        return cls(writer, session_id, sim, **options)

    def attach(self, chat: Any) -> None:
        """Write ``chat``'s commands down before they act."""
        chat.journal = self

    # -- the journal -------------------------------------------------------------------------
    def before(self, text: str, command: Command | None, env: str | None, path: str) -> int | None:
        args = json.dumps(command.args(), default=_plain) if command is not None else None
        return self._record(text, command.intent if command is not None else None, args, env,
                            path, "pending")

    def expect(self, expectation: Any) -> None:
        """A script's ``expect`` line, reached: kept with the commands, so a replay hands it
        to a judge again (its decision is an ``expect.*`` event)."""
        self._record(expectation.text, "expect", json.dumps(asdict(expectation)), None,
                     "expect", "applied")

    def _record(self, text: str, intent: str | None, args: str | None, env: str | None,
                path: str, state: str) -> int | None:
        if not self.enabled:
            return None
        seq, self._seq = self._seq, self._seq + 1
        sim = self.sim
        row = (self.id, self.book.current, seq, sim.now, wall_now(), sim.user, text, intent,
               args, env, path, sim.speed, int(sim.paused), state)
        batch = self._take()

        def write(db: Database) -> None:
            self._write(db, batch)
            db.conn.execute("insert into commands (session, branch, seq, t_ms, wall, user, "
                            "text, intent, args, environment, path, speed, paused, state) "
                            "values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", row)

        if not self._commit(write, wait=True):
            return None
        self._paths[seq] = path
        if path == "apply":
            self._applying = seq
        return seq

    def after(self, token: object, reply: Reply | None) -> None:
        if not isinstance(token, int) or not self.enabled:
            return
        self._applying = None
        path = self._paths.pop(token, "apply")
        self._outcomes.append((STATES[path], int(reply.ok) if reply is not None else 0,
                               reply.message if reply is not None else None, token))

    def settle(self, seq: int, path: str, reply: Reply | None) -> None:
        """The outcome of a command left ``pending`` (a replay applied it again)."""
        self._paths[seq] = path
        self.after(seq, reply)

    def reopen(self) -> None:
        """A stopped session continues (resume): running again, in this process."""
        batch = self._take()

        def reopen(db: Database) -> None:
            self._write(db, batch)
            db.conn.execute("update sessions set state = 'running', ended = null, pid = ?, "
                            "host = ? where id = ?", (os.getpid(), socket.gethostname(), self.id))

        self._commit(reopen, wait=True)

    # -- events ------------------------------------------------------------------------------
    def _on_event(self, event: Event) -> None:
        seq, self._event_seq = self._event_seq, self._event_seq + 1
        if seq < self._skip:  # already on record (a resumed session's replay)
            return
        if event.type == "rewind":
            left = round(float(event.data.get("from", self.sim.now / 1000)) * 1000)
            branch = self.book.fork(round(float(event.data["to"]) * 1000), self._applying)
            self._forks.append((branch, left))
            self.sampler.restart_at(branch.forked_at_ms)
        self._events.append((self.book.current, seq, event))
        if self.flush_events is not None and len(self._events) >= self.flush_events:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Hand over a batch: the events, outcomes and minutes since the last one. With
        nothing new but the clock, at most one a second (the console calls this every frame)."""
        if not self.enabled:
            return
        if self.writer.error is not None:
            self._fail(self.writer.error)
            return
        quiet = not (self._events or self._forks or self._outcomes)
        if quiet and time.monotonic() - self._written_at < QUIET_WRITE_S:
            return
        batch = self._take()
        self._commit(lambda db: self._write(db, batch), wait=False)

    def close(self, state: str = "stopped") -> None:
        """Write what is left, mark the session ``finished`` or ``stopped``, close the file."""
        if self.enabled:
            batch = self._take()

            def finish(db: Database) -> None:
                self._write(db, batch)
                db.conn.execute("update sessions set state = ?, ended = ?, pid = null "
                                "where id = ?", (state, wall_now(), self.id))

            self._commit(finish, wait=True)
        self._stop()
        self.writer.close()

    # -- writing -----------------------------------------------------------------------------
    def _take(self) -> _Batch:
        self._written_at = time.monotonic()
        batch = _Batch(self._events, self._forks, self._outcomes, self.sampler.rows(),
                       self.sim.now, self.book.current, self.sim.speed)
        self._events, self._forks, self._outcomes = [], [], []
        return batch

    def _write(self, db: Database, batch: _Batch) -> None:
        sid, conn = self.id, db.conn
        rows = []
        for branch, seq, event in batch.events:
            data = event.to_dict()
            rows.append((sid, branch, seq, event.t, event.type,
                         json.dumps(data, separators=(",", ":"), allow_nan=False)))
            derive(db, sid, branch, event.t, data)
        conn.executemany("insert into events (session, branch, seq, t_ms, type, data) "
                         "values (?,?,?,?,?,?)", rows)
        for branch, left in batch.forks:
            conn.execute("update branches set last_t_ms = ? where session = ? and id = ?",
                         (left, sid, branch.parent))
            conn.execute("insert into branches (session, id, parent, forked_at_ms, forked_by, "
                         "last_t_ms, created) values (?,?,?,?,?,?,?)",
                         (sid, branch.id, branch.parent, branch.forked_at_ms, branch.forked_by,
                          branch.forked_at_ms, wall_now()))
        conn.executemany(_METRICS_SQL, [(sid, batch.branch, *row) for row in batch.metrics])
        conn.executemany("update commands set state = ?, ok = ?, reply = ? "
                         "where session = ? and seq = ?",
                         [(state, ok, reply, sid, seq) for state, ok, reply, seq in batch.outcomes])
        conn.execute("update sessions set last_t_ms = ?, branch = ?, speed = ? where id = ?",
                     (batch.now, batch.branch, batch.speed, sid))
        conn.execute("update branches set last_t_ms = ? where session = ? and id = ?",
                     (batch.now, sid, batch.branch))

    def _commit(self, job: Callable[[Database], None], *, wait: bool) -> bool:
        try:
            if wait:
                self.writer.call(job)
            else:
                self.writer.submit(job)
        except StoreError as exc:
            if self.strict:
                raise
            self._fail(exc)
            return False
        for listener in self.committed:
            listener()
        return True

    def _fail(self, exc: StoreError) -> None:
        self._stop()
        if self.on_error is not None:
            self.on_error(f"recording stopped: {exc}")

    def _stop(self) -> None:
        if self.enabled:
            self.enabled = False
            self._unsubscribe()


def _plain(value: object) -> object:
    """Arguments JSON can hold: a nested command (``plan``) as its ``{"intent", "args"}``."""
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else str(value)
