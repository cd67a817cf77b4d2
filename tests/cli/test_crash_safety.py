"""Killing ``devsim run`` at any moment loses nothing it had reported.

Each case runs a generated script of many commands as a subprocess, reads a seeded random
number of its JSON lines and sends SIGKILL, five times into one database (four cases: twenty
kills). Then: the database passes ``integrity_check``; every ``command`` event the process had
printed is in the commands table; ``devsim replay`` of the killed session prints a stream that
begins with exactly what was printed.
"""

from __future__ import annotations

import contextlib
import io
import json
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from devsim_tui.cli import main

KILLS_PER_CASE = 5
COMMANDS = (
    "status checkout", "scale cart to {n}", "scale web to {n}", "restart search",
    "kill one pod of catalog", "add 200ms of latency to search for 1 minute", "chaos list",
    "backup users-db", "status orders-db", "speed {n}x", "alerts", "advance 10s",
    "scale checkout to {n}", "flush the sessions cache", "history checkout",
)


def script(rng: random.Random, commands: int = 60) -> str:
    """Commands every few seconds: many commits, with events in between."""
    lines = []
    for _ in range(commands):
        lines.append(f"wait {rng.choice((2, 3, 5))}s")
        lines.append(rng.choice(COMMANDS).format(n=rng.randint(2, 5)))
    return "\n".join(lines) + "\n"


def killed_run(db: Path, script_path: Path, lines_before_kill: int) -> list[str]:
    """Start the run, read that many lines, SIGKILL it; every complete line it printed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "devsim_tui", "run", "--scenario", "shopfront", "--script",
         str(script_path), "--db", str(db), "--format", "json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    printed = []
    for _ in range(lines_before_kill):
        line = proc.stdout.readline()
        if not line:
            break
        printed.append(line)
    proc.send_signal(signal.SIGKILL)
    printed.extend(proc.stdout.readlines())  # what was in the pipe when it died
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the run ended before it was killed"
    return [line.rstrip("\n") for line in printed if line.endswith("\n")]


def replayed(db: Path, session: str) -> list[str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert main(["replay", session, "--db", str(db), "--format", "json"]) in (0, 1)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("case", range(4))
def test_sigkill_at_random_moments_loses_nothing_reported(tmp_path: Path, case: int) -> None:
    rng = random.Random(1000 + case)
    script_path = tmp_path / "many.txt"
    script_path.write_text(script(rng))
    db = tmp_path / "sessions.db"
    for kill in range(KILLS_PER_CASE):
        printed = killed_run(db, script_path, rng.randrange(0, 50))
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
            (session,) = conn.execute("select id from sessions order by rowid desc "
                                      "limit 1").fetchone()
            recorded = conn.execute("select t_ms, text from commands where session = ? "
                                    "order by seq", (session,)).fetchall()
            sessions = conn.execute("select count(*) from sessions").fetchone()[0]
        finally:
            conn.close()
        assert sessions == kill + 1
        said = [json.loads(line) for line in printed if '"type":"command"' in line]
        assert [(round(e["t"] * 1000), e["text"]) for e in said] == recorded[:len(said)], kill
        again = replayed(db, session)
        assert again[:len(printed)] == printed, (kill, len(printed))
        assert json.loads(again[-1])["type"] == "summary"
