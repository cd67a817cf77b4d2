"""What front ends call to record: the ``--db``/``--no-record`` options and starting a recorder.

    recorder = start_recording(args, sim, "run")        # None with --no-record
    recorder.attach(chat)                               # commands committed before they act
    ...
    recorder.close("finished")

Light to import (every subcommand's options are declared at start-up): SQLite and the
recorder are loaded only when a recording starts.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import StoreError

if TYPE_CHECKING:
    from engine import ScenarioSpec, Simulation

    from .recorder import Recorder

__all__ = ["add_db_argument", "add_recording_arguments", "add_session_arguments",
           "scenario_text", "script_text", "start_recording"]


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", default=None, metavar="PATH",
                        help="the session database (default: $XDG_DATA_HOME/devsim/sessions.db, "
                             "else ~/.local/share/devsim/sessions.db)")


def add_session_arguments(parser: argparse.ArgumentParser) -> None:
    """A recorded session to read (id, unique prefix, or the newest) and where it is kept."""
    parser.add_argument("session", nargs="?", default=None, metavar="SESSION",
                        help="a session id or a unique prefix of one (default: the newest)")
    add_db_argument(parser)


def add_recording_arguments(parser: argparse.ArgumentParser) -> None:
    add_db_argument(parser)
    parser.add_argument("--no-record", action="store_true",
                        help="do not record this session")


def scenario_text(spec: ScenarioSpec) -> str:
    """The text the scenario was read from, kept with the session so replay needs no file."""
    from engine.scenario import ScenarioError, resolve_scenario

    path = Path(spec.source)
    try:
        if not path.is_file():
            path = resolve_scenario(spec.name)
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, ScenarioError) as exc:
        raise StoreError(f"{spec.source or spec.name}: cannot read the scenario again to "
                         f"record it: {exc}") from None


def script_text(script: str) -> str:
    """The text of the script a run follows (a file, or a shipped script's name)."""
    from devsim_tui.script import resolve_script

    try:
        return resolve_script(script).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise StoreError(f"{script}: cannot read the script again to record it: {exc}") from None


def start_recording(args: argparse.Namespace, sim: Simulation, front_end: str, *,
                    threaded: bool = False, dry_run: bool = False, script: str | None = None,
                    **options: Any) -> Recorder | None:
    """A recorder for a new session in ``args.db`` (None when ``args.no_record``).

    Raises:
        StoreError: the database cannot be opened or written.
    """
    if getattr(args, "no_record", False):
        return None
    from .database import open_store
    from .recorder import Recorder, SessionStart
    from .writer import SyncWriter, ThreadedWriter

    db = open_store(getattr(args, "db", None), threaded=threaded)
    writer = ThreadedWriter(db) if threaded else SyncWriter(db)
    start = SessionStart(front_end, scenario_text(sim.spec), dry_run=dry_run, script=script,
                         script_source=script_text(script) if script is not None else None)
    try:
        if threaded:  # batches when the console says (each frame), failures said, not raised
            options = {**options, "flush_events": None, "strict": False}
        return Recorder.start(writer, sim, start, **options)
    except BaseException:
        writer.close()
        raise
