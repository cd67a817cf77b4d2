"""What became of one line typed at the REPL, and how a question is put to the person."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import Enum

__all__ = ["Ask", "Result"]


class Result(Enum):
    DONE = "done"  # ran (or was only a question, or nothing to do)
    FAILED = "failed"  # not understood, refused or cancelled: a pasted script stops here
    QUIT = "quit"  # the person is leaving


Ask = Callable[[str], Awaitable[bool]]
"""Put a yes/no question (the text of the prompt) and wait for the answer; no means no."""
