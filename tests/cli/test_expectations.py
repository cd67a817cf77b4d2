"""``expect`` lines in script files: the forms, when each is judged, the exit codes, the
shipped drills, and every way a bad expectation is refused before anything runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devsim_tui.cli import main
from devsim_tui.expectations import FORMS, Vocabulary, parse_expectation
from devsim_tui.expectations.facts import Facts
from devsim_tui.script import builtin_scripts, declared_scenario
from engine import Event, builtin_scenarios, load_scenario

CANARY = """\
wait 1m
deploy checkout 2.4.0 as a canary           # aborted at 00:02:15 (8 % errors)
expect deploy checkout aborted within 5m
expect deploy checkout completed within 3m
expect deploy checkout rolled_back
expect no alerts firing
expect availability checkout >= 99.99%
"""


@pytest.fixture(autouse=True)
def _own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))  # sessions are recorded here


def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[dict]]:
    code = main(["run", "--format", "json", "--no-record", *args])
    return code, [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def expects(events: list[dict]) -> dict[int, dict]:
    return {e["line"]: e for e in events if e["type"].startswith("expect.")}


def test_each_expectation_is_decided_once_at_the_time_it_was_decided(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "canary.txt").write_text(CANARY)
    code, events = run_json(capsys, "--script", str(tmp_path / "canary.txt"))
    assert code == 1  # line 4 failed
    got = expects(events)
    assert sorted(got) == [3, 4, 5, 6, 7]
    assert len([e for e in events if e["type"].startswith("expect.")]) == 5  # once each
    # within: passed at the first 15-second check after the abort (00:02:15)
    assert (got[3]["type"], got[3]["t"]) == ("expect.passed", 135.0)
    assert got[3]["reason"] == "deploy checkout 2.4.0 aborted at 00:02:15"
    assert got[3]["text"] == "expect deploy checkout aborted within 5m"
    # within: failed when its window closed, not before, citing what it saw
    assert (got[4]["type"], got[4]["t"]) == ("expect.failed", 240.0)
    assert got[4]["reason"].startswith("deploy checkout 2.4.0 aborted at 00:02:15 (analysis")
    assert got[4]["reason"].endswith(", expected completed within 3m")
    # an event form without within: judged by the end of the run
    assert (got[5]["type"], got[5]["t"]) == ("expect.passed", 360.0)
    assert got[5]["reason"] == "deploy checkout 2.4.0 rolled back at 00:02:15"
    # state forms without within: judged at their line, either way
    assert (got[6]["type"], got[6]["t"]) == ("expect.passed", 60.0)
    assert (got[7]["type"], got[7]["t"]) == ("expect.failed", 60.0)
    assert "checkout availability 99.8" in got[7]["reason"]
    assert got[7]["reason"].endswith("over the run so far, expected >= 99.99%")
    summary = events[-1]
    assert summary["type"] == "summary" and summary["duration"] == 360.0  # the last window
    assert summary["expectations"] == {
        "passed": 3, "failed": 2, "skipped": 0,
        "failures": [{k: got[n][k] for k in ("line", "text", "reason")} for n in (4, 7)]}
    times = [e["t"] for e in events]
    assert times == sorted(times)  # the stream stays in simulation order


def test_a_window_cut_short_by_the_run_says_so(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "short.txt").write_text("wait 30s\nexpect alert ServiceDown firing within 10m\n")
    code, events = run_json(capsys, "--script", str(tmp_path / "short.txt"))
    assert code == 1 and events[-1]["duration"] == 630.0  # the run lasts the window
    assert expects(events)[2]["t"] == 630.0 and expects(events)[2]["reason"] == (
        "ServiceDown did not fire when the window closed at 00:10:30, expected ServiceDown "
        "firing within 10m")
    code, events = run_json(capsys, "--script", str(tmp_path / "short.txt"), "--duration", "3m")
    assert code == 1 and expects(events)[2]["t"] == 180.0
    assert expects(events)[2]["reason"].startswith(
        "ServiceDown did not fire when the run ended at 00:03:00, before the window closed at "
        "00:10:30")


def test_alerts_lost_writes_and_budgets(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "failover.txt").write_text("""\
wait 2m
fail over orders-db
expect alert HighErrorRate on orders firing within 3m
expect alert HighErrorRate on checkout firing within 2m
wait 2m
expect alert HighErrorRate not firing within 5m
expect no lost writes
expect error budget orders > 99.9%
expect latency budget orders >= 100%
expect availability orders-db < 99%
""")
    code, events = run_json(capsys, "--script", str(tmp_path / "failover.txt"))
    got = expects(events)
    assert code == 1
    assert got[3]["type"] == "expect.passed" and got[3]["t"] == 210.0
    assert got[3]["reason"] == "HighErrorRate firing on orders since 00:03:30"
    assert got[4]["type"] == "expect.failed" and got[4]["reason"].startswith(
        "HighErrorRate did not fire on checkout (it fired on orders at 00:03:30) when the "
        "window closed at 00:04:00")
    assert got[6]["type"] == "expect.passed" and got[6]["t"] == 270.0  # when it resolved
    assert got[7]["reason"] == "no writes lost (1 failover so far)"
    assert got[8]["type"] == "expect.failed" and got[8]["reason"].startswith(
        "orders error budget 99.4")  # 0.6 % of a month's budget spent in two minutes
    assert got[9]["type"] == "expect.passed"
    assert got[10]["type"] == "expect.passed" and "orders-db availability 9" in got[10]["reason"]


def test_a_failover_behind_a_lagging_replica_loses_writes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "lossy.txt").write_text("""\
wait 1m
add replication lag to orders-db for 5m
expect no lost writes on orders-db
wait 2m
fail over orders-db
wait 1m
expect no lost writes on users-db
expect no lost writes
""")
    code, events = run_json(capsys, "--script", str(tmp_path / "lossy.txt"))
    got = expects(events)
    failover = next(e for e in events if e["type"] == "db.failover")
    assert code == 1 and failover["lost_writes"] > 0
    assert got[3]["type"] == "expect.passed" and got[3]["reason"] == (
        "no writes lost on orders-db (no failover so far)")
    assert got[7]["type"] == "expect.passed"  # users-db did not fail over
    assert got[8]["type"] == "expect.failed" and got[8]["t"] == 240.0
    assert got[8]["reason"] == (f"orders-db lost {failover['lost_writes']} writes in the "
                                "failover at 00:03:20, expected no lost writes")


def test_text_output_and_the_closing_summary(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "canary.txt").write_text(CANARY)
    assert main(["run", "--no-record", "--script", str(tmp_path / "canary.txt")]) == 1
    out = capsys.readouterr().out
    assert ("[00:02:15] expect.passed        ✓ line 3: expect deploy checkout aborted within "
            "5m — deploy checkout 2.4.0 aborted at 00:02:15") in out
    assert "[00:04:00] expect.failed        ✗ line 4: expect deploy checkout completed" in out
    tail = out[out.index("Expectations:"):]
    assert tail.splitlines()[0] == "Expectations: 3 passed, 2 failed"
    assert "✗ line 4: expect deploy checkout completed within 3m" in tail
    assert "✗ line 7: expect availability checkout >= 99.99%" in tail


def test_a_dry_run_checks_expectations_and_judges_none(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "canary.txt").write_text(CANARY)
    code, events = run_json(capsys, "--script", str(tmp_path / "canary.txt"), "--dry-run")
    assert code == 0
    got = expects(events)
    assert {e["type"] for e in got.values()} == {"expect.skipped"}
    assert [e["t"] for e in got.values()] == [60.0] * 5  # at their lines
    assert events[-1]["expectations"] == {"passed": 0, "failed": 0, "skipped": 5,
                                          "failures": []}


def test_expectations_only_watch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run with expectations has every event of the same run without them, byte for byte,
    and the same script twice gives the same stream."""
    drill = CANARY + "wait 1m\nfail over orders-db\nexpect alert HighErrorRate firing within 3m\n"
    (tmp_path / "with.txt").write_text(drill)
    (tmp_path / "without.txt").write_text("".join(
        line + "\n" for line in drill.splitlines() if not line.startswith("expect")))
    args = ("--duration", "4m")
    _, first = run_json(capsys, "--script", str(tmp_path / "with.txt"), *args)
    _, again = run_json(capsys, "--script", str(tmp_path / "with.txt"), *args)
    _, plain = run_json(capsys, "--script", str(tmp_path / "without.txt"), *args)
    assert first == again
    watched = [e for e in first[:-1] if not e["type"].startswith("expect.")]
    assert watched == plain[:-1]
    assert {"alert.firing", "db.failover", "deploy.aborted"} <= {e["type"] for e in watched}


