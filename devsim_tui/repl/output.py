"""What the REPL prints, and how: events, replies, the confirmation question, notes.

Events read as ``devsim run --format text`` writes them (``headless/event_text.py``), one
line each, coloured by what they mean (a crash red, a recovery green). Replies start with
✓ or ✗; a reply of several lines keeps its shape, indented under the mark.

``Printer`` writes to a prompt_toolkit ``Output``. While a prompt is on screen the lines go
above it (``run_in_terminal``: the prompt is erased, the lines printed, the prompt drawn
again, with what was typed so far). Without colour (``NO_COLOR``, or plain mode) the lines
are written as bare text: no escape sequence at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from prompt_toolkit.application import get_app_or_none, run_in_terminal
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.output import Output
from prompt_toolkit.renderer import print_formatted_text
from prompt_toolkit.styles import Style

from engine import Event

from ..headless.event_text import format_event

__all__ = ["EVENT_INDENT", "PLAIN_STYLE", "STYLE", "Printer", "event_line", "label_width",
           "labelled", "reply_lines", "worth_showing", "wrap"]

EVENT_INDENT = 32  # an event's text starts after its clock and type columns
REPLY_INDENT = 2  # under the ✓ or ✗

STYLE = Style.from_dict({
    "ok": "ansigreen",
    "bad": "ansired",
    "warn": "ansiyellow",
    "time": "ansibrightblack",
    "label": "ansibrightblack",
    "note": "ansibrightblack",
    "title": "bold",
    "prompt": "bold",
    "bottom-toolbar": "noreverse bg:ansiblack ansiwhite",
    "bottom-toolbar.paused": "bold ansiyellow",
    "bottom-toolbar.firing": "bold ansired",
    "bottom-toolbar.quiet": "ansigreen",
})
# NO_COLOR: the toolbar stands out by reverse video, alerts by bold; no colour at all
PLAIN_STYLE = Style.from_dict({
    "title": "bold", "prompt": "bold", "bottom-toolbar": "reverse",
    "bottom-toolbar.paused": "bold", "bottom-toolbar.firing": "bold",
})

# an event's colour by its type (anything not named here is plain)
_EVENT_CLASS: dict[str, str] = {
    "instance.crashed": "bad", "deploy.aborted": "bad", "chaos.refused": "warn",
    "deploy.rolled_back": "warn", "db.failover.started": "bad", "db.failover": "warn",
    "chaos.started": "warn", "anomaly": "warn", "rewind": "warn",
    "instance.restarted": "ok", "deploy.completed": "ok", "chaos.ended": "ok",
    "alert.resolved": "ok", "anomaly.cleared": "ok", "db.backup": "ok", "db.restore": "ok",
}
_SEVERITY_CLASS = {"critical": "bad", "warning": "warn"}


def worth_showing(event: Event) -> bool:
    """Everything but an exercise's secrets, muted alerts (silenced or inhibited: nobody is
    paged) and ``command`` events (the reply is printed instead)."""
    data = event.data
    if data.get("hidden") or event.type == "command":
        return False
    return not (event.type.startswith("alert.") and (data.get("silenced") or
                                                     data.get("inhibited")))


def event_line(event: Event) -> StyleAndTextTuples:
    """``[00:20:45] scale                web 3 → 4 instances — …``, coloured by meaning."""
    line = format_event(event)
    clock, sep, rest = line.partition("] ")
    kind = _EVENT_CLASS.get(event.type, "")
    if event.type == "alert.firing":
        kind = _SEVERITY_CLASS.get(str(event.data.get("severity")), "warn")
    return [("class:time", clock + sep), (f"class:{kind}" if kind else "", rest)]


def reply_lines(ok: bool, message: str) -> StyleAndTextTuples:
    """``✓ production: scaled cart 2 → 3``; further lines indented under the mark."""
    first, *rest = message.splitlines() or [""]
    out: StyleAndTextTuples = [("class:ok" if ok else "class:bad", "✓ " if ok else "✗ "),
                               ("", first)]
    for line in rest:
        out += [("", "\n"), ("", f"  {line}" if line else "")]
    return out


def label_width(lines: Sequence[tuple[str, str]]) -> int:
    """Where the text of ``labelled`` rows starts."""
    return max((len(label) for label, _ in lines), default=0) + 4


def labelled(lines: Sequence[tuple[str, str]]) -> StyleAndTextTuples:
    """(label, text) rows with the labels in one column, as the confirmation shows them."""
    width = label_width(lines) - 4
    out: StyleAndTextTuples = []
    for number, (label, text) in enumerate(lines):
        if number:
            out.append(("", "\n"))
        style = {"assumed": "class:warn", "what changes": "class:title"}.get(label, "")
        out += [("class:label", f"  {label:<{width}}  "), (style, text)]
    return out


class Printer:
    """Prints fragments to ``output``: above the prompt while one is on screen.

    Args:
        output: where lines go (the terminal's output, or a test's).
        color: styled text; without it, bare text and no escape sequence at all.
    """

    def __init__(self, output: Output, color: bool = True,
                 width: Callable[[], int] | None = None) -> None:
        self.output = output
        self.color = color
        self.width = width  # the terminal's columns (None: lines are not wrapped)
        self._pending: list[Any] = []  # lines waiting for the prompt to make room

    def show(self, fragments: StyleAndTextTuples, indent: int = 0, end: str = "\n") -> None:
        """Print one or more lines (fragments, then ``end``), each wrapped at the terminal's
        width with a hanging ``indent``."""
        if self.width is not None:
            fragments = wrap(fragments, self.width(), indent)
        fragments = [*fragments, ("", end)]
        render = self._renderer(fragments)
        app = get_app_or_none()
        if app is not None and app.is_running:
            self._pending.append(run_in_terminal(render))
        else:
            render()

    def lines(self, rows: Sequence[StyleAndTextTuples], indent: int = 0) -> None:
        """Several lines at once (one redraw of the prompt for all of them)."""
        joined: StyleAndTextTuples = []
        for number, row in enumerate(rows):
            joined += ([("", "\n")] if number else []) + list(row)
        if rows:
            self.show(joined, indent)

    def note(self, text: str) -> None:
        self.show([("class:note", text)])

    def reply(self, ok: bool, message: str) -> None:
        self.show(reply_lines(ok, message), REPLY_INDENT)

    async def drain(self) -> None:
        """Wait until every line queued above the prompt is out (keeps the order of a reply
        after the events that came before it)."""
        pending, self._pending = self._pending, []
        for future in pending:
            await future

    def _renderer(self, fragments: StyleAndTextTuples) -> Callable[[], None]:
        output = self.output
        if self.color:
            def render() -> None:
                print_formatted_text(output, fragments, STYLE,
                                     color_depth=output.get_default_color_depth())
                output.flush()
        else:
            text = "".join(fragment[1] for fragment in fragments)

            def render() -> None:
                output.write(text)
                output.flush()
        return render


_CHUNKS = re.compile(r"\n| +|[^ \n]+ *")


def wrap(fragments: StyleAndTextTuples, width: int, indent: int) -> StyleAndTextTuples:
    """Break lines longer than ``width`` between words; continuation lines start at
    ``indent``. Styles are kept; a word longer than a line is left to the terminal. The last
    column stays free (writing into it makes some terminals wrap on their own)."""
    out: StyleAndTextTuples = []
    width -= 1
    column = 0
    indent = min(indent, max(width // 2, 0))
    for style, text in fragments:
        for chunk in _CHUNKS.findall(text):
            if chunk == "\n":
                out.append((style, chunk))
                column = 0
                continue
            word = chunk.rstrip(" ")
            if word and column > indent and column + len(word) > width:
                out.append(("", "\n" + " " * indent))
                column = indent
            if column + len(chunk) > width:
                chunk = chunk.rstrip(" ")  # no spaces past the edge
            out.append((style, chunk))
            column += len(chunk)
    return out
