"""The ``devsim`` command line: a table of subcommands, each in its own module, loaded lazily.

Argument errors are one line (``devsim run: error: …``) and exit with 2; bad scenario or
script files print one line per problem (``file:line:col: key.path: message``), also exit 2.
Headless subcommands never import textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NoReturn

__all__ = ["main"]

EXIT_OK, EXIT_EXPECT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Subcommand:
    """A subcommand: its module defines ``configure(parser)`` and ``execute(args) -> int``."""

    name: str
    help: str
    module: str


SUBCOMMANDS = (
    Subcommand("tui", "the console (what plain `devsim` opens)", "devsim_tui.console_command"),
    Subcommand("serve", "serve the console in a browser (one process per visitor)",
               "devsim_tui.serve_command"),
    Subcommand("repl", "the language at a line prompt, the simulation running behind it",
               "devsim_tui.repl.command"),
    Subcommand("run", "run a scenario headless and print its events and summary",
               "devsim_tui.headless.run_command"),
    Subcommand("parse", "show what a command means, without running it",
               "devsim_tui.headless.parse_command"),
    Subcommand("scenarios", "list the built-in scenarios", "devsim_tui.headless.scenarios_command"),
    Subcommand("validate", "check a scenario or script file and report every problem",
               "devsim_tui.headless.validate_command"),
    Subcommand("detect", "run the anomaly detector online over a metric CSV export", "devsim_tui.headless.detect_command"),  # noqa: E501
    Subcommand("sessions", "list the recorded sessions, newest first",
               "devsim_tui.headless.sessions_command"),
    Subcommand("replay", "re-run a recorded session from its recorded commands",
               "devsim_tui.headless.replay_command"),
    Subcommand("resume", "continue a recorded session in the console from where it stopped",
               "devsim_tui.resume_command"),
    Subcommand("report", "the debrief of a recorded session, as Markdown",
               "devsim_tui.headless.report_command"),
)
DEFAULT_ARGV = ("tui",)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are a single line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="devsim", description="A terminal ChatOps console over a simulated "
                     "production estate. With no subcommand: the console on the default "
                     "scenario, shopfront.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in SUBCOMMANDS:
        module = importlib.import_module(command.module)
        child = sub.add_parser(command.name, help=command.help, description=command.help)
        module.configure(child)
        child.set_defaults(_module=module)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or (args_list[0].startswith("-") and args_list[0] not in ("-h", "--help")):
        args_list = [*DEFAULT_ARGV, *args_list]  # `devsim --speed 60` is the console's option
    parser = build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    from devsim_tui.store.errors import StoreError
    from engine import ScenarioError

    try:
        return int(args._module.execute(args))
    except ScenarioError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except StoreError as exc:  # the session database: one line naming the file
        print(f"devsim {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("devsim: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `devsim run … | head`
        sys.stderr.close()
        return EXIT_OK
