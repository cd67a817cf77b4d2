"""``rewind`` in a script: the timeline goes back with the clock, the run is deterministic,
and a rewind the timeline cannot make is refused before anything runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from devsim_tui.cli import main

SCRIPT = """\
wait 1m
scale cart to 3
wait 2m
restart payments
rewind 90s                 # back to 00:01:30: the restart is undone, the scale is not
wait 30s
scale search to 3
"""


def run(path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["run", "--script", str(path), "--no-record", *extra])
    return code, capsys.readouterr().out


def test_a_script_rewinds_and_runs_the_same_every_time(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "rewind.txt"
    script.write_text(SCRIPT)
    code, out = run(script, capsys, "--format", "json")
    assert code == 0
    assert (code, out) == run(script, capsys, "--format", "json")  # byte for byte
    events = [json.loads(line) for line in out.splitlines()]
    rewind = next(e for e in events if e["type"] == "rewind")
    assert rewind == {"t": 90.0, "type": "rewind", "from": 180.0, "to": 90.0}
    said = [(e["t"], e["text"]) for e in events if e["type"] == "command"]
    assert said == [(60.0, "scale cart to 3"), (180.0, "restart payments"),
                    (90.0, "rewind 90s"), (120.0, "scale search to 3")]
    summary = events[-1]
    assert summary["duration"] == 120.0  # the script ends on the timeline that stands
    assert summary["events"]["rewind"] == 1 and summary["events"]["command"] == 3
    code, text = run(script, capsys)
    assert "rewind               back from 00:03:00 to 00:01:30; what follows is a new " \
           "branch" in text


def test_a_rewind_the_timeline_cannot_make_is_refused_first(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("wait 1m\nrewind 5m\nwait 1m\nrewind to 00:05:00\n")
    assert main(["validate", str(script)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [
        f"{script}:2:1: rewind goes back before the start (the script is at 00:01:00); "
        "'rewind to 00:00:00' goes to the start",
        f"{script}:4:1: rewind to 00:05:00 is later than 00:02:00, where the script already "
        "is; 'wait' moves on"]


def test_the_shipped_example_tries_one_way_then_another(
        capsys: pytest.CaptureFixture[str]) -> None:
    example = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "rewind.txt"
    code, out = run(example, capsys, "--format", "json")
    assert code == 0
    events = [json.loads(line) for line in out.splitlines()]
    assert [(e["t"], e["text"]) for e in events if e["type"] == "command"] == [
        (300.0, "scale checkout to 4"), (300.0, "rewind 5m"), (300.0, "restart checkout")]
    assert events[-1]["duration"] == 600.0 and "scale" not in events[-1]["events"]
