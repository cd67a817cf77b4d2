"""``devsim detect FILE.csv``: episodes as text or JSON lines; bad input is FILE:LINE and exit 2."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from devsim_tui.cli import main

ROWS, SPIKE = 900, 700


def write_series(path: Path, *, unix: bool = False) -> list[str]:
    """Three days of a noisy flat metric at five-minute steps with one spike; the stamps."""
    rng = np.random.default_rng(11)
    values = 20 + rng.normal(0, 1, ROWS)
    values[SPIKE] = 60.0
    start = datetime(2024, 3, 1)
    stamps = [str(1_709_251_200 + 300 * i) if unix else
              (start + timedelta(minutes=5 * i)).strftime("%Y-%m-%d %H:%M:%S")
              for i in range(ROWS)]
    lines = ["timestamp,value"] + [f"{s},{v:.3f}" for s, v in zip(stamps, values, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return stamps


def test_text_lists_the_episode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "cpu.csv"
    stamps = write_series(file)
    assert main(["detect", str(file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{file}: {ROWS} rows, {stamps[0]} .. {stamps[-1]}: 1 anomalous episode"
    assert lines[1].startswith(f"{stamps[SPIKE]} .. ")
    assert "peak" in lines[1] and "value 60 vs" in lines[1] and "robust σ" in lines[1]


def test_json_is_one_line_per_episode_start(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "cpu.csv"
    stamps = write_series(file, unix=True)
    assert main(["detect", str(file), "--format", "json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 1 and set(records[0]) == {"timestamp", "score"}
    assert records[0]["timestamp"] == stamps[SPIKE]
    assert 0.5 <= records[0]["score"] <= 1


def test_reads_standard_input(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "cpu.csv"
    stamps = write_series(file)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(file.read_bytes())))
    assert main(["detect", "-", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["timestamp"] == stamps[SPIKE]


@pytest.mark.parametrize(("text", "where", "message"), [
    ("time,value\n1,2\n", ":1: ", "bad header"),
    ("", ":1: ", "empty file"),
    ("timestamp,value\n0,1\n300,2\n600,high\n900,3\n", ":4: ", "bad value 'high'"),
    ("timestamp,value\n0,1\nyesterday,2\n", ":3: ", "bad timestamp 'yesterday'"),
    ("timestamp,value\n0,1\n300,2,3\n", ":3: ", "expected 2 fields"),
])
def test_bad_input_is_file_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           text: str, where: str, message: str) -> None:
    file = tmp_path / "bad.csv"
    file.write_text(text)
    assert main(["detect", str(file)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    error = captured.err.strip()
    assert "\n" not in error and error.startswith(f"{file}{where}") and message in error


def test_a_missing_file_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["detect", str(tmp_path / "nope.csv")]) == 2
    assert capsys.readouterr().err.strip() == f"{tmp_path / 'nope.csv'}:0: no such file"
