"""The engine's public surface and its headless rule."""

from __future__ import annotations

import subprocess
import sys

import engine


def test_public_api_is_explicit() -> None:
    assert sorted(engine.__all__) == sorted(
        ["DurationError", "Event", "EventBus", "Health", "ScenarioError", "ScenarioSpec",
         "Simulation", "Snapshot", "builtin_scenarios", "format_clock", "format_duration",
         "load_scenario", "parse_duration", "parse_scenario"])
    for name in engine.__all__:
        assert getattr(engine, name) is not None


def test_engine_imports_no_ui_library() -> None:
    code = (
        "import sys, engine\n"
        "from engine import Simulation, load_scenario\n"
        "sim = Simulation(load_scenario('shopfront')); sim.run_for(60_000); sim.snapshot()\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'textual', 'rich', 'prompt_toolkit', 'devsim_tui', 'sklearn'})\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_snapshots_are_immutable_copies() -> None:
    import dataclasses

    import pytest

    sim = engine.Simulation(engine.load_scenario("shopfront"))
    snap = sim.snapshot()
    with pytest.raises(dataclasses.FrozenInstanceError):
        snap.services[0].rps = 0  # type: ignore[misc]
    before = snap.service("gateway").rps
    sim.run_for(60_000)
    assert snap.service("gateway").rps == before
