"""``devsim repl``: the ChatOps language at a line prompt, the simulation running behind it.

At a terminal: a prompt_toolkit prompt (``prompt_loop``) with history, completion and a
toolbar, the clock paced against the wall. Piped, or with ``TERM=dumb``: a plain line loop
(``plain``) whose clock moves only with ``advance``. ``NO_COLOR`` turns colour off. Textual
is never imported.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..headless.arguments import non_negative_int, speed_factor

if TYPE_CHECKING:
    from engine import Simulation

    from ..store.recorder import Recorder
    from .core import Repl

__all__ = ["configure", "execute"]

DEFAULT_SPEED = 10.0  # as the console's default


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default="shopfront", metavar="NAME|PATH",
                        help="a built-in scenario name or a scenario file (default: shopfront)")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N",
                        help="random seed (default: the scenario's)")
    parser.add_argument("--speed", type=speed_factor, default=None, metavar="X",
                        help=f"simulated seconds per wall second (default {DEFAULT_SPEED:g}); "
                             "piped input: the clock moves only with 'advance'")
    from ..store.recording import add_recording_arguments

    add_recording_arguments(parser)  # --db PATH, --no-record (see README: sessions)
    from ..interop import add_interop_arguments

    add_interop_arguments(parser)  # --metrics-port, --alertmanager, …


def execute(args: argparse.Namespace) -> int:
    from engine import Simulation, load_scenario

    from ..startup import login_name

    sim = Simulation(load_scenario(args.scenario), seed=args.seed)
    sim.speed = DEFAULT_SPEED if args.speed is None else args.speed
    sim.user = login_name()  # who acknowledges and silences alerts
    color = not os.environ.get("NO_COLOR")
    from ..store.recording import start_recording
    from .plain import is_plain_terminal

    recorder = start_recording(args, sim, "repl", threaded=True)  # StoreError: exit 2
    from ..interop.frontends import attach_repl

    interop, stepped = attach_repl(args, sim, lambda line: print(line, file=sys.stderr))
    try:
        if is_plain_terminal(sys.stdin, sys.stdout, os.environ.get("TERM")):
            return _plain(sim, recorder, stepped)
        return _interactive(sim, color, recorder, stepped)
    finally:
        interop.close()
        stepped()  # the notices closing left (an endpoint found down at the last delivery)


def _recorded(repl: Repl, recorder: Recorder | None) -> None:
    if recorder is not None:
        from ..store.repl_recording import record_repl

        record_repl(repl, recorder)  # every line written down before it acts


def _plain(sim: Simulation, recorder: Recorder | None = None,
           stepped: Callable[..., None] = lambda force=False: None) -> int:
    from prompt_toolkit.output.plain_text import PlainTextOutput

    from ..store.repl_recording import recording
    from .core import Repl
    from .output import Printer
    from .plain import run_plain

    repl = Repl(sim, Printer(PlainTextOutput(sys.stdout), color=False))
    _recorded(repl, recorder)
    # a bare loop, not asyncio.run: its Ctrl-C handler would cancel the loop instead of
    # letting a dumb terminal's Ctrl-C drop the line being typed
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(recording(run_plain(repl, sys.stdin,
                                                                   lambda: stepped(True)),
                                                         recorder))
    finally:
        loop.close()


def _interactive(sim: Simulation, color: bool, recorder: Recorder | None = None,
                 stepped: Callable[..., None] = lambda force=False: None) -> int:
    from prompt_toolkit.output.defaults import create_output

    from ..startup import warm_models
    from ..store.repl_recording import recording
    from .core import Repl
    from .history import open_history
    from .output import Printer
    from .pacer import Pacer
    from .prompt_loop import build_prompt, run_prompt

    output = create_output(sys.stdout)
    repl = Repl(sim, Printer(output, color=color, width=lambda: output.get_size().columns))
    _recorded(repl, recorder)
    history, problem = open_history()
    if problem is not None:
        repl.printer.note(f"devsim repl: {problem}")
    spec = repl.sim.spec
    repl.printer.note(f"{spec.title or spec.name} — type a command: 'help' lists them, Tab "
                      "completes, \\? for the keys, Ctrl-D leaves.")
    session = build_prompt(repl, history, output=output)
    warm_models()  # scikit-learn, off the loop, before the detector first needs it
    pacer = Pacer(repl.sim)
    pacer.stepped.append(stepped)  # the interop attachments, after each slice
    return asyncio.run(recording(run_prompt(repl, session, pacer), recorder))
