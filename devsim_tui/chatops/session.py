"""A conversation with a running simulation: text in, reply out, every front end alike.

``ChatSession.submit`` parses with the shared language, answers ``help`` from the registry,
applies everything else to the simulation, and publishes the ``command`` event.
The parse context follows the live world (current replica counts, speed).

An optional ``journal`` (the session store's recorder) writes every line down before it acts:
``before(text, command, env, path)`` returns a token, ``after(token, reply)`` records the
outcome. ``path`` says which way the line went: ``apply``, ``reject`` (not understood),
``refuse`` (a front end's check refused it before any confirmation) or ``cancel`` (a
confirmation was declined; nothing is published).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Protocol

from engine import Simulation
from engine.commands import Command, Help, Plan, Reply

from .context import ParseContext
from .helptext import help_text
from .parser import ParseError, parse

__all__ = ["ChatSession", "Journal", "Outcome"]


class Journal(Protocol):
    """Where commands are written down before they act (see the module docstring)."""

    def before(self, text: str, command: Command | None, env: str | None,
               path: str) -> object: ...

    def after(self, token: object, reply: Reply | None) -> None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one line: what it meant (or why not), the reply, what was assumed."""

    text: str
    command: Command | None
    error: ParseError | None
    reply: Reply
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        return self.reply.ok


class ChatSession:
    def __init__(self, sim: Simulation, context: ParseContext | None = None,
                 dry_run: bool = False, journal: Journal | None = None) -> None:
        self.sim = sim
        self.context = context or ParseContext.for_scenario(sim.spec)
        self.dry_run = dry_run  # commands that change something are only planned
        self.env: str | None = None  # the environment on screen: where unplaced commands act
        self.journal = journal  # written to before each line acts (the session store)

    def understand(self, text: str) -> Command | ParseError:
        """Parse against the live world without running anything. A command that names no
        environment acts on the one on screen (``env``), production when none is set."""
        self._sync()
        result = parse(text, self.context)
        return result if isinstance(result, ParseError) else self._placed(result)

    def _placed(self, command: Command) -> Command:
        if self.env is None:
            return command
        if isinstance(command, Plan):
            return Plan(self._placed(command.command))
        if any(f.name == "env" for f in fields(command)) and getattr(command, "env") is None:
            return replace(command, env=self.env)
        return command

    def submit(self, text: str) -> Outcome:
        result = self.understand(text)
        notes = tuple(self.context.notes)
        if isinstance(result, ParseError):
            return self.reject(text, result)
        return self.run(text, result, notes)

    def reject(self, text: str, error: ParseError) -> Outcome:
        """Record a line that could not be understood (a failed ``command`` event)."""
        hint = f" — try: {'; '.join(error.suggestions[:3])}" if error.suggestions else ""
        reply = Reply(False, error.message + hint, error.to_dict())
        token = self._before(text, None, "reject")
        self.sim.record_command(text, None, reply)
        self._after(token, reply)
        return Outcome(text, None, error, reply)

    def run(self, text: str, command: Command, notes: tuple[str, ...] = ()) -> Outcome:
        """Carry out an already-parsed command (e.g. after a confirmation)."""
        if self.dry_run and command.changes_production:
            command = Plan(command)  # what it would do, and nothing done
        token = self._before(text, command, "apply")
        if isinstance(command, Help):
            reply = Reply(True, help_text(command.topic), {"topic": command.topic}).noted(notes)
            self.sim.record_command(text, command.intent, reply)
        else:
            reply = self.sim.apply(command, text, notes)
        self._after(token, reply)
        return Outcome(text, command, None, reply, notes)

    def refuse(self, text: str, command: Command, problem: str) -> Outcome:
        """A command a front end refused before asking for confirmation (it could not run now):
        published as a failed ``command`` event, nothing applied."""
        reply = Reply(False, problem)
        token = self._before(text, command, "refuse")
        self.sim.record_command(text, command.intent, reply)
        self._after(token, reply)
        return Outcome(text, command, None, reply)

    def cancel(self, text: str, command: Command) -> None:
        """A confirmation declined: nothing changes and nothing is published; the journal
        keeps the line."""
        self._after(self._before(text, command, "cancel"), None)

    def _before(self, text: str, command: Command | None, path: str) -> object:
        return None if self.journal is None else self.journal.before(text, command, self.env,
                                                                       path)

    def _after(self, token: object, reply: Reply | None) -> None:
        if self.journal is not None:
            self.journal.after(token, reply)

    def _sync(self) -> None:
        world = self.sim.world
        names = self.context.names
        primary = self.sim.spec.primary_environment
        for info in world.topo.nodes:
            if info.env == primary and info.name in names.replicas:
                names.replicas[info.name] = int(world.inst.counts[info.index])
            elif (info.name, info.env) in names.env_replicas:
                names.env_replicas[(info.name, info.env)] = int(world.inst.counts[info.index])
        self.context.speed = self.sim.speed
