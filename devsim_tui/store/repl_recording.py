"""Recording ``devsim repl``: the recorder wired to the REPL's chat session, and a beat that
hands a batch to the writer thread every frame while the prompt runs.

Commands go through the chat session's journal (committed before they act); events and
minutes are written by the writer thread, off the prompt's event loop. The beat runs on the
loop that steps the simulation, between its steps. A failure of the store is said once, as a
note above the prompt, and recording stops; the REPL goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable
from typing import Any

from .recorder import Recorder

__all__ = ["BEAT_S", "record_repl", "recording"]

BEAT_S = 0.1  # as the prompt's frame


def record_repl(repl: Any, recorder: Recorder) -> None:
    """Record ``repl`` (a ``Repl``) into ``recorder``'s session."""
    recorder.attach(repl.session)

    def failed(message: str) -> None:
        repl.printer.note(f"devsim repl: {message}")

    recorder.on_error = failed


async def recording(main: Awaitable[int], recorder: Recorder | None,
                    every_s: float = BEAT_S) -> int:
    """Await ``main`` (the prompt loop) while ``recorder`` writes a batch every ``every_s``;
    the session is closed as ``stopped`` when it ends, however it ends."""
    if recorder is None:
        return await main

    async def beat() -> None:
        while True:
            await asyncio.sleep(every_s)
            recorder.checkpoint()

    task = asyncio.ensure_future(beat())
    try:
        return await main
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        recorder.close("stopped")
