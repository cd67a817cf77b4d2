"""``devsim report``: the Markdown debrief of a recorded session, one branch of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from devsim_tui.headless.report_command import cell
from tests.cli.store_helpers import devsim, rows

DRILL = """\
wait 1m
deploy checkout 2.5.0
kill two pods of payments
wait 4m
scale checkout to 4
wait 2m
rewind 3m
restart cart
wait 3m
expect no alerts firing
"""


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A recorded run with a rollout, a fault, an alert and a rewind: the db and session id."""
    where = tmp_path_factory.mktemp("report")
    (where / "drill.txt").write_text(DRILL)
    db = where / "sessions.db"
    code, _, err = devsim("run", "--scenario", "shopfront", "--script", str(where / "drill.txt"),
                          "--db", str(db), "--format", "json")
    assert code == 0, err
    (session,) = rows(db, "select id from sessions")
    return str(db), session["id"]


def _section(report: str, title: str) -> str:
    return report.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_the_standing_branch_shows_its_own_history_and_the_branch_table(drill) -> None:
    db, session = drill
    code, out, err = devsim("report", "--db", db)  # the newest session, the standing branch
    assert code == 0, err
    assert out.startswith(f"# Debrief: session {session}\n")
    assert "| branch | 1 of 2, the one that stands |" in out
    branches = _section(out, "Branches")  # branch 0 counts its rewind
    assert "| 0 | — | 00:00:00 | 00:07:00 | 4 | — |" in branches
    assert "| 1 | 0 | 00:04:00 | 00:07:00 | 1 | stands, shown here |" in branches
    timeline = _section(out, "Timeline")
    commands = [line.split(" | ")[2] for line in timeline.splitlines()
                if "| operator |" in line]
    assert commands == ["`deploy checkout 2.5.0`", "`kill two pods of payments`",
                        "`restart cart`"]  # the scale was undone, the rewind forked
    ordered = [line.split(" | ")[2] for line in timeline.splitlines() if line.startswith("| 0")]
    assert ordered.index("*rewind*") == ordered.index("`restart cart`") - 1
    assert "| 00:04:00 | operator | `restart cart` | applied | production: rolling restart" \
        in timeline


def test_branch_0_shows_the_commands_a_rewind_undid(drill) -> None:
    db, session = drill
    code, out, err = devsim("report", session[:5], "--db", db, "--branch", "0")
    assert code == 0, err
    assert "| branch | 0 of 2; branch 1 stands |" in out
    timeline = _section(out, "Timeline")
    assert "| 00:05:00 | operator | `scale checkout to 4` | applied |" in timeline
    assert "restart cart" not in timeline and "*rewind*" not in timeline
    assert "Expectations" not in out  # judged on branch 1 only


def test_incidents_faults_rollouts_and_expectations(drill) -> None:
    db, _ = drill
    out = devsim("report", "--db", db)[1]
    incidents = _section(out, "Incidents").splitlines()
    assert ("| HighErrorRate | critical | checkout | 00:02:30 | 00:03:30 | 1m | checkout fails "
            "21% of requests (over 2m) |") in incidents
    assert "| #1 | instance-kill | payments | 00:01:00 | 00:01:00 | one-shot |" in out
    assert ("| checkout | 2.3.1 → 2.5.0 | rolling | 00:01:00 | 00:03:32 | completed | 4 | — |"
            in _section(out, "Deployments"))
    assert "1 of 1 held." in out and "| 10 | `expect no alerts firing` | 00:07:00 | ✓ passed |" \
        in out
    figures = _section(out, "Figures")
    checkout = next(line for line in figures.splitlines() if line.startswith("| checkout |"))
    assert "% at 00:01 | 1 of 7 |" in checkout


def test_bad_input_is_one_line_and_exit_2(drill, tmp_path: Path) -> None:
    db, session = drill
    code, out, err = devsim("report", "zz-not-there", "--db", db)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert err.startswith("devsim report: error: no session 'zz-not-there'") and session in err
    code, _, err = devsim("report", "--db", db, "--branch", "7")
    assert code == 2 and err == (f"devsim report: error: session {session}: no branch 7 "
                                 "(branches: 0, 1)\n")
    code, _, err = devsim("report", "--db", db, "--output", str(tmp_path / "no" / "r.md"))
    assert code == 2 and err.count("\n") == 1 and "r.md: cannot write the report" in err
    code, _, err = devsim("report", "--db", str(tmp_path / "none.db"))
    assert code == 2 and err.count("\n") == 1 and "none.db" in err


def test_output_writes_the_file(drill, tmp_path: Path) -> None:
    db, _ = drill
    target = tmp_path / "debrief.md"
    code, out, err = devsim("report", "--db", db, "--output", str(target))
    assert (code, out, err) == (0, "", f"devsim report: wrote {target}\n")
    assert target.read_text(encoding="utf-8") == devsim("report", "--db", db)[1]


def test_cells_are_one_line_with_pipes_escaped() -> None:
    assert cell("a | b\nc") == "a \\| b c"
    assert cell("x" * 10, 5) == "xxxx…"
    assert cell(None) == "—"
