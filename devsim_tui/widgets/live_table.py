"""A fast read-mostly table: Line API rendering, keyed rows, only changed lines repainted.

Textual's DataTable costs ~60 ms a frame when every cell changes at 10 Hz; rendering lines on
demand from plain tuples costs a tenth of that. Rows are ``(key, cells, style)``; ``update``
diffs them against what is shown and refreshes only the lines that differ, so the cursor and
scroll position stay where the person left them, and the cursor stays on its row's key when
rows move.

Colours: a row's style colours the whole line (``warn`` yellow, ``bad`` red); a column marked
``status`` colours its cell by the word in it (``ok`` green, ``degraded`` yellow, ``failing``
red: ``format.status_style``). The cursor is a background only, so a failing row stays red
under it.

Sorting, as in k9s: ``s`` sorts by the next column (after the last, back to the order the rows
came in), ``S`` reverses. Cells that hold numbers (``1.2k``, ``605ms``, ``42%``, ``3/3``) sort
as numbers, largest first by default; text sorts A→Z; empty cells go last either way. The
header marks the column with ▲ (ascending) or ▼ (descending). Rows with a ``parent`` (a
database's nodes) stay under their parent, in their own order. The order is kept through
updates: each ``update`` sorts the new rows (the parsed keys are cached by cell text) before
the diff.
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

from .format import status_style
from .row_order import RowOrder

__all__ = ["Column", "LiveTable", "Row"]


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int
    justify: str = "left"  # "left" or "right"
    status: bool = False  # colour the cell by its state word (ok, degraded, failing, firing…)


@dataclass(frozen=True, slots=True)
class Row:
    """One line: cell text by column key (columns not shown are simply ignored)."""

    key: str
    cells: dict[str, str]
    style: str = ""  # a component class suffix: "ok", "warn", "bad", "dim" or ""
    parent: str = ""  # the key of the row this one belongs under (kept there when sorting)




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
        Binding("s", "sort", "Sort", id="table.sort",
                tooltip="Sort by the next column (numbers largest first); again for the next"),
        Binding("S", "sort_reverse", "Reverse", show=False, id="table.sort-reverse",
                tooltip="Reverse the sort order"),
        Binding("tab", "app.next_pane", "Next pane", show=False, id="table.next-pane"),
        Binding("left", "sideways(-1)", "Left", show=False, id="table.left"),
        Binding("right", "sideways(1)", "Right", show=False, id="table.right"),
    ]
    COMPONENT_CLASSES = {"live-table--header", "live-table--sorted", "live-table--cursor",
                         "live-table--ok", "live-table--warn", "live-table--bad",
                         "live-table--dim", "live-table--empty", "live-table--good-cell",
                         "live-table--warn-cell", "live-table--bad-cell"}
    DEFAULT_CSS = """
    LiveTable { height: 1fr; scrollbar-size-vertical: 1; scrollbar-size-horizontal: 0;
                overflow-x: auto; }
    LiveTable > .live-table--header { text-style: bold; color: $text-muted; }
    LiveTable > .live-table--sorted { text-style: bold; color: $text-accent; }
    LiveTable > .live-table--cursor { background: $surface-lighten-1; }
    LiveTable:focus > .live-table--cursor { background: $primary 30%; }
    LiveTable > .live-table--ok { color: $text; }
    LiveTable > .live-table--warn { color: $text-warning; }
    LiveTable > .live-table--bad { color: $text-error; text-style: bold; }
    LiveTable > .live-table--dim { color: $text-muted; }
    LiveTable > .live-table--empty { color: $text-muted; text-style: italic; }
    LiveTable > .live-table--good-cell { color: $text-success; }
    LiveTable > .live-table--warn-cell { color: $text-warning; }
    LiveTable > .live-table--bad-cell { color: $text-error; text-style: bold; }
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
        self.rows: list[Row] = []  # as shown (sorted)
        self.empty = empty
        self.order = RowOrder()  # by which column (None: the order given), which way
        self._given: list[Row] = []  # as passed to ``update``
        self._cursor_bg: tuple[Style | None, Style] = (None, Style())  # (full style, background)

    # -- public API --------------------------------------------------------------------------
    def set_columns(self, columns: Sequence[Column]) -> None:
        self.columns = list(columns)
        if self.sort_column is not None and all(c.key != self.sort_column
                                                for c in self.columns):
            self.order.column = None  # the sort column no longer fits: the given order
            self._show(self._given)
        self._resize()
        self.refresh()

    def update(self, rows: Sequence[Row]) -> None:
        """Show ``rows`` (in the current sort order): repaint only the lines that changed."""
        self._given = list(rows)
        self._show(self._sorted(self._given))

    def sort_by(self, column: str | None, descending: bool | None = None) -> None:
        """Sort by ``column`` (None: the order given); ``descending`` None: the column's
        natural direction (numbers largest first, text A→Z)."""
        self.order.column = column
        if descending is None:
            descending = column is not None and self._numeric(column)
        self.order.descending = descending
        self._show(self._sorted(self._given))
        self.refresh_line(self.scroll_offset.y)  # the header (line 0 on screen)

    @property
    def cursor_key(self) -> str | None:
        return self.rows[self.cursor].key if self.rows else None

    def move_to(self, key: str) -> None:
        for i, row in enumerate(self.rows):
            if row.key == key:
                self.cursor = i

    @property
    def sort_column(self) -> str | None:
        return self.order.column

    @property
    def sort_descending(self) -> bool:
        return self.order.descending

    def _numeric(self, column: str) -> bool:
        return self.order.numeric(self._given, column)

    def _sorted(self, rows: list[Row]) -> list[Row]:
        return self.order.apply(rows)

    def _show(self, rows: list[Row]) -> None:
        """Put ``rows`` on screen; the cursor stays on its row's key if that is still shown."""
        old, key = self.rows, self.cursor_key
        self.rows = rows
        if len(old) != len(rows):
            self._resize()
            self.refresh()
        else:
            for i, (before, after) in enumerate(zip(old, rows, strict=True)):
                if before != after:
                    self.refresh_line(i + 1)
        if not rows:
            self.cursor = 0
        elif key is not None and (self.cursor >= len(rows) or rows[self.cursor].key != key):
            self.cursor = next((i for i, r in enumerate(rows) if r.key == key),
                               min(self.cursor, len(rows) - 1))

    # -- rendering ---------------------------------------------------------------------------
    def _resize(self) -> None:
        width = sum(c.width + 1 for c in self.columns)
        self.virtual_size = Size(width + 1, len(self.rows) + 1)  # wider than shown: ← → scroll

    def render_lines(self, crop):  # noqa: ANN001, ANN201 - Textual's signature
        """Styles are looked up once a frame, not once a line: working out a widget's style
        walks its ancestors' styles, and costs more than drawing the line."""
        self._styles: dict[str, Style] = {}
        return super().render_lines(crop)

    def _style(self, component: str) -> Style:
        """The widget's style ("") or a component class's, cached for this frame."""
        cache = getattr(self, "_styles", None)
        if cache is None:
            cache = self._styles = {}
        found = cache.get(component)
        if found is None:
            found = cache[component] = (self.rich_style if not component
                                        else self.get_component_rich_style(component))
        return found

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self._style("")
        if y == 0:
            return self._header(base, width)
        index = y - 1 + self.scroll_offset.y
        if not self.rows:
            if y == 1:
                style = base + self._style("live-table--empty")
                return Strip([Segment(f" {self.empty}".ljust(width)[:width], style)], width)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        style = base + self._style(f"live-table--{row.style or 'ok'}")
        cursor = None
        if index == self.cursor:  # a background only: the row keeps its colours
            cursor = self._cursor_background()
            style = style + cursor
        return self._strip(row.cells, style, width, cursor)

    def _cursor_background(self) -> Style:
        full = self._style("live-table--cursor")
        if self._cursor_bg[0] is not full:
            self._cursor_bg = (full, Style(bgcolor=full.bgcolor))
        return self._cursor_bg[1]

    def _header(self, base: Style, width: int) -> Strip:
        cells = {c.key: c.title for c in self.columns}
        sorted_style = None
        column = self.sort_column
        if column is not None and column in cells:
            arrow = "▼" if self.sort_descending else "▲"
            size = next(c.width for c in self.columns if c.key == column)
            cells[column] = cells[column][: max(size - 1, 0)] + arrow
            sorted_style = base + self._style("live-table--sorted")
        header = base + self._style("live-table--header")
        strip = self._strip(cells, header, width, None,
                            {column: sorted_style} if sorted_style else None)
        # columns beyond the edges: a marker says which way to scroll (← →)
        left, right = self.scroll_offset.x > 0, self.scroll_offset.x < self.max_scroll_x
        if width > 2 and (left or right):
            marker = header + self._style("live-table--sorted")
            middle = strip.crop(1, width - 1)
            strip = Strip([Segment("‹" if left else " ", marker), *middle,
                           Segment("›" if right else " ", marker)], width)
        return strip

    def _strip(self, cells: dict[str, str], style: Style, width: int, cursor: Style | None,
               accents: dict[str | None, Style | None] | None = None) -> Strip:
        """One line: the cells padded to their columns in ``style``, with status cells (or the
        ``accents`` given by column) in their own colour."""
        parts = []
        spans: list[tuple[int, int, Style]] = []
        x = 1
        for column in self.columns:
            cell = cells.get(column.key, "")
            text = cell if len(cell) <= column.width else cell[: column.width - 1] + "…"
            parts.append(text.rjust(column.width) if column.justify == "right"
                         else text.ljust(column.width))
            accent = None
            if accents is not None:
                accent = accents.get(column.key)
            elif column.status and (kind := status_style(cell)):
                accent = style + self._style(f"live-table--{kind}-cell")
                if cursor is not None:
                    accent = accent + cursor
            if accent is not None:
                spans.append((x, x + column.width, accent))
            x += column.width + 1
        line = " " + " ".join(parts)
        offset = self.scroll_offset.x
        if offset:
            line = line[offset:]
            spans = [(a - offset, b - offset, s) for a, b, s in spans]
        line = line.ljust(width)[:width]
        if not spans:
            return Strip([Segment(line, style)], width)
        segments = []
        at = 0
        for start, end, accent in spans:
            start, end = max(start, at), min(end, width)
            if end <= start:
                continue
            if start > at:
                segments.append(Segment(line[at:start], style))
            segments.append(Segment(line[start:end], accent))
            at = end
        if at < width:
            segments.append(Segment(line[at:], style))
        return Strip(segments, width)

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

    def action_sideways(self, step: int) -> None:
        """Scroll a column's width left or right (the columns that do not fit)."""
        widths = [c.width + 1 for c in self.columns] or [8]
        x = max(0, min(self.scroll_offset.x + step * max(widths), self.max_scroll_x))
        self.scroll_to(x=x, animate=False)
        self.refresh()

    def action_cursor_to(self, index: int) -> None:
        if self.rows:
            self.cursor = index if index >= 0 else len(self.rows) - 1

    def action_select(self) -> None:
        if self.rows:
            self.post_message(self.RowSelected(self, self.rows[self.cursor].key))

    def action_sort(self) -> None:
        """The next column; after the last, the order the rows came in."""
        keys = [c.key for c in self.columns]
        if self.sort_column not in keys:
            self.sort_by(keys[0] if keys else None)
        else:
            following = keys.index(self.sort_column) + 1
            self.sort_by(keys[following] if following < len(keys) else None)

    def action_sort_reverse(self) -> None:
        if self.sort_column is None:
            first = self.columns[0].key if self.columns else None
            self.sort_by(first, descending=not (first is not None and self._numeric(first)))
        else:
            self.sort_by(self.sort_column, not self.sort_descending)

