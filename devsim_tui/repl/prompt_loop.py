"""The interactive REPL: a prompt_toolkit prompt in an asyncio loop, the clock running behind.

``run_prompt`` awaits one line at a time (``prompt_async``) while a background task steps
the simulation against the wall clock (``Pacer``) and prints its events above the prompt.
The prompt keeps its history in a file, suggests from it (→ takes the suggestion), completes
with Tab (``ChatCompleter``), and shows a bottom toolbar (``toolbar``). Ctrl-C clears the
line, Ctrl-D on an empty line leaves. A paste of several lines runs them in order.
Confirmations are a second, bare prompt (no history, no completion): ``y`` or ``yes`` goes
ahead; anything else, Ctrl-C and Ctrl-D cancel.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.formatted_text import StyleAndTextTuples
from prompt_toolkit.history import History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.key_binding import KeyBindings, KeyPressEvent
from prompt_toolkit.keys import Keys
from prompt_toolkit.output import Output

from ..chatops.completion import SimulationVersions
from .completer import ChatCompleter
from .core import Repl
from .meta import meta_names
from .output import PLAIN_STYLE, STYLE
from .pacer import Pacer
from .toolbar import toolbar
from .turn import Result

__all__ = ["FRAME_S", "build_prompt", "keep_time", "run_prompt"]

FRAME_S = 0.1  # how often the clock steps and the toolbar is redrawn
YES = frozenset({"y", "yes"})


def build_prompt(repl: Repl, history: History | None = None, *, input: Input | None = None,
                 output: Output | None = None) -> PromptSession[str]:
    """The command prompt: history, suggestions, completion, toolbar."""
    return PromptSession(
        message=lambda: _prompt(repl), history=history or InMemoryHistory(),
        auto_suggest=AutoSuggestFromHistory(),
        completer=ChatCompleter(repl.session.context.names, SimulationVersions(repl.sim),
                                meta_names),
        complete_while_typing=True, bottom_toolbar=lambda: toolbar(repl.sim, repl.env),
        style=STYLE if repl.printer.color else PLAIN_STYLE, include_default_pygments_style=False,
        input=input, output=output, prompt_continuation=_continuation, key_bindings=_PASTE,
        enable_history_search=False, mouse_support=False)


def _prompt(repl: Repl) -> StyleAndTextTuples:
    return [("class:prompt", repl.prompt)]


def _continuation(width: int, line_number: int, wrapped: bool) -> StyleAndTextTuples:
    """The lines of a paste, under the prompt: ``       …> ``."""
    return [("class:note", "…> ".rjust(width))]


_PASTE = KeyBindings()


@_PASTE.add(Keys.BracketedPaste)
def _paste(event: KeyPressEvent) -> None:
    """A paste goes in whole, without the blank lines around it (a copied block usually ends
    with a newline) and without popping up completions or suggestions: Enter then runs its
    lines in order."""
    text = event.data.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    while len(lines) > 1 and not lines[0].strip():
        lines.pop(0)
    event.current_buffer.insert_text("\n".join(lines), fire_event=False)


def _asker(session: PromptSession[str]) -> Callable[[str], Awaitable[bool]]:
    async def ask(question: str) -> bool:
        try:
            answer = await session.prompt_async([("class:warn", question)])
        except (KeyboardInterrupt, EOFError):
            return False
        return answer.strip().lower() in YES
    return ask


async def keep_time(repl: Repl, pacer: Pacer, redraw: Callable[[], None],
                    frame_s: float = FRAME_S) -> None:
    """Step the simulation every frame by what the wall clock says is due, letting keys in
    between slices; print what happened, and redraw the toolbar when what it says changed."""
    shown = ""
    while True:
        await asyncio.sleep(frame_s)
        for _ in pacer.slices():
            await asyncio.sleep(0)
        repl.flush()
        now = "".join(text for _, text, *_ in toolbar(repl.sim, repl.env))
        if now != shown:
            shown = now
            redraw()


async def run_prompt(repl: Repl, session: PromptSession[str], pacer: Pacer | None,
                     frame_s: float = FRAME_S) -> int:
    """Read and run lines until ``\\q`` or Ctrl-D; returns the exit code (0)."""
    ask = _asker(PromptSession(input=session.input, output=session.output, style=session.style,
                               include_default_pygments_style=False))
    clock = None
    if pacer is not None:
        clock = asyncio.get_running_loop().create_task(
            keep_time(repl, pacer, session.app.invalidate, frame_s), name="repl-clock")
    try:
        while True:
            try:
                text = await session.prompt_async()
            except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the REPL goes on
                continue
            except EOFError:  # Ctrl-D on an empty line
                break
            if await repl.handle_lines(text.splitlines(), ask) is Result.QUIT:
                break
    finally:
        if clock is not None:
            clock.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await clock
    repl.flush()
    repl.goodbye()
    await repl.printer.drain()
    return 0
