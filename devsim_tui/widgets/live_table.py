"""A fast read-mostly table: Line API rendering, keyed rows, only changed lines repainted.

Textual's DataTable costs ~60 ms a frame when every cell changes at 10 Hz; rendering lines on
demand from plain tuples costs a tenth of that. Rows are ``(key, cells, style)``; ``update``
diffs them against what is shown and refreshes only the lines that differ, so the cursor and
scroll position stay where the person left them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["Column", "LiveTable", "Row"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int
    justify: str = "left"  # "left" or "right"


@dataclass(frozen=True, slots=True)
class Row:
    """One line: cell text by column key (columns not shown are simply ignored)."""

    key: str
    cells: dict[str, str]
    style: str = ""  # a component class suffix: "ok", "warn", "bad", "dim" or ""


class LiveTable(ScrollView, can_focus=True):
    """Rows of plain text cells with a header line and a cursor."""

    BINDINGS = [
        Binding("up", "cursor(-1)", "Up", show=False, id="table.up"),
        Binding("down", "cursor(1)", "Down", show=False, id="table.down"),
        Binding("k", "cursor(-1)", "Up", show=False, id="table.up.vi"),
        Binding("j", "cursor(1)", "Down", show=False, id="table.down.vi"),
        Binding("home", "cursor_to(0)", "First", show=False, id="table.first"),
        Binding("end", "cursor_to(-1)", "Last", show=False, id="table.last"),
        Binding("enter", "select", "Open", id="table.open", tooltip="Open the detail screen"),
        Binding("tab", "app.next_pane", "Next pane", show=False, id="table.next-pane"),
    ]
    COMPONENT_CLASSES = {"live-table--header", "live-table--cursor", "live-table--ok",
                         "live-table--warn", "live-table--bad", "live-table--dim",
                         "live-table--empty"}
    DEFAULT_CSS = """
    LiveTable { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    LiveTable > .live-table--header { text-style: bold; color: $text-muted; }
    LiveTable > .live-table--cursor { background: $surface-lighten-1; }
    LiveTable:focus > .live-table--cursor { background: $primary 40%; }
    LiveTable > .live-table--ok { color: $text; }
    LiveTable > .live-table--warn { color: $warning; }
    LiveTable > .live-table--bad { color: $error; text-style: bold; }
    LiveTable > .live-table--dim { color: $text-muted; }
    LiveTable > .live-table--empty { color: $text-muted; text-style: italic; }
    """

    cursor = reactive(0)
    """Index of the highlighted row."""

    class RowSelected(Message):
        """Enter was pressed on a row."""

        def __init__(self, table: LiveTable, key: str) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, columns: Sequence[Column], empty: str = "Nothing here yet",
                 *, id: str | None = None) -> None:  # noqa: A002 - Textual's name
        """Args:
            columns: the columns, in order.
            empty: what to say when there are no rows.
            id: the widget id.
        """
        super().__init__(id=id)
        self.columns = list(columns)
        self.rows: list[Row] = []
        self.empty = empty

    # -- public API --------------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        self._resize()
        self.refresh()

    def update(self, rows: Sequence[Row]) -> None:
        """Show ``rows``: repaint only the lines whose content changed."""
        old = self.rows
        self.rows = list(rows)
        if len(old) != len(self.rows):
            self._resize()
            self.cursor = min(self.cursor, max(len(self.rows) - 1, 0))
            self.refresh()
            return
        for i, (before, after) in enumerate(zip(old, self.rows, strict=True)):
            if before != after:
                self.refresh_line(i + 1)

    @property
    def cursor_key(self) -> str | None:
        return self.rows[self.cursor].key if self.rows else None

    def move_to(self, key: str) -> None:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i

    # -- rendering ---------------------------------------------------------------------------
    def _resize(self) -> None:
        width = sum(c.width + 1 for c in self.columns)
        self.virtual_size = Size(min(width, self.size.width or width), len(self.rows) + 1)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y == 0:
            cells = {c.key: c.title for c in self.columns}
            return self._strip(cells, base + self.get_component_rich_style("live-table--header"),
                               width)
        index = y - 1 + self.scroll_offset.y
        if not self.rows:
            if y == 1:
                style = base + self.get_component_rich_style("live-table--empty")
                return Strip([Segment(f" {self.empty}".ljust(width)[:width], style)], width)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style = base + self.get_component_rich_style(f"live-table--{row.style or 'ok'}")
        if index == self.cursor:
            style = style + self.get_component_rich_style("live-table--cursor")
        return self._strip(row.cells, style, width)

    def _strip(self, cells: dict[str, str], style: Style, width: int) -> Strip:
        parts = []
        for column in self.columns:
            cell = cells.get(column.key, "")
            text = cell if len(cell) <= column.width else cell[: column.width - 1] + "…"
            parts.append(text.rjust(column.width) if column.justify == "right"
                         else text.ljust(column.width))
        line = (" " + " ".join(parts))[self.scroll_offset.x:]
        return Strip([Segment(line.ljust(width)[:width], style)], width)

    # -- reactions ---------------------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old + 1)
        self.refresh_line(new + 1)
        visible = max(self.size.height - 1, 1)
        if new < self.scroll_offset.y:
            self.scroll_to(y=new, animate=False)
        elif new >= self.scroll_offset.y + visible:
            self.scroll_to(y=new - visible + 1, animate=False)

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.cursor = index if index >= 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.rows[self.cursor].key))
