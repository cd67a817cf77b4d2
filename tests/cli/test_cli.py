"""The ``devsim`` command line as a user meets it: exit codes, one-line errors, the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

EVENT_FIELDS = {
    "scale": {"service", "from", "to", "reason"},
    "instance.crashed": {"service", "instance"},
    "instance.restarted": {"service", "instance"},
    "db.failover": {"database", "new_primary", "lost_writes"},
}


def devsim(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "devsim_tui", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def test_run_json_follows_the_event_contract() -> None:
    result = devsim("run", "--scenario", "shopfront", "--duration", "2h", "--seed", "3",
                    "--format", "json")
    assert result.returncode == 0, result.stderr
    events = json_lines(result.stdout)
    assert events[-1]["type"] == "summary"
    times = [e["t"] for e in events]
    assert times == sorted(times)
    for event in events:
        assert isinstance(event["t"], int | float) and isinstance(event["type"], str)
        assert EVENT_FIELDS.get(event["type"], set()) <= set(event)
    summary = events[-1]
    assert summary["duration"] == 7200 and summary["seed"] == 3
    assert set(summary["services"]) == {
        "gateway", "web", "api", "auth", "catalog", "search", "cart", "checkout", "payments",
        "orders", "inventory", "notifications"}
    for figures in summary["services"].values():
        assert {"availability", "p99_ms", "error_rate"} <= set(figures)
        assert 0.99 <= figures["availability"] <= 1
    counted = {}
    for event in events[:-1]:
        counted[event["type"]] = counted.get(event["type"], 0) + 1
    assert summary["events"] == counted


def test_json_runs_are_byte_identical_for_a_seed() -> None:
    args = ("run", "--duration", "45m", "--format", "json", "--seed")
    first, again, other = devsim(*args, "9"), devsim(*args, "9"), devsim(*args, "10")
    assert first.stdout == again.stdout
    assert first.stdout != other.stdout


def test_text_run_prints_tables() -> None:
    result = devsim("run", "--duration", "10m")
    assert result.returncode == 0
    assert "Services over the run" in result.stdout
    assert "checkout" in result.stdout and "orders-db" in result.stdout
    assert result.stderr == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(("args", "fragment"), [
    (("run", "--duration", "5 parsecs"), "unknown time unit 'parsecs'"),
    (("run", "--duration", "0s"), "must be positive"),
    (("run", "--seed", "-4"), "expected a number ≥ 0"),
    (("run", "--format", "yaml"), "invalid choice: 'yaml'"),
    (("run", "--speed", "fast"), "expected a speed"),
    (("run", "--scenario", "shopfrnt"), "did you mean 'shopfront'?"),
    (("run", "--bogus"), "unrecognized arguments: --bogus"),
    (("frobnicate",), "invalid choice: 'frobnicate'"),
    (("validate", "missing.yaml"), "missing.yaml: no such file"),
])
def test_bad_input_is_one_line_and_exit_2(args: tuple[str, ...], fragment: str) -> None:
    result = devsim(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_validate_reports_every_problem_with_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("services:\n  web:\n    replicas: lots\n    calls: [catalgo]\n"
                   "  catalog:\n    capacity: -1\n")
    result = devsim("validate", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("bad.yaml:3:15: services.web.replicas: expected a whole number")
    assert "did you mean 'catalog'" in lines[1]
    assert lines[2].startswith("bad.yaml:6:15: services.catalog.capacity: must be at least")


def test_validate_accepts_every_builtin() -> None:
    from engine import builtin_scenarios

    for path in builtin_scenarios().values():
        result = devsim("validate", str(path))
        assert result.returncode == 0, result.stderr
        assert ": ok" in result.stdout


def test_scenarios_lists_the_builtins() -> None:
    result = devsim("scenarios", "--json")
    names = {row["name"] for row in json.loads(result.stdout)}
    assert {"shopfront", "devops-simulator", "smartcloudops", "ai-platform"} <= names


def test_a_scenario_file_runs_by_path(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text("traffic: {rps: 10, entry: [app]}\nservices: {app: {}}\n")
    result = devsim("run", "--scenario", str(path), "--duration", "5m", "--format", "json")
    assert result.returncode == 0
    assert json_lines(result.stdout)[-1]["scenario"] == "tiny"


def test_headless_paths_never_import_textual() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from devsim_tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['run', '--duration', '2m', '--format', 'json']) == 0\n"
        "    assert main(['scenarios']) == 0\n"
        "print(any(m.split('.')[0] == 'textual' for m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_options_without_a_subcommand_belong_to_the_console() -> None:
    result = devsim("--scenario", "nope")
    assert result.returncode == 2
    assert "nope: no such scenario or file" in result.stderr  # the console's own check ran
    assert "usage" in devsim("--help").stdout
