"""Output that reaches its reader only after the session store has committed what it shows.

``devsim run`` writes its event lines through a gate: lines wait in memory until the recorder
commits a batch, then go out together. So a reader that saw a line knows the session database
holds it (or could replay it), whenever the process is killed. Terminals are not gated: a
person watching a progress bar wants the lines as they come.
"""

from __future__ import annotations

from typing import Any, TextIO

__all__ = ["OutputGate"]


class OutputGate:
    """A text stream that holds writes until ``release`` (or, once ``opened``, passes them)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self._held: list[str] = []
        self._open = False
        self._gone = False  # the reader went away (a closed pipe): nothing more is written

    def write(self, text: str) -> int:
        if self._gone:
            return len(text)
        if self._open:
            return self.out.write(text)
        self._held.append(text)
        return len(text)

    def flush(self) -> None:
        if self._open:
            self.out.flush()

    def release(self) -> None:
        """Pass on everything held (called after each commit). A closed pipe is reported
        once (``devsim run … | head`` ends there) and then written to no more."""
        if self._held and not self._gone:
            text = "".join(self._held)
            self._held.clear()
            try:
                self.out.write(text)
                self.out.flush()
            except BrokenPipeError:
                self._gone = True
                raise

    def opened(self) -> None:
        """Release, then stop holding (the recording has ended)."""
        self.release()
        self._open = True

    def isatty(self) -> bool:
        return False

    def __getattr__(self, name: str) -> Any:  # encoding, errors, fileno … of the stream
        return getattr(self.out, name)
