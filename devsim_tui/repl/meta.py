"""The REPL's own commands, pgcli-style: ``\\?``, ``\\q`` (``quit``, ``exit``), ``\\env``.

One table (``META``); everything that is not in it is a command of the ChatOps language.
``quit`` and ``exit`` count only alone on a line. A lone ``y`` or ``n`` with no question
pending is answered here rather than parsed as a command nobody meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..chatops.lexicon import ENVIRONMENTS
from .turn import Result

if TYPE_CHECKING:
    from .core import Repl

__all__ = ["META", "MetaCommand", "find_meta", "meta_names"]


@dataclass(frozen=True, slots=True)
class MetaCommand:
    names: tuple[str, ...]
    usage: str  # as listed by \?
    summary: str
    run: Callable[[Repl, str], Result]
    alone: bool = False  # only when it is the whole line ("exit", not "exit the canary")
    listed: bool = True


KEYS = (
    ("Tab", "complete the word: commands, services, versions, environments, faults …"),
    ("→ or Ctrl-E", "take the grey suggestion (from your history)"),
    ("↑ ↓, Ctrl-R", "walk or search the history"),
    ("Ctrl-C", "clear the line"),
    ("Ctrl-D", "leave (on an empty line)"),
    ("paste lines", "one command a line, in order; the first refused or cancelled stops "
                    "the rest"),
)


def _help(repl: Repl, arg: str) -> Result:
    rows = [(m.usage, m.summary) for m in META if m.listed]
    width = max(len(left) for left, _ in (*rows, *KEYS))
    lines = ["Meta commands"] + [f"  {left:<{width}}  {text}" for left, text in rows]
    lines += ["Keys"] + [f"  {left:<{width}}  {text}" for left, text in KEYS]
    lines += ["Anything else is a command in plain words: 'help' lists them, 'help chaos' "
              "explains one.",
              "Time: 'pause', 'resume', 'speed 60x', 'advance 10m' (with piped input only "
              "'advance' moves the clock)."]
    repl.printer.note("\n".join(lines))
    return Result.DONE


def _quit(repl: Repl, arg: str) -> Result:
    return Result.QUIT


def _env(repl: Repl, arg: str) -> Result:
    envs = list(repl.sim.world.topo.envs)
    if not arg:
        others = ", ".join(e for e in envs if e != repl.env) or "none"
        repl.printer.reply(True, f"commands act on {repl.env} unless they name another "
                                 f"environment (others: {others})")
        return Result.DONE
    wanted = ENVIRONMENTS.get(arg.strip().lower(), arg.strip().lower())  # prod, stg, dev …
    chosen = next((e for e in envs if e == wanted), None) or next(
        (e for e in envs if e.startswith(wanted)), None)
    if chosen is None:
        close = difflib.get_close_matches(wanted, envs, n=1, cutoff=0.5)
        hint = f"; did you mean '{close[0]}'?" if close else f" (environments: {', '.join(envs)})"
        repl.printer.reply(False, f"\\env: no environment called '{arg.strip()}'{hint}")
        return Result.FAILED
    repl.env = chosen
    repl.printer.reply(True, f"commands now act on {chosen} unless they name another "
                             "environment")
    return Result.DONE


def _stray_answer(repl: Repl, arg: str) -> Result:
    repl.printer.reply(False, "nothing is waiting for a yes or no: only a change to production "
                              "asks first")
    return Result.FAILED


META: tuple[MetaCommand, ...] = (
    MetaCommand(("\\?", "\\h", "\\help"), "\\?", "these meta commands and the keys", _help),
    MetaCommand(("\\q", "\\quit", "quit", "exit"), "\\q, quit, exit",
                "leave (Ctrl-D too); the simulation stops with you", _quit, alone=True),
    MetaCommand(("\\env",), "\\env [NAME]",
                "show or choose the environment commands act on", _env),
    MetaCommand(("y", "yes", "n", "no"), "", "", _stray_answer, alone=True, listed=False),
)
_BY_NAME = {name: command for command in META for name in command.names}


def meta_names() -> list[str]:
    """The backslash commands, for completion."""
    return [name for command in META for name in command.names if name.startswith("\\")]


def _unknown(name: str) -> Callable[[Repl, str], Result]:
    def run(repl: Repl, arg: str) -> Result:
        close = difflib.get_close_matches(name, meta_names(), n=1, cutoff=0.4)
        hint = f"did you mean '{close[0]}'? " if close else ""
        repl.printer.reply(False, f"unknown meta command '{name}'; {hint}(\\? lists them)")
        return Result.FAILED
    return run


def find_meta(text: str) -> tuple[Callable[[Repl, str], Result], str] | None:
    """The meta command a line is, with its argument; None for a command of the language."""
    name, _, arg = text.strip().partition(" ")
    name = name.lower()
    command = _BY_NAME.get(name)
    if command is not None and not (command.alone and arg.strip()):
        return command.run, arg.strip()
    if name.startswith("\\"):
        return _unknown(name), arg.strip()
    return None
