"""The REPL's one command path, shared by the prompt and the plain stdin loop.

``Repl.handle`` takes a line and does, in this order, what the console does: a meta command
(``\\q`` …) is run; anything else is understood through the shared ``ChatSession``; a line
not understood is answered with its one-line error and suggestions; a command that cannot
run (a rollback with no earlier revision) is refused before any question; a command the
console would confirm shows the same preview and asks y/N (no means no, and nothing
changes); then it runs and its reply is printed, followed by the events it set off. Every
line goes through this one method and the chat session's ``reject``, ``refuse``, ``cancel``
or ``run``, as in the console, so a journal attached to ``session`` sees each line's path.

The events the simulation publishes are collected as they happen and printed by ``flush``
(the prompt's clock calls it every frame; ``handle`` before and after each command).
"""

from __future__ import annotations

from collections.abc import Sequence

from engine import Event, Simulation, format_clock
from engine.actions.checks import check
from engine.commands import Help

from ..chatops.confirmation import confirmation_for
from ..chatops.parser import ParseError
from ..chatops.session import ChatSession
from .meta import find_meta
from .output import EVENT_INDENT, Printer, event_line, label_width, labelled, worth_showing
from .turn import Ask, Result

__all__ = ["QUESTION", "Repl"]

QUESTION = "go ahead? [y/N] "
DAY_MS = 86_400_000


class Repl:
    """A conversation with one running simulation, printed through ``printer``."""

    def __init__(self, sim: Simulation, printer: Printer) -> None:
        self.sim = sim
        self.printer = printer
        self.session = ChatSession(sim)
        self._pending: list[Event] = []
        sim.bus.subscribe(self._pending.append)

    # -- where commands act ------------------------------------------------------------------
    @property
    def env(self) -> str:
        return self.session.env or self.sim.spec.primary_environment

    @env.setter
    def env(self, value: str) -> None:
        self.session.env = value

    @property
    def prompt(self) -> str:
        return f"{self.env}> "

    # -- output ------------------------------------------------------------------------------
    def flush(self) -> None:
        """Print the events published since the last flush (the ones worth showing)."""
        if not self._pending:
            return
        events, self._pending[:] = [e for e in self._pending if worth_showing(e)], []
        self.printer.lines([event_line(event) for event in events], EVENT_INDENT)

    def goodbye(self) -> None:
        day = format_clock((self.sim.spec.start + self.sim.now) % DAY_MS)[:5]
        self.printer.note(f"bye — {self.sim.spec.name} stopped at T+{format_clock(self.sim.now)}"
                          f" ({day})")

    # -- the command path --------------------------------------------------------------------
    async def handle(self, text: str, ask: Ask) -> Result:
        """Run one line: meta command, or understand → check → confirm → run."""
        text = text.strip()
        if not text:
            return Result.DONE
        self.flush()
        await self.printer.drain()  # what happened before the command, printed before it
        meta = find_meta(text)
        if meta is not None:
            run, arg = meta
            return run(self, arg)
        result = self.session.understand(text)
        notes = tuple(self.session.context.notes)
        if isinstance(result, ParseError):
            self._said(False, self.session.reject(text, result).reply.message)
            return Result.FAILED
        problem = check(self.sim, result)
        if problem is not None:  # refused before a question it could not honour
            self.session.refuse(text, result, problem)
            self._said(False, problem)
            return Result.FAILED
        result = result.fixed_at(self.sim.now)  # what is asked about is what runs
        confirmation = confirmation_for(self.sim, text, result, notes)
        if confirmation is not None:
            self.printer.show([("class:title", confirmation.title), ("", "\n"),
                               *labelled(confirmation.lines)], label_width(confirmation.lines))
            if not await ask(QUESTION):
                self.session.cancel(text, result)
                self._said(False, "cancelled; nothing changed")
                return Result.FAILED
        outcome = self.session.run(text, result, notes)
        self._said(outcome.ok, outcome.reply.message)
        if isinstance(result, Help) and result.topic is None:
            self.printer.note("\\? lists the REPL's own commands and keys")
        return Result.DONE if outcome.ok else Result.FAILED

    async def handle_lines(self, lines: Sequence[str], ask: Ask) -> Result:
        """Several lines at once (a paste): each as if typed, in order. The first refused or
        cancelled stops the rest — later steps of a runbook assume the earlier ones ran —
        and the lines not run are named."""
        commands = [line.strip() for line in lines if line.strip()]
        for done, line in enumerate(commands, 1):
            if len(commands) > 1:
                self.printer.show([("class:prompt", self.prompt), ("", line)])
            result = await self.handle(line, ask)
            if result is Result.QUIT:
                return result
            if result is Result.FAILED and done < len(commands):
                rest = commands[done:]
                self.printer.note(f"pasted lines stopped at line {done}; not run "
                                  f"({len(rest)}): {'; '.join(rest)}")
                return result
        return Result.DONE

    def _said(self, ok: bool, message: str) -> None:
        """A reply, then the events the command set off (an ``advance`` prints its events
        after the line saying how far it goes)."""
        self.printer.reply(ok, message)
        self.flush()
