"""``devsim resume [SESSION]``: continue a recorded session in the console, where it stopped.

The world is rebuilt by replaying the session quietly (headless, as fast as it computes), then
the console opens on it and goes on recording into the same session. Textual is imported only
once the world is ready.
"""

from __future__ import annotations

import argparse
import sys

from .headless.arguments import speed_factor

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    from .store.recording import add_session_arguments

    add_session_arguments(parser)
    parser.add_argument("--speed", type=speed_factor, default=None, metavar="X",
                        help="simulated seconds per second (default: the session's last speed)")
    parser.add_argument("--paused", action="store_true", help="open with the clock stopped")


def execute(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        for line in str(exc).splitlines():
            print(f"devsim: {line}", file=sys.stderr)
        return 2
    from engine import format_clock

    from .store.resume import resume_session

    resumed = resume_session(args.db, args.session)  # StoreError: one line, exit 2
    sim = resumed.sim
    from .app import DevsimApp
    from .console_command import run_until_stopped
    from .startup import login_name
    from .store.console_recording import record_console

    sim.speed = args.speed if args.speed is not None else float(
        resumed.session.get("speed") or config.speed)
    sim.user = login_name()
    sim.paused = args.paused
    app = DevsimApp(sim, config)
    app.session.context, app.session.env = resumed.chat.context, resumed.chat.env
    app.session.dry_run = resumed.chat.dry_run
    if resumed.chat.env is not None:
        app.env = app.bridge.env = resumed.chat.env
    record_console(app, resumed.recorder)
    said = [f"resumed session {resumed.session['id']} at {format_clock(sim.now)}; "
            "recording continues"]

    def greet() -> None:  # on the first frame, once the screen is up
        if said:
            _show_history(app, resumed.history, said[0])
        while said:
            app.notify(said.pop(), timeout=8)

    app.bridge.stepped.append(greet)
    try:
        run_until_stopped(app)
    finally:
        resumed.recorder.close("stopped")
    return 0


def _show_history(app: object, history: list[dict], note: str) -> None:
    """The conversation so far, in the chat: what was typed and what it answered."""
    from .widgets.chat_log import ChatLog

    chat = app.query_one(ChatLog)  # type: ignore[attr-defined]
    for row in history:
        chat.said(int(row["t_ms"]), str(row["text"]))
        if row.get("reply"):
            chat.replied(bool(row.get("ok")), str(row["reply"]))
    chat.note(note)
