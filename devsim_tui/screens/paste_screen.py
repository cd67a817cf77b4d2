"""Several lines pasted into the command bar: every line shown, numbered, and run as a script
after one confirmation (``y`` or Enter runs it, ``n`` or Esc cancels) — never silently cut.

Blank lines and ``#`` comments are shown, marked skipped, and not run. The commands run in
order through the console's own path, each validated as if typed; a change to production
still asks on its own. The first command refused or cancelled stops the rest: a runbook's
later steps assume the earlier ones happened ("deploy" before "promote", "backup" before
"fail over"), so carrying on past a failed step could do what nobody meant.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

__all__ = ["PasteScreen", "script_commands", "script_stopped"]


def script_commands(lines: Sequence[str]) -> list[tuple[int, str]]:
    """The lines to run, with their numbers (from 1): blank lines and comments left out."""
    return [(number, line.strip()) for number, line in enumerate(lines, 1)
            if line.strip() and not line.strip().startswith("#")]


def script_stopped(number: int, rest: Sequence[tuple[int, str]]) -> str:
    """The chat's note when line ``number`` was refused or cancelled and ``rest`` was not run."""
    if not rest:
        return f"pasted script: line {number} did not go through; it was the last command"
    listed = "; ".join(f"{n}: {line}" for n, line in rest)
    return (f"pasted script stopped at line {number}; not run ({len(rest)}): {listed}")


class PasteScreen(ModalScreen[bool]):
    """The pasted lines, numbered; ``y``/Enter runs the commands in order, ``n``/Esc cancels."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Run them", id="paste.run", key_display="y/⏎"),
        Binding("n,escape", "answer(False)", "Cancel", id="paste.cancel", key_display="n/esc"),
    ]
    DEFAULT_CSS = """
    PasteScreen { align: center middle; }
    PasteScreen > VerticalScroll { width: 96; max-width: 96%; height: auto; max-height: 90%;
                                   padding: 1 2; border: thick $warning;
                                   background: $surface; }
    PasteScreen .question { margin-top: 1; text-style: bold; }
    """

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__()
        self.lines = list(lines)
        self.commands = script_commands(self.lines)

    def compose(self) -> ComposeResult:
        count = len(self.commands)
        skipped = len(self.lines) - count
        with VerticalScroll() as box:
            box.border_title = "Pasted script"
            yield Static(Text(self._summary(count, skipped), style="bold"))
            yield Static(self.listing(), id="script")
            yield Static("Each command is checked as if typed, and a change to production "
                         "still asks. The first one refused or cancelled stops the rest.",
                         classes="note")
            yield Static("Run them?  [b]y[/b] or [b]Enter[/b] yes · [b]n[/b] or [b]Esc[/b] no",
                         classes="question")
        yield Footer()

    def _summary(self, count: int, skipped: int) -> str:
        if not count:
            return f"You pasted {len(self.lines)} lines: nothing to run (only blank lines " \
                   "and comments)."
        plural = "" if count == 1 else "s"
        also = f", {skipped} blank or comment line{'' if skipped == 1 else 's'} skipped" \
            if skipped else ""
        return f"You pasted {len(self.lines)} lines: {count} command{plural} to run in " \
               f"order{also}."

    def listing(self) -> Table:
        """Every line pasted, numbered; the ones not run dimmed and marked skipped."""
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(justify="right", style="dim", no_wrap=True)
        grid.add_column(overflow="fold")
        runs = {number for number, _ in self.commands}
        for number, line in enumerate(self.lines, 1):
            if number in runs:
                grid.add_row(str(number), Text(line.strip(), style="bold"))
            else:
                grid.add_row(str(number), Text(f"{line.strip() or '(blank)'}  — skipped",
                                               style="dim italic"))
        return grid

    def action_answer(self, run: bool) -> None:
        self.dismiss(run)
