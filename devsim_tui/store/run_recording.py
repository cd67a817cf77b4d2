"""``devsim run``'s recording: a session per run, its output gated behind the commits.

Lines written to a pipe or a file wait until the batch holding their events is committed (see
``output_gate``); a paced run (``--speed``) commits after every event, so its lines still come
as they happen. The session is ``finished`` when the run completes; when the process ends any
other way that it survives (an interrupt, an error) it is ``stopped``, with what it had.
"""

from __future__ import annotations

import argparse
import atexit
from typing import TYPE_CHECKING, TextIO

from .output_gate import OutputGate
from .recorder import FLUSH_EVENTS, Recorder
from .recording import start_recording

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["RunRecording"]


class RunRecording:
    """The recorder of one headless run (or nothing, with ``--no-record``)."""

    def __init__(self, recorder: Recorder | None) -> None:
        self.recorder = recorder
        self._gate: OutputGate | None = None
        self._done = False
        if recorder is not None:
            atexit.register(self._stopped)

    @classmethod
    def start(cls, args: argparse.Namespace, sim: Simulation) -> RunRecording:
        """Raises ``StoreError`` when ``--db`` cannot be used."""
        paced = getattr(args, "speed", None) is not None
        return cls(start_recording(args, sim, "run", dry_run=bool(getattr(args, "dry_run", False)),
                                   script=getattr(args, "script", None),
                                   flush_events=1 if paced else FLUSH_EVENTS))

    @property
    def journal(self) -> Recorder | None:
        return self.recorder

    def gate(self, out: TextIO) -> TextIO:
        """``out``, or a gate in front of it when recording to something other than a terminal."""
        if self.recorder is None or out.isatty():
            return out
        self._gate = OutputGate(out)
        self.recorder.committed.append(self._gate.release)
        return self._gate  # type: ignore[return-value]

    def checkpoint(self) -> None:
        """A chunk of simulated time has run: write a batch (and the minutes it completed)."""
        if self.recorder is not None and not self._done:
            self.recorder.checkpoint()

    def expect(self, expectation: object) -> None:
        """A script's ``expect`` line is reached (before the judge takes it)."""
        if self.recorder is not None:
            self.recorder.expect(expectation)

    def finish(self) -> None:
        """The run completed: write the rest, mark it finished, let the output flow."""
        self._close("finished")

    def _stopped(self) -> None:
        self._close("stopped")

    def _close(self, state: str) -> None:
        if self._done:
            return
        self._done = True
        if self.recorder is not None:
            self.recorder.close(state)
            atexit.unregister(self._stopped)
        if self._gate is not None:
            self._gate.opened()
