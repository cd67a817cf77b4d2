"""The command bar: the language's entry point, with history, Tab completion and suggestions.

↑/↓ walk the history (the line being typed is kept). Tab completes the word being typed with
what its slot takes ("deploy checkout " → checkout's versions, "fail over " → databases,
"scale checkout to " → nothing) and adds the space after it, so the next Tab completes the
next word; Tab again at once cycles through the other candidates. The faint inline
suggestion — accepted with → — completes a whole command. Pasting several lines posts
``CommandBar.Pasted`` (the console shows them and runs them as a script after one
confirmation) instead of keeping the first line and dropping the rest.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.suggester import Suggester
from textual.widgets import Input

from ..chatops.completion import Versions, complete
from ..chatops.names import NameIndex

__all__ = ["CommandBar", "completions"]


def completions(value: str, names: NameIndex, versions: Versions | None = None,
                limit: int = 12) -> list[str]:
    """The whole bar after Tab, for each candidate: the word completed and a space after it
    ("sca" → "scale "; "deploy checkout " → "deploy checkout 2.4.0 ")."""
    head, _, _ = value.rpartition(" ")
    out = []
    for word in complete(value, names, limit, versions):
        whole = word if not head.strip() else f"{head} {word}"
        out.append(f"{whole} ")
    return list(dict.fromkeys(out))


class CommandSuggester(Suggester):
    """Suggests the rest of a command from the registry's examples and the scenario's names."""

    def __init__(self, names: NameIndex, versions: Versions | None = None) -> None:
        super().__init__(use_cache=False, case_sensitive=False)  # versions change as it runs
        self.names = names
        self.versions = versions

    async def get_suggestion(self, value: str) -> str | None:
        if not value.strip():
            return None
        options = complete(value, self.names, 1, self.versions)
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
        Binding("escape", "leave", "Panes", id="bar.leave", key_display="esc",
                tooltip="Leave the bar: the letter keys then act on the panes"),
    ]
    DEFAULT_CSS = """
    CommandBar { border: round $primary; height: 3; width: 100%; }
    """
    # The bar's size is fixed (one line in a box), so the length of what is typed never changes
    # the layout: Input would re-lay the whole screen out on every keystroke (its virtual size
    # changes with the text), which costs the console a millisecond or two a key.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    class Pasted(Message):
        """Several lines were pasted: ``lines`` as pasted (blank ones inside kept, the
        surrounding blank ones dropped), for the console to show and run as a script."""

        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    def __init__(self, names: NameIndex, versions: Versions | None = None) -> None:
        super().__init__(placeholder="Type a command — e.g. deploy checkout 2.5.0 as a canary · "
                                     "F1 help · Ctrl+P palette", id="bar",
                         suggester=CommandSuggester(names, versions))
        self.names = names
        self.versions = versions
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
        """Complete the word being typed; straight after a completion, the next candidate
        (or, when there was only one, the next word)."""
        if len(self._cycle) > 1 and self.value == self._cycle[self._cycle_at]:
            self._cycle_at = (self._cycle_at + 1) % len(self._cycle)
        else:
            self._cycle = completions(self.value, self.names, self.versions)
            self._cycle_at = 0
        if self._cycle:
            self.value = self._cycle[self._cycle_at]
            self.cursor_position = len(self.value)

    def action_leave(self) -> None:
        self.screen.focus_next()

    def _on_paste(self, event: events.Paste) -> None:
        """One line is typed in as Input does; several become a script (``Pasted``)."""
        lines = event.text.splitlines()
        while lines and not lines[-1].strip():
            lines.pop()
        while lines and not lines[0].strip():
            lines.pop(0)
        if len(lines) <= 1:
            event.text = lines[0] if lines else ""  # Input's own handler inserts it
            return
        event.prevent_default()
        event.stop()
        self.post_message(self.Pasted(lines))
