"""``devsim`` / ``devsim tui``: the console. Textual is imported only here, when it is asked for."""

from __future__ import annotations

import argparse
import signal
import sys
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from .headless.arguments import non_negative_int, speed_factor

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default=None, metavar="NAME|PATH",
                        help="built-in scenario or file (default: from the config, else shopfront)")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N",
                        help="random seed (default: the scenario's)")
    parser.add_argument("--speed", type=speed_factor, default=None, metavar="X",
                        help="simulated seconds per second (default: from the config, else 10)")
    parser.add_argument("--paused", action="store_true", help="start with the clock stopped")
    from .store.recording import add_recording_arguments

    add_recording_arguments(parser)  # --db PATH, --no-record
    from .interop import add_interop_arguments

    add_interop_arguments(parser)  # --metrics-port, --alertmanager, …


def execute(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_config

    try:
        config = load_config()
    except ConfigError as exc:
        for line in str(exc).splitlines():  # one problem a line, each named
            print(f"devsim: {line}", file=sys.stderr)
        return 2
    from engine import load_scenario

    scenario = args.scenario or config.scenario
    load_scenario(scenario)  # a bad scenario is reported before the screen is taken over
    from .app import make_app

    app = make_app(scenario, seed=args.seed, speed=args.speed, paused=args.paused,
                   config=config)
    from .store.console_recording import record_console
    from .store.recording import start_recording

    recorder = start_recording(args, app.sim, "tui", threaded=True)  # StoreError: exit 2
    if recorder is not None:
        record_console(app, recorder)
    from .interop.frontends import attach_console

    interop = attach_console(args, app)  # problems are toasts; the console keeps running
    try:
        run_until_stopped(app)
    finally:
        interop.close()
        if recorder is not None:
            recorder.close("stopped")
    return 0


def run_until_stopped(app: App[Any]) -> None:
    """Run the app so that SIGTERM asks it to exit, as Ctrl+Q does.

    Why: Textual's terminal driver leaves SIGTERM at its default, which kills the console
    mid-frame with the terminal still in raw mode on the alternate screen. (Its web driver,
    under ``devsim serve``, installs the same request when it starts, replacing this one.)
    Before the loop runs (imports, loading the scenario) SIGTERM keeps its default: nothing
    has been taken over yet, so ending at once is the clean exit.
    """
    import asyncio

    with asyncio.Runner() as runner:
        loop = runner.get_loop()
        with suppress(NotImplementedError):  # Windows: no loop signal handlers
            loop.add_signal_handler(signal.SIGTERM, app.exit)
        app.run(loop=loop)
