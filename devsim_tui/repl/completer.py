"""Tab completion for the REPL: the console's slot-aware completion, as a prompt_toolkit
``Completer``.

The candidates come from ``chatops.completion.complete`` — the registry's commands and the
scenario's names, by slot ("deploy checkout " → checkout's versions, "fail over " →
databases) — so the REPL and the console always offer the same words. Each candidate
replaces the word being typed; the menu says what kind of word it is. A line that starts
with a backslash completes the REPL's meta commands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.document import Document

from engine.faults import fault_names

from ..chatops.completion import Versions, complete
from ..chatops.names import NameIndex

__all__ = ["ChatCompleter"]

LIMIT = 30


class ChatCompleter(Completer):
    """Completes the word before the cursor.

    Args:
        names: the scenario's names (kept current by the chat session).
        versions: where a service's versions come from (the running simulation).
        meta: the REPL's meta commands (``\\q``, ``\\env`` …), offered after a backslash.
    """

    def __init__(self, names: NameIndex, versions: Versions | None = None,
                 meta: Callable[[], Sequence[str]] = tuple) -> None:
        self.names = names
        self.versions = versions
        self.meta = meta

    def get_completions(self, document: Document,
                        complete_event: CompleteEvent) -> Iterable[Completion]:
        text = document.text_before_cursor
        if "\n" in text:  # a pasted script: complete its last line
            text = text.rsplit("\n", 1)[1]
        if not text.strip() and not complete_event.completion_requested:
            return  # nothing typed yet: the menu waits for Tab
        word = text.rpartition(" ")[2]
        if text.lstrip().startswith("\\") and " " not in text.strip():
            for name in self.meta():
                if name.startswith(text.strip()):
                    yield Completion(name, -len(word), display_meta="meta command")
            return
        for candidate in complete(text, self.names, LIMIT, self.versions):
            yield Completion(candidate, -len(word), display_meta=self._kind(candidate))

    def _kind(self, word: str) -> str:
        kind = self.names.kind(word)
        if kind is not None:
            return kind
        if word in self.names.envs:
            return "environment"
        if word in fault_names():
            return "fault"
        if word in self.names.alerts:
            return "alert"
        return ""
