"""The REPL without a terminal to draw on: stdin piped in, or ``TERM=dumb``.

A plain line loop: each line read is echoed after the prompt (so the output reads as a
transcript), then run through the same command path as the interactive prompt; a question
is answered by the next line (``y`` or ``yes`` goes ahead; anything else, or the end of the
input, cancels). The clock does not run against the wall here: it moves only with
``advance`` (or ``wait``), so the same input always prints the same lines. The input's end
leaves, as Ctrl-D does.

    printf 'status\\nscale cart to 0\\ny\\n' | devsim repl
"""

from __future__ import annotations

import sys
from typing import TextIO

from .core import Repl
from .turn import Result

__all__ = ["is_plain_terminal", "run_plain"]

YES = frozenset({"y", "yes"})


def is_plain_terminal(stdin: TextIO, stdout: TextIO, term: str | None) -> bool:
    """No prompt to draw: input or output is not a terminal, or the terminal is dumb."""
    return term == "dumb" or not _isatty(stdin) or not _isatty(stdout)


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed or not a real stream
        return False


async def run_plain(repl: Repl, stdin: TextIO = sys.stdin) -> int:
    """Read and run lines until ``\\q`` or the end of the input; returns the exit code (0)."""

    def read() -> str | None:
        try:
            line = stdin.readline()
        except KeyboardInterrupt:  # at a dumb terminal, Ctrl-C drops the line
            if not _isatty(stdin):
                raise
            return ""
        return line.rstrip("\r\n") if line else None

    async def ask(question: str) -> bool:
        answer = read()
        repl.printer.show([("class:warn", question), ("", answer or "")])
        return answer is not None and answer.strip().lower() in YES

    while (line := read()) is not None:
        if not line.strip():
            continue
        repl.printer.show([("class:prompt", repl.prompt), ("", line)])
        if await repl.handle(line, ask) is Result.QUIT:
            break
    repl.flush()
    repl.goodbye()
    return 0
