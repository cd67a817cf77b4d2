"""The top line: scenario, environment, simulated clock, speed, and a clear paused marker."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from engine import Snapshot

__all__ = ["HeaderBar"]


class HeaderBar(Static):
    DEFAULT_CSS = """
    HeaderBar { height: 1; width: 100%; background: $panel; color: $text; padding: 0 1; }
    """
    _shown = ""

    def show(self, snapshot: Snapshot, env: str) -> None:
        text = Text()
        text.append("devsim", style="bold")
        text.append(" │ ", style="dim")
        text.append(snapshot.scenario, style="bold")
        text.append(" · ")
        text.append(env)
        text.append(" │ ", style="dim")
        text.append(f"T+{snapshot.clock}")
        text.append(f" ({snapshot.time_of_day[:5]})", style="dim")
        text.append(" │ ", style="dim")
        if snapshot.paused:
            text.append(" PAUSED ", style="bold reverse")
        else:
            text.append("▶ ", style="dim")
        text.append(f" ×{snapshot.speed:g}")
        if text.plain != self._shown:  # (a repaint of one line: its size never changes)
            self._shown = text.plain
            self.update(text, layout=False)
