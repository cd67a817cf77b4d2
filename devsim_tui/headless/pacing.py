"""Pacing a simulation against the wall clock: X simulated seconds per real second.

Only front ends pace; the engine never reads the wall clock. Sleeping happens here, between
ticks, so a paced run produces exactly the same events as an unpaced one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["run_paced"]


def run_paced(sim: Any, until_ms: int, speed: float,
              stepped: Callable[[], None] = lambda: None) -> None:
    """Step ``sim`` to ``until_ms``, never ahead of ``speed`` × the wall time elapsed;
    ``stepped`` after every tick."""
    start_wall = time.monotonic()
    start_sim = sim.now
    while sim.now < until_ms:
        sim.step(1)
        stepped()
        due = start_wall + (sim.now - start_sim) / 1000 / speed
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
