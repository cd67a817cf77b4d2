"""``devsim run``: a scenario headless, as fast as the CPU allows (or paced with ``--speed``).

``--format json`` writes the event stream (see the README) as JSON Lines, the summary last;
``--format text`` writes one readable line per event and closing tables. A progress bar goes
to stderr when stderr is a terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from .arguments import duration_ms, non_negative_int, speed_factor

__all__ = ["configure", "execute"]

CHUNK_TICKS = 600
DEFAULT_DURATION_MS = 3_600_000


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", default=None, metavar="NAME|PATH",
                        help="a built-in scenario name or a scenario file (default: the one "
                             "the script names on its first line, else shopfront)")
    parser.add_argument("--duration", type=duration_ms, default=None, metavar="D",
                        help="simulated time to run: 90s, 5m, 1h30m, 2h or hh:mm:ss (default 1h, "
                             "or the end of the script)")
    parser.add_argument("--script", default=None, metavar="FILE",
                        help="commands to run on a timeline (see README: script files)")
    parser.add_argument("--seed", type=non_negative_int, default=None, metavar="N",
                        help="random seed (default: the scenario's)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for JSON Lines (one event per line)")
    parser.add_argument("--dry-run", action="store_true",
                        help="with --script: show what each command that changes something "
                             "would do, and do none of it")
    parser.add_argument("--speed", type=speed_factor, default=None, metavar="X",
                        help="pace the run at X simulated seconds per wall second")
    from devsim_tui.store.recording import add_recording_arguments

    add_recording_arguments(parser)  # --db PATH, --no-record
    from devsim_tui.interop import add_interop_arguments

    add_interop_arguments(parser)  # --metrics-port, --alertmanager, … (paced runs only)


def execute(args: argparse.Namespace) -> int:
    from engine import Simulation, load_scenario

    if args.dry_run and args.script is None:
        print("devsim run: error: --dry-run plans a script's commands; give one with --script",
              file=sys.stderr)
        return 2
    script = None
    if args.script is not None:
        from devsim_tui.script import ScriptError, declared_scenario, load_script

        args.scenario = args.scenario or declared_scenario(args.script)
    spec = load_scenario(args.scenario or "shopfront")
    if args.script is not None:

        try:
            script = load_script(args.script, spec, args.duration)
        except ScriptError as exc:
            print(str(exc), file=sys.stderr)
            return 2
    duration = args.duration or (script.end_ms if script else DEFAULT_DURATION_MS)
    from devsim_tui.interop import InteropError, start_interop
    from devsim_tui.interop.wiring import requested

    if args.speed is None and requested(args):
        print(f"devsim run: error: {requested(args)[0]} serves a live run: pace it with "
              "--speed X", file=sys.stderr)
        return 2
    sim = Simulation(spec, seed=args.seed)
    try:
        interop = start_interop(args, sim)  # a port in use, a bad URL: exit 2
    except InteropError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    try:
        return _execute(args, sim, script, duration, interop)
    finally:
        interop.close()


def _execute(args: argparse.Namespace, sim: Any, script: Any, duration: int,
             interop: Any) -> int:
    sim.checkpoints.plan(script.rewinds_to if script else ())  # only where rewinds go back to
    out = sys.stdout
    from devsim_tui.store.run_recording import RunRecording

    recording = RunRecording.start(args, sim)  # recorded unless --no-record (StoreError: exit 2)
    out = recording.gate(out)  # a line goes out once the session store holds it
    stepped = recording.checkpoint  # the store writes a batch after each chunk of time
    sink = _LineSink(out)
    if args.format == "json":
        sim.bus.subscribe(lambda event: _write_json(out, event.to_dict()))
    else:
        from .event_text import format_event

        sim.bus.subscribe(lambda event: sink.write(format_event(event)))
    if script is not None:
        from devsim_tui.chatops.session import ChatSession

        session = ChatSession(sim, dry_run=args.dry_run, journal=recording.journal)
        from devsim_tui.expectations import Judge  # expect lines: decided as the run goes

        judge = Judge(sim, dry_run=args.dry_run)
        for step in script.steps:
            judge.advance(step.at_ms, lambda t: _advance(sim, t, args.speed, sink, stepped,
                                                       interop.stepped))
            if step.expect is not None:
                recording.expect(step.expect)  # kept with the commands, for replay
                judge.activate(step.expect)
            elif step.text:
                session.submit(step.text)
                judge.check()  # (a command such as `advance` moves the clock itself)
        judge.advance(duration, lambda t: _advance(sim, t, args.speed, sink, stepped,
                                                       interop.stepped))
        judge.finish()
    _advance(sim, duration, args.speed, sink, stepped, interop.stepped)
    recording.finish()
    summary = sim.summary()
    if script is not None:
        summary["expectations"] = judge.report()
    if args.format == "json":
        _write_json(out, {"t": sim.now / 1000, "type": "summary", **summary})
    else:
        from .summary_table import print_summary

        print_summary(summary, sim.snapshot(), out)
    out.flush()
    return 1 if script is not None and judge.failed else 0  # 1: an expectation failed


def _write_json(out: TextIO, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n")


class _LineSink:
    """Where text event lines go: the output stream, or the live display's console while a
    progress bar shares the terminal with them (so neither garbles the other)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.console: Any = None

    def write(self, line: str) -> None:
        if self.console is not None:
            self.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.out)


def _advance(sim: Any, duration: int, speed: float | None, sink: _LineSink,
             stepped: Callable[[], None] = lambda: None,
             each_tick: Callable[[], None] = lambda: None) -> None:
    """Step to ``duration``: in chunks (``stepped`` after each), with a progress bar on a
    terminal, or paced against the wall clock (``each_tick`` after every tick: the interop
    attachments' hook)."""
    if speed is not None:
        from .pacing import run_paced

        run_paced(sim, duration, speed, each_tick)
        return
    chunk = CHUNK_TICKS * sim.spec.tick
    if sim.now >= duration:
        return
    if not sys.stderr.isatty() or duration - sim.now <= chunk:  # (no bar for a short step)
        while sim.now < duration:
            sim.run_until(min(sim.now + chunk, duration))
            stepped()
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from engine import format_clock

    shared = sink.out.isatty()  # lines and bar on one terminal: print lines through the bar
    console = Console(file=sink.out) if shared else Console(stderr=True)
    columns = (TextColumn("[bold]{task.description}"), BarColumn(),
               TextColumn("{task.fields[clock]}"), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        sink.console = progress.console if shared else None
        task = progress.add_task(sim.spec.name, total=duration, clock="00:00:00")
        while sim.now < duration:
            sim.run_until(min(sim.now + chunk, duration))
            stepped()
            progress.update(task, completed=sim.now, clock=format_clock(sim.now))
    sink.console = None