def test_a_rewind_judges_what_its_branch_left_open(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "rewind.txt").write_text("""\
wait 1m
deploy checkout 2.4.1 as a canary
expect deploy checkout completed within 10m
expect availability checkout >= 99.99% within 10m
wait 2m
rewind 2m
wait 1m
expect no alerts firing
""")
    code, events = run_json(capsys, "--script", str(tmp_path / "rewind.txt"))
    got = expects(events)
    rewind = next(i for i, e in enumerate(events) if e["type"] == "rewind")
    assert code == 1 and sorted(got) == [3, 4, 8]
    for line in (3, 4):  # decided at the rewind, from the branch it ended
        assert got[line]["type"] == "expect.failed" and got[line]["t"] == 60.0
        assert "when the rewind at 00:03:00 ended its branch, expected" in got[line]["reason"]
        assert events.index(got[line]) > rewind
    assert got[3]["reason"].startswith(
        "deploy checkout 2.4.1 still rolling out (started 00:01:00, last step: baking longer)")
    assert got[8]["type"] == "expect.passed" and got[8]["t"] == 120.0  # on the new branch


def test_a_rewind_forgets_what_happened_after_it() -> None:
    facts = Facts()
    data = {"service": "checkout", "env": "production", "version": "2.4.0",
            "strategy": "canary"}
    for event in (Event(60_000, "deploy.started", data),
                  Event(135_000, "deploy.aborted", {**data, "reason": "analysis failed"}),
                  Event(140_000, "db.failover", {"database": "orders-db", "lost_writes": 3}),
                  Event(100_000, "rewind", {"from": 150.0, "to": 100.0})):
        facts.observe(event)
    rollout = facts.anchor("checkout", facts.mark(0))
    assert rollout is not None and rollout.version == "2.4.0" and rollout.outcomes == []
    assert facts.failovers == []


