"""``devsim sessions``: the recorded sessions, newest first.

Each row: id, started (local time), front end, scenario, seed, the simulated time reached,
commands, branches and state (running, finished, stopped). ``--json`` prints the same as one
JSON array (times as ISO 8601 and simulated seconds), a stable format.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from typing import Any

from .arguments import non_negative_int

__all__ = ["configure", "execute"]

HEADERS = ("id", "started", "front end", "scenario", "seed", "reached", "commands", "branches",
           "state")


def configure(parser: argparse.ArgumentParser) -> None:
    from devsim_tui.store.recording import add_db_argument

    add_db_argument(parser)
    parser.add_argument("--json", action="store_true", help="answer in JSON")
    parser.add_argument("--limit", type=non_negative_int, default=None, metavar="N",
                        help="only the newest N sessions")


def execute(args: argparse.Namespace) -> int:
    from devsim_tui.store.database import default_path, open_store
    from devsim_tui.store.queries import list_sessions

    if args.db is None and not default_path().exists():
        rows: list[dict[str, Any]] = []  # nothing recorded on this machine yet
    else:
        db = open_store(args.db, create=False)
        try:
            rows = list_sessions(db, args.limit)
        finally:
            db.conn.close()
    if args.json:
        print(json.dumps([_public(row) for row in rows], indent=1))
    elif not rows:
        print("no sessions recorded yet (devsim run and the console record them)")
    else:
        _table(rows, sys.stdout)
    return 0


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "started": row["started"], "front_end": row["front_end"],
            "scenario": row["scenario"], "seed": row["seed"], "user": row["user"],
            "reached_s": (row["last_t_ms"] or 0) / 1000, "commands": row["commands"],
            "branches": row["branches"], "state": row["state"]}


def _table(rows: list[dict[str, Any]], out: Any) -> None:
    from engine import format_clock

    cells = [HEADERS] + [(
        row["id"], _local(row["started"]), row["front_end"], row["scenario"], str(row["seed"]),
        format_clock(row["last_t_ms"] or 0), str(row["commands"]), str(row["branches"]),
        row["state"]) for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADERS))]
    numeric = {4, 6, 7}
    for line in cells:
        print("  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                        for i, (cell, w) in enumerate(zip(line, widths, strict=True))).rstrip(),
              file=out)


def _local(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M:%S")
    except ValueError:
        return iso
