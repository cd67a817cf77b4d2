"""The conversation and the estate's notable events, with simulated timestamps and scrollback."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from engine import Event, format_clock

__all__ = ["ChatLog"]

_EVENT_STYLE = {"instance.crashed": "bold red", "db.failover": "bold yellow",
                "instance.restarted": "green", "scale": "cyan", "deploy.aborted": "bold red",
                "deploy.rolled_back": "yellow", "deploy.completed": "bold green",
                "deploy.started": "cyan", "deploy.step": "cyan"}


class ChatLog(RichLog):
    DEFAULT_CSS = """
    ChatLog { height: 9; border: round $panel-lighten-2; border-title-color: $text;
              scrollbar-size-vertical: 1; }
    """

    def __init__(self) -> None:
        super().__init__(id="chat", wrap=True, markup=False, max_lines=2000, auto_scroll=True)
        self.border_title = "Chat"

    def said(self, t_ms: int, text: str) -> None:
        line = Text(f"{format_clock(t_ms)} ", style="dim")
        line.append("you › ", style="bold")
        line.append(text)
        self.write(line)

    def replied(self, ok: bool, message: str) -> None:
        line = Text("         ")
        line.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        line.append(message, style="" if ok else "red")
        self.write(line)

    def note(self, message: str) -> None:
        self.write(Text(f"         {message}", style="dim italic"))

    def event(self, event: Event, text: str) -> None:
        line = Text(f"{format_clock(event.t)} ", style="dim")
        line.append(f"{event.type:<18} ", style=_EVENT_STYLE.get(event.type, "dim"))
        line.append(text)
        self.write(line)