def test_anomaly_forms_read_the_episodes() -> None:
    """An episode under way at the line or begun after it counts; one over before it not."""
    from devsim_tui.expectations.conditions import Look, anomaly, no_anomaly
    from engine import Simulation

    sim = Simulation(load_scenario("shopfront"))
    facts = Facts()
    on = {"service": "orders", "env": "production", "score": 0.9,
          "deviations": ["p99_ms 101 → 392 (+14σ)"]}
    facts.observe(Event(3_700_000, "anomaly", on))
    mark = facts.mark(3_800_000)
    x = parse_expectation("expect anomaly on orders within 10m", 1, 1, VOCABULARY)
    assert not isinstance(x, tuple)
    seen = anomaly(x, Look(sim, facts, mark, 4_000_000))
    assert not seen.holds and seen.text == "no anomaly on orders"
    facts.observe(Event(3_900_000, "anomaly", on))
    seen = anomaly(x, Look(sim, facts, mark, 4_000_000))
    assert seen.holds and seen.text == "anomaly on orders at 01:05:00 (p99_ms 101 → 392 (+14σ))"
    assert not anomaly(x, Look(sim, facts, mark, 3_850_000)).holds  # after the check's time
    early = anomaly(x, Look(sim, Facts(), Facts().mark(0), 600_000))
    assert early.text == ("no anomaly on orders (the detector learns until 01:00:00 and "
                          "reports nothing before)")
    calm = parse_expectation("expect no anomaly on orders", 1, 1, VOCABULARY)
    assert not isinstance(calm, tuple) and no_anomaly(calm, Look(sim, facts, mark, 0)).holds


