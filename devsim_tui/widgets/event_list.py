"""A log of short event lines that wraps at word boundaries for the width it has.

Unlike ``RichLog``, which wraps a line once, for the width it had when it was written, this
keeps the text and wraps it again whenever the width changes, so a resize or a scrollbar
appearing never cuts a word. Continuation lines are indented under the text, past the
``[hh:mm:ss]`` stamp. The newest line stays in view unless the reader has scrolled up.
"""

from __future__ import annotations

import textwrap
from collections import deque

from rich.segment import Segment
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

__all__ = ["EventList", "wrap_entry"]


def wrap_entry(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` cells, broken only between words (a word longer
    than a whole line is the one exception); runs of spaces are squeezed to one."""
    words = text.split()
    if not words:
        return [""]
    indent = len(words[0]) + 1 if words[0].startswith("[") and width >= 40 else 2
    if max(len(w) for w in words) + indent > width:  # no indent rather than a broken word
        indent = 0
    return textwrap.wrap(" ".join(words), max(width, 1), subsequent_indent=" " * indent,
                         break_on_hyphens=False) or [""]


class EventList(ScrollView, can_focus=True):
    """``add`` lines; they are wrapped to the widget's width, and re-wrapped on resize."""

    COMPONENT_CLASSES = {"event-list--stamp", "event-list--empty"}
    DEFAULT_CSS = """
    EventList { height: 1fr; scrollbar-size-vertical: 1; overflow-x: hidden; }
    EventList > .event-list--stamp { color: $text-muted; }
    EventList > .event-list--empty { color: $text-muted; text-style: italic; }
    """

    def __init__(self, empty: str = "nothing yet", *, max_entries: int = 500,
                 id: str | None = None) -> None:  # noqa: A002 - Textual's name
        super().__init__(id=id)
        self.empty = empty
        self.entries: deque[str] = deque(maxlen=max_entries)
        self.lines: list[tuple[str, int]] = []  # (text, width of its time stamp)
        self._wrapped_for = -1

    def add(self, text: str) -> None:
        at_end = self.scroll_y >= self.max_scroll_y
        dropped = len(self.entries) == self.entries.maxlen
        self.entries.append(text)
        width = self._text_width()
        if dropped or width != self._wrapped_for:
            self._rewrap()
        else:
            self.lines.extend(_lines(text, width))
            self.virtual_size = Size(width, len(self.lines))
        self.refresh()
        if at_end:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def _text_width(self) -> int:
        """The width less the scrollbar's column, whether it shows or not: lines never need
        re-wrapping when it appears."""
        return max(self.size.width - 1, 1) if self.size.width else 80

    def _rewrap(self) -> None:
        width = self._text_width()
        self._wrapped_for = width
        self.lines = [line for text in self.entries for line in _lines(text, width)]
        self.virtual_size = Size(width, len(self.lines))

    def on_resize(self) -> None:
        at_end = self.scroll_y >= self.max_scroll_y
        self._rewrap()
        self.refresh()
        if at_end:
            self.scroll_end(animate=False, immediate=False, x_axis=False)

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.rich_style
        if not self.entries:
            lines = wrap_entry(self.empty, self._text_width())
            if y < len(lines):
                style = base + self.get_component_rich_style("event-list--empty")
                return Strip([Segment(lines[y], style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        index = y + self.scroll_offset.y
        if index >= len(self.lines):
            return Strip.blank(width, base)
        text, stamp = self.lines[index]
        muted = base + self.get_component_rich_style("event-list--stamp")
        return Strip([Segment(text[:stamp], muted), Segment(text[stamp:], base)],
                     len(text)).adjust_cell_length(width, base)


def _lines(text: str, width: int) -> list[tuple[str, int]]:
    lines = wrap_entry(text, width)
    first = lines[0]
    stamp = first.index("]") + 1 if first.startswith("[") and "]" in first else 0
    return [(first, stamp)] + [(line, 0) for line in lines[1:]]
