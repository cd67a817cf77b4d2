"""Who writes to the session database: the caller itself, or a thread of its own.

A job is a function of the database, run inside one transaction. ``submit`` hands one over
without waiting (headless: it runs at once; threaded: it is queued); ``call`` waits until the
job has committed and returns its result. The threaded writer keeps database writes off the
console's event loop, in order: a ``call`` waits for everything submitted before it.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from .errors import StoreError

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["Job", "SyncWriter", "ThreadedWriter"]

Job = Callable[["Database"], Any]


def _run(db: Database, job: Job) -> Any:
    try:
        with db.atomic():
            return job(db)
    except sqlite3.Error as exc:
        name = db.conn.execute("pragma database_list").fetchone()[2]
        raise StoreError(f"{name}: cannot write the session: {exc}") from None


class SyncWriter:
    """Runs each job at once, in the caller's thread (the headless runner)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.error: StoreError | None = None

    def submit(self, job: Job) -> None:
        self.call(job)

    def call(self, job: Job) -> Any:
        return _run(self.db, job)

    def close(self) -> None:
        self.db.conn.close()


class ThreadedWriter:
    """Runs jobs in a thread that owns the connection; the first failure is kept in ``error``
    and raised by the next ``call`` (jobs after it are dropped)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.error: StoreError | None = None
        self._jobs: queue.SimpleQueue[tuple[Job, Future[Any] | None] | None] = \
            queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="devsim-store", daemon=True)
        self._thread.start()

    def submit(self, job: Job) -> None:
        if self.error is None:
            self._jobs.put((job, None))

    def call(self, job: Job) -> Any:
        if self.error is not None:
            raise self.error
        done: Future[Any] = Future()
        self._jobs.put((job, done))
        return done.result()

    def close(self) -> None:
        """Write what is queued, then close the connection."""
        self._jobs.put(None)
        self._thread.join()
        self.db.conn.close()

    def _loop(self) -> None:
        while (item := self._jobs.get()) is not None:
            job, done = item
            if self.error is not None:
                if done is not None:
                    done.set_exception(self.error)
                continue
            try:
                result = _run(self.db, job)
            except StoreError as exc:
                self.error = exc
                if done is not None:
                    done.set_exception(exc)
                continue
            if done is not None:
                done.set_result(result)
