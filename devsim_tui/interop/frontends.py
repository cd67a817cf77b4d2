"""The interop attachments fitted to the interactive front ends (the console, the REPL).

Headless ``devsim run`` is strict (bad interop input: one line, exit 2). The interactive
ones keep running: a port in use or an endpoint failing is a one-line notice — a toast in
the console, a note at the REPL — and the other attachments carry on. Notices may come from
any thread (an HTTP delivery thread); they are queued and shown from the front end's own
stepping loop.
"""

from __future__ import annotations

import argparse
from collections import deque
from collections.abc import Callable
from typing import Any

from .wiring import Interop, start_interop

__all__ = ["Notices", "attach_console", "attach_repl"]


class Notices:
    """One-line notices from any thread, drained on the front end's thread."""

    def __init__(self) -> None:
        self._lines: deque[str] = deque()

    def __call__(self, line: str) -> None:
        self._lines.append(line)  # deque.append is atomic: safe from any thread

    def drain(self, show: Callable[[str], None]) -> None:
        while self._lines:
            show(self._lines.popleft())


def attach_console(args: argparse.Namespace, app: Any) -> Interop:
    """Start the attachments for the console ``app``; fed after each frame of its bridge."""
    notices = Notices()
    interop = start_interop(args, app.sim, report=notices, strict=False)

    def stepped() -> None:
        interop.stepped()
        notices.drain(lambda line: app.notify(line, title="observability tools",
                                              severity="warning", timeout=10))

    app.bridge.stepped.append(stepped)
    return interop


def attach_repl(args: argparse.Namespace, sim: Any, note: Callable[[str], None]) -> tuple[
        Interop, Callable[..., None]]:
    """Start the attachments for the REPL; returns them and the hook its clock calls after
    each slice of steps (``force=True`` after a line at the plain prompt, where the clock
    moves only with lines); the hook also shows queued notices with ``note``."""
    notices = Notices()
    interop = start_interop(args, sim, report=notices, strict=False)
    notices.drain(note)  # the start-up lines at once (the prompt is not up yet)

    def stepped(force: bool = False) -> None:
        interop.stepped(force)
        notices.drain(note)

    return interop, stepped

