"""A command that changes production asks first: what it means, what it targets, what changes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from engine.commands import Command, Scale

__all__ = ["ConfirmScreen", "needs_confirmation"]


def needs_confirmation(command: Command, env: str, primary: str) -> bool:
    """Production changes confirm: deploy, rollback, chaos, failover, and scaling to zero."""
    if (getattr(command, "env", None) or primary) != primary:
        return False
    if isinstance(command, Scale):
        return command.replicas == 0
    return command.changes_production and command.intent in (
        "deploy", "rollback", "chaos", "failover")


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
