"""What the session store's tests share: running the CLI in-process, reading the file, and
one recorded scripted run of shopfront."""

from __future__ import annotations

import contextlib
import io
import sqlite3
from pathlib import Path

import pytest

from devsim_tui.cli import main

SCRIPT = """\
wait 1m
status checkout
scale checkout to four
deploy checkout 2.4.0 as a canary
deploy checkout 2.5.0
scale cart to 2 in staging
wait 2m
kill two pods of payments
should I roll back checkout?
advance 2m
fail over orders-db
at 00:12:00
"""
ROOT = Path(__file__).parents[2]
SHOPFRONT = ROOT / "scenarios" / "shopfront.yaml"


def devsim(*args: str) -> tuple[int, str, str]:
    """``devsim ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def rows(db_path: Path, sql: str, *params: object) -> list[dict]:
    """What another process reading the file sees."""
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


def copy_of(db: Path, to: Path) -> Path:
    with sqlite3.connect(db) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


@pytest.fixture(scope="session")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    """One scripted run of shopfront: the database, its JSON lines and the session id."""
    where = tmp_path_factory.mktemp("store")
    (where / "drill.txt").write_text(SCRIPT)
    db = where / "sessions.db"
    code, out, err = devsim("run", "--scenario", "shopfront", "--script",
                            str(where / "drill.txt"), "--db", str(db), "--format", "json")
    assert code == 0, err
    (session,) = rows(db, "select id from sessions")
    return db, out.splitlines(), session["id"]
