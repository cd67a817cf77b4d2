"""The command bar: the language's entry point, with history, Tab completion and suggestions.

↑/↓ walk the history (the line being typed is kept), Tab completes the word being typed from
the registry and the scenario's names (again to cycle), and the faint inline suggestion —
accepted with → — completes a whole command.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.suggester import Suggester
from textual.widgets import Input

from ..chatops.completion import complete
from ..chatops.names import NameIndex

__all__ = ["CommandBar"]


class CommandSuggester(Suggester):
    """Suggests the rest of a command from the registry's examples and the scenario's names."""

    def __init__(self, names: NameIndex) -> None:
        super().__init__(use_cache=True, case_sensitive=False)
        self.names = names

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        options = complete(value, self.names, limit=1)
        if not options:
            return None
        head, _, _ = value.rpartition(" ")
        option = options[0]
        return option if option.lower().startswith(value.lower()) else (
            f"{head} {option}".strip())


class CommandBar(Input):
    BINDINGS = [
        Binding("up", "history(-1)", "Previous", show=False, id="bar.history.previous"),
        Binding("down", "history(1)", "Next", show=False, id="bar.history.next"),
        Binding("tab", "complete", "Complete", show=False, priority=True, id="bar.complete",
                tooltip="Complete the word being typed"),
        Binding("escape", "leave", "Leave the bar", show=False, id="bar.leave"),
    ]
    DEFAULT_CSS = """
    CommandBar { border: round $primary; height: 3; }
    """

    def __init__(self, names: NameIndex) -> None:
        super().__init__(placeholder="Type a command — e.g. deploy checkout 2.5.0 as a canary · "
                                     "F1 help · Ctrl+P palette", id="bar",
                         suggester=CommandSuggester(names))
        self.names = names
        self.history: list[str] = []
        self._browse = 0
        self._draft = ""
        self._cycle: list[str] = []
        self._cycle_at = 0

    def remember(self, text: str) -> None:
        if text and (not self.history or self.history[-1] != text):
            self.history.append(text)
        self._browse = len(self.history)
        self._draft = ""

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        if self._browse == len(self.history):
            self._draft = self.value
        self._browse = max(0, min(len(self.history), self._browse + step))
        self.value = self.history[self._browse] if self._browse < len(self.history) else \
            self._draft
        self.cursor_position = len(self.value)

    def action_complete(self) -> None:
        if self._cycle and self.value in self._cycle:
            self._cycle_at = (self._cycle_at + 1) % len(self._cycle)
        else:
            head, _, _ = self.value.rpartition(" ")
            words = complete(self.value, self.names)
            self._cycle = [f"{head} {w}".strip() if not w.startswith(self.value) else w
                           for w in words]
            self._cycle_at = 0
        if self._cycle:
            self.value = self._cycle[self._cycle_at]
            self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        self.screen.focus_next()
