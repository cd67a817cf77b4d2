"""The virtual clock: integer milliseconds advanced in fixed ticks. Nothing here reads wall time.

Pacing against the wall clock (speed ×0…×1000) belongs to the interactive front ends; headless
runs step as fast as the CPU allows.
"""

from __future__ import annotations

__all__ = ["Clock"]


class Clock:
    """Simulated time since the scenario started."""

    def __init__(self, tick_ms: int, now: int = 0) -> None:
        if tick_ms <= 0:
            raise ValueError("tick must be positive")
        self.tick_ms = tick_ms
        self.now = now
        self.ticks = now // tick_ms

    def advance(self) -> int:
        """Move one tick forward; returns the new time (ms)."""
        self.ticks += 1
        self.now = self.ticks * self.tick_ms
        return self.now

    def advance_by(self, ticks: int) -> int:
        """Move forward ``ticks`` ticks at once; returns the new time (ms)."""
        self.ticks += ticks
        self.now = self.ticks * self.tick_ms
        return self.now

    def ticks_until(self, t_ms: int) -> int:
        """Whole ticks needed to reach ``t_ms`` (0 if it is not in the future)."""
        return max(0, -(-(t_ms - self.now) // self.tick_ms))
