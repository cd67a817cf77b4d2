"""``devsim validate FILE``: check a scenario file and report every problem, one per line."""

from __future__ import annotations

import argparse

from engine.wording import counted

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE",
                        help="a scenario file (.yaml/.yml) or a script file (anything else)")
    parser.add_argument("--scenario", default="shopfront", metavar="NAME|PATH",
                        help="for a script: the scenario whose names it uses (default shopfront)")


def execute(args: argparse.Namespace) -> int:
    import sys
    from pathlib import Path

    from engine import ScenarioError, load_scenario

    if not Path(args.file).is_file():
        raise ScenarioError(args.file, [_problem("no such file")])
    if Path(args.file).suffix.lower() not in (".yaml", ".yml"):
        from devsim_tui.script import ScriptError, load_script

        try:
            script = load_script(args.file, load_scenario(args.scenario))
        except ScriptError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        commands = sum(1 for s in script.steps if s.text)
        from engine import format_clock

        print(f"{args.file}: ok — script of {counted(commands, 'command')} over "
              f"{format_clock(script.end_ms)} for scenario {args.scenario!r}")
        return 0
    spec = load_scenario(args.file)
    print(f"{args.file}: ok — scenario {spec.name!r}: {counted(len(spec.services), 'service')}, "
          f"{counted(len(spec.databases), 'database')}, {counted(len(spec.caches), 'cache')}, "
          f"{counted(len(spec.queues), 'queue')}, environments {', '.join(spec.environments)}")
    return 0


def _problem(message: str):  # noqa: ANN202
    from engine.scenario.yaml_source import Problem

    return Problem((), message)
