"""The REPL without a terminal to draw on: stdin piped in, or ``TERM=dumb``.

A plain line loop: each line read from a pipe is echoed after the prompt (so the output reads
as a transcript; at a dumb terminal the prompt is printed first instead), then run through
the same command path as the interactive prompt; a question is answered by the next line
(``y`` or ``yes`` goes ahead; anything else, or the end of the input, cancels). The clock
does not run against the wall here: it moves only with ``advance`` (or ``wait``), so the
same input always prints the same lines. The input's end leaves, as Ctrl-D does.

    printf 'status\\nscale cart to 0\\ny\\n' | devsim repl
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TextIO

from prompt_toolkit.formatted_text import StyleAndTextTuples

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


async def run_plain(repl: Repl, stdin: TextIO = sys.stdin,
                    after_line: Callable[[], None] = lambda: None) -> int:
    """Read and run lines until ``\\q`` or the end of the input; returns the exit code (0).
    At a dumb terminal the prompt comes before the line (the terminal shows what is typed);
    with piped input the line is echoed after it."""
    typed = _isatty(stdin)

    def read(prompt: StyleAndTextTuples, question: bool = False) -> str | None:
        if typed:
            repl.printer.show(prompt, end="")
        try:
            line = stdin.readline()
        except KeyboardInterrupt:  # at a dumb terminal, Ctrl-C drops the line
            if not typed:
                raise
            repl.printer.show([])
            return ""
        text = line.rstrip("\r\n") if line else None
        if not typed and text is not None and (question or text.strip()):
            repl.printer.show([*prompt, ("", text)])
        return text

    async def ask(question: str) -> bool:
        answer = read([("class:warn", question)], question=True)
        return answer is not None and answer.strip().lower() in YES

    while (line := read([("class:prompt", repl.prompt)])) is not None:
        if await repl.handle(line, ask) is Result.QUIT:
            break
        after_line()  # (the interop attachments: the clock moves only with lines here)
    if typed:
        repl.printer.show([])  # the prompt Ctrl-D left open
    repl.flush()
    repl.goodbye()
    return 0