VOCABULARY = Vocabulary.of(load_scenario("shopfront"))


@pytest.mark.parametrize(("line", "fields"), [
    ("expect deploy checkout rolled back within 1h30m",
     {"form": "deploy", "subject": "checkout", "word": "rolled_back", "within_ms": 5_400_000}),
    ("EXPECT Deploy Checkout Completed", {"form": "deploy", "subject": "checkout",
                                          "word": "completed", "within_ms": None}),
    ("expect alert higherrorrate on orders not firing within 00:05:00",
     {"form": "alert_not", "subject": "HighErrorRate", "on": "orders", "within_ms": 300_000}),
    ("expect no alert firing", {"form": "no_alerts"}),
    ("expect anomalies on orders-db within 90s", {"form": "anomaly", "subject": "orders-db"}),
    ("expect no anomaly on sessions", {"form": "no_anomaly", "subject": "sessions"}),
    ("expect availability of checkout≥99.5%", {"form": "availability", "op": ">=",
                                               "value": 99.5}),
    ("expect availability order-events < 100 %", {"form": "availability", "op": "<",
                                                  "value": 100.0}),
    ("expect availability budget payments <= 20%", {"form": "budget", "word": "availability",
                                                     "subject": "payments", "op": "<="}),
    ("expect no lost writes on users-db", {"form": "no_lost_writes", "on": "users-db"}),
])
def test_the_forms_read_as_written(line: str, fields: dict) -> None:
    x = parse_expectation(line, 1, 1, VOCABULARY)
    assert not isinstance(x, tuple), x
    assert {k: getattr(x, k) for k in fields} == fields
    assert x.text == line


WORDS = ["deploy", "checkout", "orders-db", "alert", "HighErrorRate", "on", "not", "firing",
         "no", "alerts", "anomaly", "availability", "error", "budget", "lost", "writes",
         "completed", "rolled", "back", ">=", "<", "=", "99.9%", "150%", "within", "5m", "soon"]


@given(st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=8))
@settings(max_examples=300, deadline=None)
def test_no_line_makes_the_reader_raise(words: list[str]) -> None:
    text = " ".join(["expect", *words]).strip()
    result = parse_expectation(text, 3, 5, VOCABULARY)
    if isinstance(result, tuple):
        col, message = result
        assert 5 <= col <= 5 + len(text) and message and "\n" not in message
    else:
        assert result.form in {f.name for f in FORMS} and result.text == text


BAD = """\
expect deplyo checkout completed
  expect deploy chekout completed
expect deploy checkout complted within 5m
expect alert HighErorRate firing
expect availability checkout >= 150%
expect error budget checkout >= 50
expect no alerts firing within soon
expect anomaly on checkout within 10m
expect availability payment-provider >= 99%
expect budget checkout >= 5%
expect alert ServiceDown on checkout fring
expect
wait 1m
expect no lost writes on checkout # a service
"""


