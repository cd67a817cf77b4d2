"""Pause, resume, speed and advance: how simulated time moves.

The engine only records pause and speed; the interactive front ends pace the clock from them
(a headless script keeps its own timeline). ``advance`` runs the simulation forward now.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from ..commands import Advance, Pause, Reply, Resume, Speed
from ..durations import format_clock, format_duration
from .registry import handles

if TYPE_CHECKING:
    from ..simulation import Simulation

MAX_SPEED = 1000.0
MAX_ADVANCE_S = 7 * 86_400


@handles(Pause)
def pause(sim: Simulation, cmd: Pause) -> Reply:
    if sim.paused:
        return Reply(True, f"already paused at {format_clock(sim.now)}", {"paused": True})
    sim.paused = True
    return Reply(True, f"paused at {format_clock(sim.now)}", {"paused": True})


@handles(Resume)
def resume(sim: Simulation, cmd: Resume) -> Reply:
    was = sim.paused
    sim.paused = False
    message = f"running at ×{sim.speed:g}" if was else f"already running at ×{sim.speed:g}"
    return Reply(True, message, {"paused": False, "speed": sim.speed})


@handles(Speed)
def speed(sim: Simulation, cmd: Speed) -> Reply:
    if not 0 < cmd.factor <= MAX_SPEED:
        return Reply(False, f"speed must be above 0 and at most ×{MAX_SPEED:g}, "
                            f"not ×{cmd.factor:g}")
    before = sim.speed
    sim.speed = float(cmd.factor)
    return Reply(True, f"speed ×{before:g} → ×{sim.speed:g} (simulated seconds per second)",
                 {"speed": sim.speed})


@handles(Advance)
def advance(sim: Simulation, cmd: Advance) -> Reply:
    if not 0 < cmd.duration <= MAX_ADVANCE_S:
        return Reply(False, f"advance by more than nothing and at most 7 days, "
                            f"not {format_duration(cmd.duration * 1000)}")
    target = sim.now + cmd.duration * 1000
    sim.deferred = partial(sim.run_until, target)  # runs after the command is on record
    return Reply(True, f"advancing {format_duration(cmd.duration * 1000)} to "
                       f"{format_clock(target)}", {"until": target / 1000})
