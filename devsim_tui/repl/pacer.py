"""The REPL's clock: the simulation kept in step with the wall clock while you type.

Each frame the pacer works out the simulated time that is due — the wall time since the last
frame × the simulation's speed — and steps that many ticks, in slices, so the prompt stays
responsive between them. Paused, nothing is due and nothing is owed: resuming does not
replay the pause. After a stall (a long ``advance``, a suspended terminal) at most
``max_catch_up_s`` of wall time is made up. The clock is injectable, so tests move time by
hand and never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["Pacer"]

SLICE_TICKS = 50  # ticks between turns of the event loop
MAX_CATCH_UP_S = 2.0


class Pacer:
    """Steps ``sim`` by what the wall clock (``clock``, in seconds) says is due."""

    def __init__(self, sim: Simulation, clock: Callable[[], float] = time.monotonic,
                 max_catch_up_s: float = MAX_CATCH_UP_S, slice_ticks: int = SLICE_TICKS) -> None:
        self.sim = sim
        self.clock = clock
        self.max_catch_up_s = max_catch_up_s
        self.slice_ticks = slice_ticks
        self._last = clock()
        self._debt_ms = 0.0  # simulated time due but less than a tick
        self.stepped: list[Callable[[], None]] = []  # after each slice (interop attachments)

    def due(self) -> int:
        """Ticks due since the last call (0 while paused)."""
        now = self.clock()
        elapsed, self._last = min(max(now - self._last, 0.0), self.max_catch_up_s), now
        if self.sim.paused:
            self._debt_ms = 0.0
            return 0
        tick = self.sim.spec.tick
        self._debt_ms += elapsed * 1000 * self.sim.speed
        ticks = int(self._debt_ms // tick)
        self._debt_ms -= ticks * tick
        return ticks

    def slices(self) -> Iterator[int]:
        """Step the ticks due, a slice at a time; yields the ticks done so far after each."""
        ticks, done = self.due(), 0
        while done < ticks:
            step = min(ticks - done, self.slice_ticks)
            self.sim.step(step)
            done += step
            for hook in self.stepped:
                hook()
            yield done

    def catch_up(self) -> int:
        """Step everything due at once; returns the ticks stepped."""
        done = 0
        for done in self.slices():
            pass
        return done
