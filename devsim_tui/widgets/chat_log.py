"""The conversation and the estate's notable events, with simulated timestamps and scrollback.

Entries are kept (not only their rendered lines) so the log can be filtered — everything, my
commands, events, alerts — and re-wrapped when the terminal is resized. It follows new entries
only while you are at the bottom: scroll up (PgUp) to read, and events arriving at ×100 do not
push what you are reading away; a command you type brings you back down.
"""

from __future__ import annotations

from collections import deque
from typing import NamedTuple

from rich.table import Table
from rich.text import Text
from textual import events
from textual.widgets import RichLog

from engine import Event, format_clock

__all__ = ["FILTERS", "ChatLog"]

_EVENT_STYLE = {"instance.crashed": "bold red", "db.failover": "bold yellow",
                "instance.restarted": "green", "scale": "cyan", "deploy.aborted": "bold red",
                "deploy.rolled_back": "yellow", "deploy.completed": "bold green",
                "deploy.started": "cyan", "deploy.step": "cyan", "chaos.started": "bold magenta",
                "chaos.ended": "magenta", "db.restore": "bold yellow", "db.backup": "cyan",
                "db.failover.started": "yellow", "alert.firing": "bold red",
                "alert.resolved": "green"}
# filter name → (what the title says, the kinds of entry it shows)
FILTERS: dict[str, tuple[str, frozenset[str]]] = {
    "all": ("everything", frozenset({"mine", "event", "alert"})),
    "mine": ("my commands", frozenset({"mine"})),
    "events": ("events", frozenset({"event"})),
    "alerts": ("alerts", frozenset({"alert"})),
}
KEEP = 2000


class Entry(NamedTuple):
    kind: str  # "mine", "event" or "alert"
    gutter: Text
    body: Text


class ChatLog(RichLog):
    DEFAULT_CSS = """
    ChatLog { height: 1fr; border: round $panel-lighten-2; border-title-color: $text;
              scrollbar-size-vertical: 1; overflow-x: hidden; }
    ChatLog:focus { border: round $primary; }
    """

    def __init__(self) -> None:
        super().__init__(id="chat", wrap=True, markup=False, max_lines=KEEP, auto_scroll=False)
        self.entries: deque[Entry] = deque(maxlen=KEEP)
        self.filter = "all"
        self._width = 0
        self._title()

    # -- what is said ------------------------------------------------------------------------
    def said(self, t_ms: int, text: str) -> None:
        body = Text()
        body.append("you › ", style="bold")
        body.append(text)
        self._add(Entry("mine", Text(format_clock(t_ms), style="dim"), body), follow=True)

    def replied(self, ok: bool, message: str) -> None:
        body = Text()
        body.append("✓ " if ok else "✗ ", style="bold green" if ok else "bold red")
        body.append(message, style="" if ok else "red")
        self._add(Entry("mine", Text(""), body), follow=True)

    def note(self, message: str) -> None:
        self._add(Entry("mine", Text(""), Text(message, style="dim italic")), follow=True)

    def event(self, event: Event, text: str) -> None:
        body = Text()
        body.append(f"{event.type:<18} ", style=_EVENT_STYLE.get(event.type, "dim"))
        body.append(text)
        kind = "alert" if event.type.startswith("alert.") else "event"
        self._add(Entry(kind, Text(format_clock(event.t), style="dim"), body))

    # -- filtering ---------------------------------------------------------------------------
    def cycle_filter(self) -> str:
        """Show the next filter's entries; returns what the log now shows."""
        names = list(FILTERS)
        self.set_filter(names[(names.index(self.filter) + 1) % len(names)])
        return FILTERS[self.filter][0]

    def set_filter(self, name: str) -> None:
        self.filter = name
        self._title()
        self._rewrite()

    def _title(self) -> None:
        shown = FILTERS[self.filter][0]
        self.border_title = "Chat" if self.filter == "all" else f"Chat · {shown} only"
        self.border_subtitle = "f filter · PgUp/PgDn scroll · z zoom"

    # -- writing -----------------------------------------------------------------------------
    def _add(self, entry: Entry, follow: bool = False) -> None:
        self.entries.append(entry)
        if entry.kind in FILTERS[self.filter][1]:
            at_end = self.scroll_y >= self.max_scroll_y - 1
            self._write(entry, scroll=follow or at_end)

    def _write(self, entry: Entry, scroll: bool) -> None:
        """One entry: the time in its gutter, the text wrapping under itself (a hanging
        indent), never back under the timestamps."""
        grid = Table.grid(padding=(0, 1, 0, 0), expand=True)
        grid.add_column(width=8, no_wrap=True)
        grid.add_column(ratio=1, overflow="fold")
        grid.add_row(entry.gutter, entry.body)
        width = self.scrollable_content_region.width
        self.write(grid, width=width - 1 if width > 20 else None, expand=True,
                   scroll_end=scroll)

    def _rewrite(self) -> None:
        self.clear()
        shown = FILTERS[self.filter][1]
        for entry in self.entries:
            if entry.kind in shown:
                self._write(entry, scroll=False)
        self.scroll_end(animate=False, immediate=False)

    def on_resize(self, event: events.Resize) -> None:
        """Wrap everything again at the new width (lines are laid out when written)."""
        super().on_resize(event)  # (RichLog writes what waited for a known size)
        width = self.scrollable_content_region.width
        if width != self._width:
            first, self._width = not self._width, width
            if not first and self.entries:
                self._rewrite()
