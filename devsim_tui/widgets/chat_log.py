"""The conversation and the estate's notable events, with simulated timestamps and scrollback."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import RichLog

from engine import Event, format_clock

__all__ = ["ChatLog"]

_EVENT_STYLE = {"instance.crashed": "bold red", "db.failover": "bold yellow",
                "instance.restarted": "green", "scale": "cyan", "deploy.aborted": "bold red",
                "deploy.rolled_back": "yellow", "deploy.completed": "bold green",
                "deploy.started": "cyan", "deploy.step": "cyan", "chaos.started": "bold magenta",
                "chaos.ended": "magenta", "db.restore": "bold yellow", "db.backup": "cyan",
                "db.failover.started": "yellow"}


class ChatLog(RichLog):
    DEFAULT_CSS = """
    ChatLog { height: 9; border: round $panel-lighten-2; border-title-color: $text;
              scrollbar-size-vertical: 1; overflow-x: hidden; }
    """

    def __init__(self) -> None:
        super().__init__(id="chat", wrap=True, markup=False, max_lines=2000, auto_scroll=True)
        self.border_title = "Chat"

    def said(self, t_ms: int, text: str) -> None:
        body = Text()
        body.append("you › ", style="bold")
        body.append(text)
        self._row(Text(format_clock(t_ms), style="dim"), body)

    def replied(self, ok: bool, message: str) -> None:
        body = Text()
        body.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        body.append(message, style="" if ok else "red")
        self._row(Text(""), body)

    def note(self, message: str) -> None:
        self._row(Text(""), Text(message, style="dim italic"))

    def event(self, event: Event, text: str) -> None:
        body = Text()
        body.append(f"{event.type:<18} ", style=_EVENT_STYLE.get(event.type, "dim"))
        body.append(text)
        self._row(Text(format_clock(event.t), style="dim"), body)

    def _row(self, gutter: Text, body: Text) -> None:
        """One entry: the time in its gutter, the text wrapping under itself (a hanging indent),
        never back under the timestamps."""
        grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
        grid.add_column(width=8, no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(gutter, body)
        width = self.scrollable_content_region.width
        self.write(grid, width=width - 1 if width > 20 else None, expand=True)
