"""A command that changes production asks first: what it means, what it targets, what changes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from engine import Simulation
from engine.actions.plan import blast_radius
from engine.commands import Command, InjectFault, Scale

__all__ = ["ConfirmScreen", "blast_of", "needs_confirmation"]


def needs_confirmation(command: Command, primary: str,
                       blast: tuple[int, int, bool] | None = None) -> bool:
    """Production changes confirm (the command carries its environment, the one on screen
    when it named none): deploy, rollback, failover, restore, scaling to zero, and
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
        "deploy", "rollback", "failover", "restore")


def blast_of(sim: Simulation, command: Command) -> tuple[int, int, bool] | None:
    """A fault's blast radius, for the guardrail: instances hit, of how many, and whether it
    targets a database or a zone (None for anything but a fault)."""
    if not isinstance(command, InjectFault):
        return None
    hit, total, _ = blast_radius(sim, command)
    wide = sim.spec.kind_of(command.target) == "database" or command.target in sim.spec.zones
    return hit, total, wide


class ConfirmScreen(ModalScreen[bool]):
    """Asked after the command was understood and validated: what was typed, what was assumed,
    the change in the estate's own terms (versions, steps, instances) and its blast radius,
    each on its own line with a hanging indent; ``y`` goes ahead, ``n`` or Esc cancels."""

    BINDINGS = [
        Binding("y", "answer(True)", "Go ahead", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Cancel", id="confirm.no", key_display="n/esc"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 84; max-width: 96%; height: auto; max-height: 90%;
                               padding: 1 2; border: thick $warning; background: $surface;
                               overflow-y: auto; }
    ConfirmScreen .question { margin-top: 1; text-style: bold; }
    """

    def __init__(self, text: str, command: Command, changes: str,
                 notes: tuple[str, ...] = (), env: str = "production") -> None:
        super().__init__()
        self.text = text
        self.command = command
        self.changes = changes  # what it would change, in the estate's terms
        self.notes = notes  # what the parser assumed or corrected
        self.env = env

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"This changes {self.env}.", style="bold"))
            yield Static(self._details())
            yield Static("Go ahead?  [b]y[/b] yes · [b]n[/b] or [b]Esc[/b] no",
                         classes="question")
        yield Footer()

    @property
    def lines(self) -> list[tuple[str, str]]:
        """(label, text) lines of the details, as shown."""
        out = [("you typed", self.text)]
        if self.notes:
            out.append(("assumed", "; ".join(self.notes)))
        first, *rest = [part.strip() for part in self.changes.split("; ") if part.strip()]
        out.append(("what changes", first))
        for part in rest:
            label, sep, value = part.partition(": ")
            out.append((label, value) if sep and len(label) <= 28 else ("", part))
        return out

    @property
    def plain(self) -> str:
        """The details as plain text (label, then text), one line each."""
        return "\n".join(f"{label} {text}".strip() for label, text in self.lines)

    def _details(self) -> Table:
        grid = Table.grid(padding=(0, 2, 0, 0))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        grid.add_row("", "")
        for label, text in self.lines:
            style = {"assumed": "bold yellow", "what changes": "bold"}.get(label, "")
            grid.add_row(label, Text(text, style=style))
        return grid

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
