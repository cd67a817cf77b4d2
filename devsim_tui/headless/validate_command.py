"""``devsim validate FILE``: check a scenario or a script file and report every problem, one
per line (``file:line:col: message``), exit code 2 if there is any.

A ``.yaml``/``.yml`` file is a scenario; a ``.txt`` or ``.devsim`` file is a script, checked
against ``--scenario`` (its commands, ``wait``/``at`` lines and ``expect`` lines, as
``devsim run --script`` would before running it). Any other file is a scenario if its first
line that is not a comment reads like a YAML key (``name: …``), else a script.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from engine.wording import counted

__all__ = ["configure", "execute"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE",
                        help="a scenario file (.yaml/.yml), a script file (.txt/.devsim) or a "
                             "shipped script's name; another file is told apart by its first line")
    parser.add_argument("--scenario", default=None, metavar="NAME|PATH",
                        help="for a script: the scenario whose names it uses (default: the one "
                             "it names on its first line, else shopfront)")


def execute(args: argparse.Namespace) -> int:
    import sys

    from engine import ScenarioError, load_scenario

    from devsim_tui.script import resolve_script

    if not resolve_script(args.file).is_file():
        raise ScenarioError(args.file, [_problem("no such file")])
    if not _is_scenario(resolve_script(args.file)):
        from devsim_tui.script import ScriptError, declared_scenario, load_script

        args.scenario = args.scenario or declared_scenario(args.file) or "shopfront"
        try:
            script = load_script(args.file, load_scenario(args.scenario))
        except ScriptError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        commands = sum(1 for s in script.steps if s.text)
        expects = len(script.expectations)
        from engine import format_clock

        print(f"{args.file}: ok — script of {counted(commands, 'command')} and "
              f"{counted(expects, 'expectation')} over {format_clock(script.end_ms)} for "
              f"scenario {args.scenario!r}")
        return 0
    spec = load_scenario(args.file)
    print(f"{args.file}: ok — scenario {spec.name!r}: {counted(len(spec.services), 'service')}, "
          f"{counted(len(spec.databases), 'database')}, {counted(len(spec.caches), 'cache')}, "
          f"{counted(len(spec.queues), 'queue')}, environments {', '.join(spec.environments)}")
    return 0


def _problem(message: str):  # noqa: ANN202
    from engine.scenario.yaml_source import Problem

    return Problem((), message)


_YAML_KEY = re.compile(r"^[A-Za-z_][\w-]*:(\s|$)")


def _is_scenario(path: Path) -> bool:
    """A scenario by its extension; a script by its own; otherwise by its first real line."""
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return True
    if suffix in (".txt", ".devsim"):
        return False
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                text = line.split("#", 1)[0].strip()
                if text:
                    return text == "---" or _YAML_KEY.match(text) is not None
    except OSError:
        return False  # the script reader reports why it cannot be read
    return False
