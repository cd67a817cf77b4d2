"""A command that changes production asks first: what it means, what it targets, what changes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from engine import Simulation
from engine.actions.plan import blast_radius
from engine.commands import Command, InjectFault, Scale

__all__ = ["ConfirmScreen", "blast_of", "needs_confirmation"]


def needs_confirmation(command: Command, env: str, primary: str,
                       blast: tuple[int, int, bool] | None = None) -> bool:
    """Production changes confirm: deploy, rollback, failover, restore, scaling to zero, and
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
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 70; max-width: 95%; height: auto; padding: 1 2;
                               border: thick $warning; background: $surface; }
    ConfirmScreen .question { margin-top: 1; text-style: bold; }
    """

    def __init__(self, text: str, command: Command, changes: str,
                 notes: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.text = text
        self.command = command
        self.changes = changes  # what it would change, in the estate's terms
        self.notes = notes  # what the parser assumed or corrected

    def compose(self) -> ComposeResult:
        args = "  ".join(f"{k}={v}" for k, v in self.command.args().items())
        body = Text()
        body.append("This changes production.\n\n", style="bold")
        body.append("you typed   ", style="dim")
        body.append(f"{self.text}\n")
        body.append("it means    ", style="dim")
        body.append(f"{self.command.intent}  {args}\n", style="bold")
        if self.notes:
            body.append("assumed     ", style="dim")
            body.append(f"{'; '.join(self.notes)}\n", style="bold yellow")
        body.append("what changes ", style="dim")
        body.append(self.changes)
        with Vertical():
            yield Static(body)
            yield Static("Go ahead? — [b]y[/b] = yes · [b]n[/b] = no", classes="question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
