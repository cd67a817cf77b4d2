"""Which commands ask "go ahead?" first, and what the question shows — for every front end.

Pure: no UI library. The console's dialog (``screens/confirm_screen.py``) and the REPL's
y/N question both read it, so they ask for exactly the same commands with the same lines.

A command is asked about only once it has been understood and checked (a command that would
be refused is refused at once). Production changes ask: deploy, rollback, failover, restore,
rewind, scaling to zero, and chaos that hits more than half of a service's instances, a
database or a zone. The question shows what was typed, what was assumed, the change in the
estate's terms (``deploy checkout 2.3.1 → 2.5.0 in production (canary 10 → 25 → 50 → 100
%)``), then the preview's other parts (blast radius, callers, error budget), each on its own
line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from engine.actions.plan import blast_radius, preview
from engine.commands import Command, InjectFault, Scale

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["Confirmation", "blast_of", "confirmation_for", "confirmation_lines",
           "needs_confirmation"]

LONGEST_LABEL = 28  # a preview part "label: value" with a longer label is shown whole


def needs_confirmation(command: Command, primary: str,
                       blast: tuple[int, int, bool] | None = None) -> bool:
    """Production changes confirm (the command carries its environment, the one on screen
    when it named none): deploy, rollback, failover, restore, rewind, scaling to zero, and
    chaos that hits more than half of a service's instances, a database or a zone (``blast``:
    instances hit, of how many, and whether the target is a database or a zone)."""
    if (getattr(command, "env", None) or primary) != primary:
        return False
    if isinstance(command, Scale):
        return command.replicas == 0
    if isinstance(command, InjectFault):
        if blast is None:
            return True
        hit, total, wide = blast
        return wide or 2 * hit > total
    return command.changes_production and command.intent in (
        "deploy", "rollback", "failover", "restore", "rewind")


def blast_of(sim: Simulation, command: Command) -> tuple[int, int, bool] | None:
    """A fault's blast radius, for the guardrail: instances hit, of how many, and whether it
    targets a database or a zone (None for anything but a fault)."""
    if not isinstance(command, InjectFault):
        return None
    hit, total, _ = blast_radius(sim, command)
    wide = sim.spec.kind_of(command.target) == "database" or command.target in sim.spec.zones
    return hit, total, wide


def confirmation_lines(text: str, changes: str,
                       notes: tuple[str, ...] = ()) -> tuple[tuple[str, str], ...]:
    """(label, text) lines of the question: what was typed, what was assumed, what changes
    (the preview's first part), then each further part of the preview ("blast radius: …")."""
    out = [("you typed", text)]
    if notes:
        out.append(("assumed", "; ".join(notes)))
    parts = [part.strip() for part in changes.split("; ") if part.strip()] or [changes]
    first, *rest = parts
    out.append(("what changes", first))
    for part in rest:
        label, sep, value = part.partition(": ")
        out.append((label, value) if sep and len(label) <= LONGEST_LABEL else ("", part))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Confirmation:
    """The question a command asks before it runs: the environment it changes, and its lines."""

    env: str
    lines: tuple[tuple[str, str], ...]

    @property
    def title(self) -> str:
        return f"This changes {self.env}."

    @property
    def plain(self) -> str:
        """The lines as plain text (label, then text), one line each."""
        return "\n".join(f"{label} {text}".strip() for label, text in self.lines)


def confirmation_for(sim: Simulation, text: str, command: Command,
                     notes: tuple[str, ...] = ()) -> Confirmation | None:
    """The question to ask before ``command`` runs, or None when it runs without one. Call
    it after the command was understood and checked (``engine.actions.checks.check``)."""
    primary = sim.spec.primary_environment
    if not needs_confirmation(command, primary, blast_of(sim, command)):
        return None
    env = getattr(command, "env", None) or primary
    return Confirmation(env, confirmation_lines(text, preview(sim, command), notes))
