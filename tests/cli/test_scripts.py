"""Script files: timing, comments, checking before running, and ``devsim parse``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

DRILL = """\
# a failover drill
wait 2m                    # let the estate warm up
status orders-db
fail over orders-db
at 00:05:00
scale checkout to four
advance 1m
restart   payments
"""


def devsim(*args: str, stdin: str | None = None, cwd: Path | None = None):
    return subprocess.run([sys.executable, "-m", "devsim_tui", *args], capture_output=True,
                          text=True, input=stdin, cwd=cwd, timeout=120)


def test_script_commands_run_at_their_times(tmp_path: Path) -> None:
    (tmp_path / "drill.txt").write_text(DRILL)
    result = devsim("run", "--script", "drill.txt", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    commands = [(e["t"], e["text"], e["ok"], e["intent"]) for e in events
                if e["type"] == "command"]
    assert commands == [
        (120.0, "status orders-db", True, "status"),
        (120.0, "fail over orders-db", True, "failover"),
        (300.0, "scale checkout to four", True, "scale"),
        (300.0, "advance 1m", True, "advance"),
        (360.0, "restart   payments", True, "restart"),
    ]
    failover = next(e for e in events if e["type"] == "db.failover")
    assert failover["t"] == 140.0 and failover["database"] == "orders-db"
    assert events[-1]["type"] == "summary" and events[-1]["duration"] == 360.0


def test_a_bad_line_stops_the_run_before_anything_happens(tmp_path: Path) -> None:
    script = tmp_path / "bad.txt"
    script.write_text("status\nwait 1m\n  deploy frontend 2.0.0\nwait soon\nat 00:00:30\n"
                      "fail over checkout\n")
    result = devsim("run", "--script", str(script), "--format", "json", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith(f"{script}:3:3: there is no service called 'frontend'")
    assert lines[1].startswith(f"{script}:4:1: wait: expected a duration")
    assert lines[2].startswith(f"{script}:5:1: at 00:00:30 is earlier than 00:01:00")
    assert lines[3].startswith(f"{script}:6:1: checkout is a service, not a database")
    assert "Traceback" not in result.stderr


def test_lines_past_the_duration_are_refused(tmp_path: Path) -> None:
    (tmp_path / "long.txt").write_text("wait 2h\nstatus\n")
    result = devsim("run", "--script", "long.txt", "--duration", "1h", cwd=tmp_path)
    assert result.returncode == 2 and "after the run ends" in result.stderr


def test_validate_checks_a_script(tmp_path: Path) -> None:
    (tmp_path / "ok.txt").write_text(DRILL)
    result = devsim("validate", "ok.txt", cwd=tmp_path)
    assert result.returncode == 0 and "script of 5 commands" in result.stdout


def test_parse_answers_each_stdin_line_on_its_own() -> None:
    result = devsim("parse", "--json", "-", stdin="roll back payments\nroll it back\n\nxyzzy\n")
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert answers[0] == {"intent": "rollback", "args": {"service": "payments"}}
    assert "error" in answers[1]  # no context carried from the line before
    assert "error" in answers[2] and "error" in answers[3]
    assert len(answers) == 4  # exactly one answer per line, the empty one included
    assert result.returncode == 1  # some line was not understood


def test_parse_text_and_exit_codes() -> None:
    ok = devsim("parse", "kill", "two", "pods", "of", "chekout")
    assert ok.returncode == 0
    assert ok.stdout.startswith("chaos fault=instance-kill target=checkout count=2")
    assert "read 'chekout' as checkout" in ok.stdout
    bad = devsim("parse", "fail over checkout")
    assert bad.returncode == 1 and "not a database" in bad.stdout


def test_deploy_events_follow_the_contract(tmp_path: Path) -> None:
    (tmp_path / "canary.txt").write_text("wait 1m\ndeploy checkout 2.4.0 as a canary\nwait 4m\n")
    result = devsim("run", "--script", "canary.txt", "--format", "json", cwd=tmp_path)
    events = [json.loads(line) for line in result.stdout.splitlines()]
    deploys = [e for e in events if e["type"].startswith("deploy.")]
    assert [e["type"] for e in deploys] == ["deploy.started", "deploy.step", "deploy.aborted",
                                            "deploy.rolled_back"]
    for event in deploys:
        assert {"service", "version", "strategy"} <= set(event)
        assert (event["service"], event["version"], event["strategy"]) == (
            "checkout", "2.4.0", "canary")
    assert events[-1]["events"]["deploy.aborted"] == 1


def test_a_dry_run_plans_every_change_and_does_none(tmp_path: Path) -> None:
    (tmp_path / "drill.txt").write_text("wait 1m\nscale checkout to 5\nkill one pod of payments\n"
                                        "fail over orders-db\n")
    result = devsim("run", "--script", "drill.txt", "--dry-run", "--format", "json",
                    cwd=tmp_path)
    events = [json.loads(line) for line in result.stdout.splitlines()]
    replies = [e["reply"] for e in events if e["type"] == "command"]
    assert len(replies) == 3 and all("Nothing was done" in r for r in replies)
    assert "2 → 5 instances" in replies[0] and "blast radius: 1 of 2" in replies[1]
    assert not [e for e in events if e["type"] in ("scale", "chaos.started", "db.failover",
                                                   "instance.crashed")]
    alone = devsim("run", "--dry-run")
    assert alone.returncode == 2 and "--script" in alone.stderr
