"""Recording the console: the recorder wired to the app's chat session and engine bridge.

Commands go through the chat session's journal (committed before they act, a short wait on
the writer thread); events and minutes are handed to the writer thread after each frame, so
the event loop never waits on the disk for them. A failure of the store is said once, as a
notification, and recording stops; the console goes on.
"""

from __future__ import annotations

from typing import Any

from .recorder import Recorder

__all__ = ["record_console"]


def record_console(app: Any, recorder: Recorder) -> None:
    """Record ``app`` (a ``DevsimApp``) into ``recorder``'s session."""
    recorder.attach(app.session)
    app.bridge.stepped.append(recorder.checkpoint)

    def failed(message: str) -> None:
        app.notify(message, title="session store", severity="error", timeout=15)

    recorder.on_error = failed
