"""Opening the session database: where it lives, checking the file, WAL mode, migrations.

Every problem is a ``StoreError`` whose message is one line naming the file: a directory, a
file that is not SQLite, a database newer than this devsim, one that cannot be written.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .errors import StoreError
from .schema import SCHEMA_VERSION, migrate, version_of

__all__ = ["StoreError", "default_path", "open_store"]

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_S = 10.0  # another devsim writing to the same file waits this long at most


def default_path() -> Path:
    """``$XDG_DATA_HOME/devsim/sessions.db``, else ``~/.local/share/devsim/sessions.db``."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "devsim" / "sessions.db"


def open_store(path: str | Path | None = None, *, create: bool = True,
               threaded: bool = False) -> Database:
    """Open (creating it, with ``create``) and migrate the session database.

    Args:
        path: the file; the default location when None (its directory is created).
        create: make the file when it does not exist; otherwise that is an error.
        threaded: the connection will be handed to a writer thread.

    Raises:
        StoreError: the path or the file is unusable (see the module docstring).
    """
    chosen = Path(path) if path is not None else default_path()
    _check_path(chosen, create=create, make_parent=path is None)
    try:
        conn = sqlite3.connect(str(chosen), timeout=BUSY_TIMEOUT_S,
                               check_same_thread=not threaded)
    except sqlite3.Error as exc:
        raise StoreError(f"{chosen}: cannot open the session database: {exc}") from None
    try:
        db = Database(conn, execute_plugins=False)
        _prepare(db, chosen)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"{chosen}: {_reason(exc)}") from None
    except StoreError:
        conn.close()
        raise
    return db


def _check_path(path: Path, *, create: bool, make_parent: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a session database")
    if not path.exists():
        if not create:
            raise StoreError(f"{path}: no session database here (devsim run and the console "
                             "record to it; --db chooses another file)")
        parent = path.parent
        if make_parent:
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"{parent}: cannot create the directory for the session "
                                 f"database: {exc.strerror or exc}") from None
        if not parent.is_dir():
            raise StoreError(f"{path}: the directory {parent} does not exist")
        if not os.access(parent, os.W_OK | os.X_OK):
            raise StoreError(f"{path}: cannot create the session database: the directory "
                             f"{parent} is not writable")
        return
    try:
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the session database: "
                         f"{exc.strerror or exc}") from None
    if head and head != SQLITE_MAGIC:
        raise StoreError(f"{path}: not a SQLite database (a session database is one; "
                         "--db chooses another file)")
    if not os.access(path, os.W_OK):
        raise StoreError(f"{path}: the session database is not writable")


def _prepare(db: Database, path: Path) -> None:
    version = version_of(db)
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path}: session database schema version {version} is newer than "
                         f"this devsim knows ({SCHEMA_VERSION}); upgrade devsim to open it")
    tables = set(db.table_names())
    if version == 0 and tables:
        raise StoreError(f"{path}: a SQLite database, but not a devsim session database "
                         f"(it has tables: {', '.join(sorted(tables)[:5])})")
    db.execute("pragma journal_mode = wal")
    db.execute("pragma synchronous = normal")  # with WAL: a commit survives a killed process
    db.execute("pragma foreign_keys = on")
    if version < SCHEMA_VERSION:
        migrate(db)


def _reason(exc: sqlite3.DatabaseError) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "the session database is not writable"
    if "file is not a database" in text:
        return "not a SQLite database (a session database is one; --db chooses another file)"
    if "locked" in text:
        return "the session database is locked by another program; try again"
    return f"session database error: {text}"
