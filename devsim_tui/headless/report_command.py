"""``devsim report``: the debrief of a recorded session, as Markdown.

A header (scenario, seed, front end, who, when, how far it got, state), the branches when a
rewind made several, the timeline of one branch (its commands and the events that matter),
then its incidents, faults, rollouts, expectations and each component's worst figures.
Default: the newest session, the branch that stands. ``--output FILE`` writes it to a file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from .arguments import non_negative_int

if TYPE_CHECKING:
    from devsim_tui.store.report import Debrief

__all__ = ["configure", "execute", "render"]

REPLY_WIDTH = 80
OUTCOMES = {"applied": "applied", "rejected": "not understood", "refused": "refused",
            "cancelled": "cancelled", "pending": "pending (not finished)"}


def configure(parser: argparse.ArgumentParser) -> None:
    from devsim_tui.store.recording import add_session_arguments

    add_session_arguments(parser)
    parser.add_argument("--branch", type=non_negative_int, default=None, metavar="N",
                        help="report branch N (default: the one that stands; see devsim sessions)")
    parser.add_argument("--output", default=None, metavar="FILE",
                        help="write the Markdown to FILE instead of printing it")


def execute(args: argparse.Namespace) -> int:
    from devsim_tui.store.database import open_store
    from devsim_tui.store.report import load_debrief

    db = open_store(args.db, create=False)
    try:
        debrief = load_debrief(db, args.session, args.branch)
    finally:
        db.conn.close()
    text = render(debrief)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        with open(args.output, "w", encoding="utf-8") as out:
            out.write(text)
    except OSError as exc:
        print(f"devsim report: error: {args.output}: cannot write the report: "
              f"{exc.strerror or exc}", file=sys.stderr)
        return 2
    print(f"devsim report: wrote {args.output}", file=sys.stderr)
    return 0


# -- Markdown ------------------------------------------------------------------------------

def cell(value: Any, width: int | None = None) -> str:
    """One table cell: one line, pipes escaped, cut to ``width`` characters with an ellipsis."""
    text = " ".join(str("" if value is None else value).split())
    if width is not None and len(text) > width:
        text = text[:width - 1].rstrip() + "…"
    return text.replace("\\", "\\\\").replace("|", "\\|") or "—"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) if not isinstance(v, _Raw) else v for v in row) + " |"
              for row in rows]
    return [*lines, ""]


class _Raw(str):
    """A cell already escaped (and cut)."""


def clock(ms: int | None) -> str:
    from engine import format_clock

    return "—" if ms is None else format_clock(ms)


def lasted(start_ms: int, end_ms: int | None, open_text: str) -> str:
    if end_ms is None:
        return open_text
    seconds = (end_ms - start_ms) // 1000
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours}h"] * bool(hours) + [f"{minutes}m"] * bool(minutes)
    return "".join(parts + [f"{seconds}s"] * bool(seconds or not parts))


def _wall(iso: str | None) -> str:
    if not iso:
        return "—"
    try:
        return datetime.fromisoformat(iso).astimezone(timezone.utc).strftime(
            "%Y-%m-%d %H:%M:%S UTC")
    except ValueError:
        return iso


def render(debrief: Debrief) -> str:
    from . import report_sections

    lines = [*_header(debrief)]
    for section in report_sections.SECTIONS:
        lines += section(debrief)
    return "\n".join(lines).rstrip("\n") + "\n"


def _header(d: Debrief) -> list[str]:
    s = d.session
    front = s["front_end"] + (f" (script {s['script']})" if s.get("script") else "")
    ended = f" → {_wall(s['ended'])}" if s.get("ended") else ""
    branch = (f"{d.branch} of {len(d.branches)}"
              + (", the one that stands" if d.branch == d.standing else
                 f"; branch {d.standing} stands"))
    from devsim_tui.store.queries import state_of

    rows = [("scenario", s["scenario"]), ("seed", s["seed"]), ("front end", front),
            ("who", s.get("user")), ("when", _wall(s["started"]) + ended),
            ("simulated", f"00:00:00 → {clock(d.reached_ms)} on this branch"
                          f" (session reached {clock(s['last_t_ms'] or 0)})"),
            ("state", state_of(s)), ("branch", branch)]
    return [f"# Debrief: session {s['id']}", "", *table(("", ""), rows)]