def test_every_bad_expectation_is_reported_before_anything_runs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "bad.txt"
    script.write_text(BAD)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    run = subprocess.run([sys.executable, "-m", "devsim_tui", "run", "--script", str(script)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert run.returncode == 2 and run.stdout == "" and "Traceback" not in run.stderr
    s = str(script)
    assert run.stderr.splitlines() == [
        f"{s}:1:8: unknown expectation 'deplyo'; did you mean 'deploy'?",
        f"{s}:2:17: there is no service called 'chekout' in this scenario; did you mean "
        "'checkout'?",
        f"{s}:3:24: expected completed, aborted or rolled_back, found 'complted'; did you mean "
        "'completed'?",
        f"{s}:4:14: there is no alert rule called 'HighErorRate' in this scenario; did you mean"
        " 'HighErrorRate'?",
        f"{s}:5:33: a percentage is between 0% and 100%, not '150%'",
        f"{s}:6:33: expected a percentage such as 99.9%, found '50' (the % sign is missing)",
        f"{s}:7:32: within: expected a duration such as 90s, 5m, 1h30m or hh:mm:ss, got 'soon'",
        f"{s}:8:1: the anomaly detector learns until 01:00:00 and reports nothing before, so "
        "this expectation, judged by 00:10:00, cannot hold; move it later or run longer",
        f"{s}:9:21: payment-provider is an external, outside the estate: nothing of it is "
        "measured or alerted on",
        f"{s}:10:8: unknown expectation 'budget'; did you mean 'error budget SERVICE >= P%'?",
        f"{s}:11:38: expected 'firing', found 'fring'; did you mean 'firing'?",
        f"{s}:12:7: expect what? e.g. 'expect deploy checkout completed within 10m' (see the "
        "README, script files)",
        f"{s}:14:26: checkout is a service, not a database",
    ]
    assert main(["validate", str(script)]) == 2
    assert capsys.readouterr().err == run.stderr


def test_validate_tells_a_script_from_a_scenario(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "drill").write_text("# no extension\nwait 1m\nstatus\nexpect no alerts firing\n")
    assert main(["validate", str(tmp_path / "drill")]) == 0
    assert "script of 1 command and 1 expectation over 00:01:00" in capsys.readouterr().out
    (tmp_path / "estate").write_text("# no extension either\nname: tiny\nservices:\n  web: {}\n"
                                     "traffic: {rps: 5, entry: [web]}\n")
    assert main(["validate", str(tmp_path / "estate")]) == 0
    assert "scenario 'tiny'" in capsys.readouterr().out
    assert main(["validate", "ai-platform-bad-release", "--scenario", "shopfront"]) == 2
    assert "written for scenario 'ai-platform'" in capsys.readouterr().err


def _scenario_of(script: str) -> str:
    return max((s for s in builtin_scenarios() if script.startswith(s + "-")), key=len)


def test_every_built_in_scenario_has_a_shipped_drill_that_names_it() -> None:
    shipped = builtin_scripts()
    assert {_scenario_of(name) for name in shipped} == set(builtin_scenarios())
    assert all(declared_scenario(path) == _scenario_of(name) for name, path in shipped.items())


def test_a_script_runs_on_the_scenario_it_names_and_refuses_another(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = tmp_path / "drill.txt"
    script.write_text("# on ai-platform\nscenario ai-platform\nstatus pipeline-orchestrator\n")
    assert main(["run", "--no-record", "--script", str(script), "--duration", "1m",
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["services"].keys() == \
        load_scenario("ai-platform").services.keys()
    assert main(["validate", str(script), "--scenario", "shopfront"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"{script}:2:1: this script is written for scenario 'ai-platform', and the "
                   "run is on 'shopfront': leave --scenario out, or give --scenario ai-platform"]
    script.write_text("wait 1m\nscenario shopfront\n")
    assert main(["validate", str(script)]) == 2
    assert capsys.readouterr().err == (f"{script}:2:1: a 'scenario' line names the script's "
                                       "scenario and comes first\n")


@pytest.mark.parametrize("name", sorted(builtin_scripts()))
def test_a_shipped_drill_holds(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = builtin_scripts()[name]
    lines = [n for n, line in enumerate(path.read_text().splitlines(), start=1)
             if line.startswith("expect ")]
    code, events = run_json(capsys, "--script", name)  # on the scenario it names
    got = expects(events)
    assert sorted(got) == lines and len(lines) >= 4
    assert [n for n, e in got.items() if e["type"] != "expect.passed"] == [], got
    assert code == 0
    assert events[-1]["expectations"]["passed"] == len(lines)
    assert events[-1]["duration"] <= 900  # short drills: the suite stays fast


def test_the_readme_lists_every_shipped_drill() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("#### Expectations")
    section = readme[start:readme.index("\n### ", start)]
    listed = set(re.findall(r"^\| `([\w-]+)` \|", section, re.M))
    assert listed == set(builtin_scripts())
    for path in re.findall(r"scenarios/scripts/[\w.-]+", readme):
        assert (Path(__file__).resolve().parents[2] / path).is_file(), path
