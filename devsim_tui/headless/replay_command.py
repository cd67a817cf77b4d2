"""``devsim replay``: re-run a recorded session from its recorded commands.

The scenario text and seed kept with the session rebuild its world; each command is given
again at the simulated time it was given, the way it went the first time (refused ones
included), up to the time the session reached. The output is what ``devsim run`` prints:
the same event stream as the original, then the summary. ``--branch N`` replays one branch's
linear history only (its ancestors' commands up to each fork, then its own). Exit status 1
when a script's expectation failed, as ``devsim run`` would say.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .arguments import non_negative_int

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    from devsim_tui.store.recording import add_session_arguments

    add_session_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text for people, json for JSON Lines, as devsim run prints")
    parser.add_argument("--branch", type=non_negative_int, default=None, metavar="N",
                        help="replay only branch N's history (see devsim sessions)")


def execute(args: argparse.Namespace) -> int:
    from devsim_tui.store.database import open_store
    from devsim_tui.store.queries import load_plan

    db = open_store(args.db, create=False)
    try:
        plan = load_plan(db, args.session, args.branch)
    finally:
        db.conn.close()
    from devsim_tui.store.replay import Replay

    replay = Replay(plan.session, checkpoints=False)
    sim, out = replay.sim, sys.stdout
    if args.format == "json":
        sim.bus.subscribe(lambda event: _json_line(out, event.to_dict()))
    else:
        from .event_text import format_event

        sim.bus.subscribe(lambda event: print(format_event(event), file=out))
    where = f", branch {args.branch}" if args.branch is not None else ""
    from engine.wording import counted

    print(f"devsim replay: session {plan.session['id']} ({plan.session['scenario']}, seed "
          f"{plan.session['seed']}{where}): {counted(len(plan.commands), 'command')} to "
          f"{_clock(plan.until_ms)}", file=sys.stderr)
    replay.run(plan.commands, plan.until_ms)
    summary = sim.summary()
    if replay.judge is not None:  # a script's expectations, judged again
        summary["expectations"] = replay.judge.report()
    if args.format == "json":
        _json_line(out, {"t": sim.now / 1000, "type": "summary", **summary})
    else:
        from .summary_table import print_summary

        print_summary(summary, sim.snapshot(), out)
    out.flush()
    return 1 if replay.judge is not None and replay.judge.failed else 0


def _json_line(out: Any, record: dict[str, Any]) -> None:
    out.write(json.dumps(record, separators=(",", ":"), allow_nan=False) + "\n")


def _clock(ms: int) -> str:
    from engine import format_clock

    return format_clock(ms)
