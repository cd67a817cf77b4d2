"""A command that changes production asks first: what it means, what it targets, what changes."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from engine.commands import Command

from ..chatops.confirmation import blast_of, confirmation_lines, needs_confirmation

# the decision lives in chatops.confirmation (no UI library there, so the REPL asks for the
# same commands); the console imports it from here as well
__all__ = ["ConfirmScreen", "blast_of", "needs_confirmation"]


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
        return list(confirmation_lines(self.text, self.changes, self.notes))

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
