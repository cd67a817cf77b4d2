"""F1: every command with examples (from the registry), and the keys."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


from ..chatops import REGISTRY

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "Close", id="help.close")]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 110; height: 90%;
                                  border: round $primary; background: $surface; padding: 0 1; }
    """

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_title = "Help — Esc to close"
            yield Static(self._commands())
            yield Static(self._keys())

    def _commands(self) -> Table:
        table = Table(title="Commands — type them in plain words", title_justify="left",
                      expand=True, box=None, show_header=True, header_style="bold")
        table.add_column("command", style="bold", no_wrap=True)
        table.add_column("what it does")
        table.add_column("for example", style="italic")
        for spec in REGISTRY:
            summary = Text(spec.summary)
            table.add_row(spec.intent.replace("_", " "), summary, "\n".join(spec.examples[:2]))
        return table

    def _keys(self) -> Table:
        table = Table(title="Keys", title_justify="left", box=None, header_style="bold")
        table.add_column("key", style="bold", no_wrap=True)
        table.add_column("does")
        for key, description in self.keys:
            table.add_row(Text(key), description)
        return table
