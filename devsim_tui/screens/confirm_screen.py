"""A command that changes production asks first: what it means, what it targets, what changes."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from engine import Snapshot
from engine.commands import Command, Failover, InjectFault, Rollback, Scale

__all__ = ["ConfirmScreen", "needs_confirmation"]


def needs_confirmation(command: Command, env: str, primary: str) -> bool:
    """Production changes confirm: deploy, rollback, chaos, failover, and scaling to zero."""
    if (getattr(command, "env", None) or primary) != primary:
        return False
    if isinstance(command, Scale):
        return command.replicas == 0
    return command.changes_production and command.intent in (
        "deploy", "rollback", "chaos", "failover")


def consequences(command: Command, snapshot: Snapshot) -> str:
    args = command.args()
    if isinstance(command, Scale):
        return (f"{command.service} stops all its instances; every request to it fails until "
                "it is scaled up again")
    if isinstance(command, Failover):
        db = snapshot.database(command.database)
        nodes = ", ".join(f"{n.name} ({n.role})" for n in db.nodes) if db else ""
        return (f"the primary of {command.database} is fenced and a replica promoted; writes "
                f"fail until then and writes inside the replica's lag window are lost. {nodes}")
    if isinstance(command, InjectFault):
        return f"{command.fault} on {command.target}" + (
            f" for {command.duration}s" if command.duration else " until stopped")
    if isinstance(command, Rollback):
        return f"{command.service} goes back to {args.get('version', 'its previous version')}"
    return ", ".join(f"{k}={v}" for k, v in args.items())


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

    def __init__(self, text: str, command: Command, snapshot: Snapshot) -> None:
        super().__init__()
        self.text = text
        self.command = command
        self.snapshot = snapshot

    def compose(self) -> ComposeResult:
        args = "  ".join(f"{k}={v}" for k, v in self.command.args().items())
        body = Text()
        body.append("This changes production.\n\n", style="bold")
        body.append("you typed   ", style="dim")
        body.append(f"{self.text}\n")
        body.append("it means    ", style="dim")
        body.append(f"{self.command.intent}  {args}\n", style="bold")
        body.append("what changes ", style="dim")
        body.append(consequences(self.command, self.snapshot))
        with Vertical():
            yield Static(body)
            yield Static("Go ahead? — [b]y[/b] = yes · [b]n[/b] = no", classes="question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
