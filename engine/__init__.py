"""devsim's simulation engine: a deterministic model of a production estate in simulated time.

Headless by rule: nothing here imports a UI library (a test checks it in a subprocess).
"""

from __future__ import annotations

from .durations import DurationError, format_clock, format_duration, parse_duration
from .events import Event, EventBus
from .scenario import ScenarioError, ScenarioSpec, builtin_scenarios, load_scenario, parse_scenario
from .simulation import Simulation
from .snapshot import Health, Snapshot

__all__ = [
    "DurationError", "Event", "EventBus", "Health", "ScenarioError", "ScenarioSpec",
    "Simulation", "Snapshot", "builtin_scenarios", "format_clock", "format_duration",
    "load_scenario", "parse_duration", "parse_scenario",
]
