"""Sessions read back: the listing, replay, resume (after a kill too), branches, and what the
console records."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from devsim_tui.chatops.session import ChatSession
from devsim_tui.store.branches import Branch, BranchBook, linear_history
from devsim_tui.store.database import open_store
from devsim_tui.store.queries import load_plan
from devsim_tui.store.recorder import Recorder, SessionStart
from devsim_tui.store.resume import resume_session
from devsim_tui.store.writer import SyncWriter
from engine import Simulation, load_scenario
from engine.commands import Reply
from tests.cli.store_helpers import SHOPFRONT, copy_of, devsim, recorded, rows

__all__ = ["recorded"]  # (the fixture, shared)


# -- sessions, replay, resume ----------------------------------------------------------------

def test_sessions_lists_newest_first(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    for seed in ("1", "2"):
        assert devsim("run", "--duration", "1m", "--seed", seed, "--db", db)[0] == 0
    code, out, _ = devsim("sessions", "--db", db, "--json")
    listed = json.loads(out)
    assert code == 0 and [s["seed"] for s in listed] == [2, 1]
    assert listed[0]["reached_s"] == 60 and listed[0]["state"] == "finished"
    assert listed[0]["commands"] == 0 and listed[0]["branches"] == 1
    text = devsim("sessions", "--db", db)[1].splitlines()
    assert text[0].split()[:3] == ["id", "started", "front"]
    assert [line.split()[0] for line in text[1:]] == [s["id"] for s in listed]
    assert "00:01:00" in text[1] and "finished" in text[1]


def test_replay_prints_the_same_stream_as_the_run(recorded) -> None:
    db, lines, session = recorded
    code, out, err = devsim("replay", session[:4], "--db", str(db), "--format", "json")
    assert code == 0, err
    assert out.splitlines() == lines  # the summary too (with the script's expectations)
    code, _, err = devsim("replay", "zz-not-there", "--db", str(db))
    assert code == 2 and f"the newest: {session}" in err and err.count("\n") == 1


def test_resume_rebuilds_the_world_then_records_onwards(recorded, tmp_path: Path) -> None:
    db, lines, session = recorded
    db = copy_of(db, tmp_path / "copy.db")
    resumed = resume_session(db, session, threaded=False)
    original = json.loads(lines[-1])
    original.pop("expectations", None)
    assert resumed.sim.now == 720_000
    given = [e["text"] for e in map(json.loads, lines) if e["type"] == "command"]
    assert [row["text"] for row in resumed.history] == given  # what the console's chat shows
    assert {"t": 720.0, "type": "summary", **resumed.sim.summary()} == original
    resumed.recorder.attach(resumed.chat)
    resumed.chat.submit("restart payments")
    resumed.sim.run_for(120_000)
    resumed.recorder.close("stopped")
    last = rows(db, "select seq, text, intent, t_ms from commands order by seq desc limit 1")
    assert last == [{"seq": 9, "text": "restart payments", "intent": "restart", "t_ms": 720_000}]
    code, out, _ = devsim("replay", session, "--db", str(db), "--format", "json")
    stored = [r["data"] for r in rows(db, "select data from events order by seq")]
    assert out.splitlines()[:-1] == stored and stored[:len(lines) - 1] == lines[:-1]
    assert json.loads(out.splitlines()[-1])["t"] == 840.0


def test_a_killed_session_resumes_with_what_it_never_wrote(tmp_path: Path) -> None:
    sim = Simulation(load_scenario("shopfront"), seed=5)
    db = open_store(tmp_path / "s.db")
    recorder = Recorder.start(SyncWriter(db), sim, SessionStart("test", SHOPFRONT.read_text()),
                              flush_events=7)
    published: list[str] = []
    sim.bus.subscribe(lambda e: published.append(e.type))
    chat = ChatSession(sim)
    recorder.attach(chat)
    chat.submit("kill two pods of checkout")
    sim.run_until(300_000)
    recorder.after = lambda token, reply: None  # type: ignore[method-assign]
    chat.submit("scale web to 5")  # applied, but its outcome never reaches the file …
    sim.run_until(400_000)  # … and the events after the last batch of 7 stay in memory
    db.conn.close()  # when the process dies (as a process that has ended would)
    ended = subprocess.Popen(["true"])
    ended.wait()
    with sqlite3.connect(tmp_path / "s.db") as conn:
        conn.execute("update sessions set pid = ?", (ended.pid,))
    stored = rows(tmp_path / "s.db", "select type from events order by seq")
    assert 0 < len(stored) < len(published)
    assert rows(tmp_path / "s.db", "select state from commands where seq = 1") == [
        {"state": "pending"}]

    resumed = resume_session(tmp_path / "s.db", None, threaded=False)
    resumed.recorder.close("stopped")
    assert rows(tmp_path / "s.db", "select state, ok from commands where seq = 1") == [
        {"state": "applied", "ok": 1}]
    code, out, _ = devsim("replay", "--db", str(tmp_path / "s.db"), "--format", "json")
    after = [r["data"] for r in rows(tmp_path / "s.db", "select data from events order by seq")]
    assert code == 0 and out.splitlines()[:-1] == after and len(after) > len(stored)
    assert [json.loads(line)["type"] for line in after[:len(stored)]] == [
        r["type"] for r in stored]
    assert rows(tmp_path / "s.db", "pragma integrity_check") == [{"integrity_check": "ok"}]


# -- branches --------------------------------------------------------------------------------

def test_lineage_cuts_each_ancestor_at_the_earliest_fork_below_it() -> None:
    book = BranchBook([Branch(0, None, 0), Branch(1, 0, 500_000, 7), Branch(2, 1, 200_000, 9)])
    assert book.lineage(2) == [(0, 200_000), (1, 200_000), (2, None)]
    assert book.lineage(1) == [(0, 500_000), (1, None)]
    with pytest.raises(KeyError, match="branches: 0, 1, 2"):
        book.lineage(5)


def test_a_rewind_event_starts_a_branch(tmp_path: Path) -> None:
    sim = Simulation(load_scenario("shopfront"), seed=2)
    db_path = tmp_path / "s.db"
    recorder = Recorder.start(SyncWriter(open_store(db_path)), sim,
                              SessionStart("test", SHOPFRONT.read_text()))
    chat = ChatSession(sim)
    recorder.attach(chat)

    def at(seconds: int, text: str) -> None:
        sim.run_until(seconds * 1000)
        chat.submit(text)

    def rewind(to_s: int) -> None:  # as the rewind command will: an event at the new time
        token = recorder.before(f"rewind to {to_s}s", None, None, "apply")
        sim.publish_at(sim.now, "rewind", {"from": sim.now / 1000, "to": to_s})
        recorder.after(token, Reply(True, "rewound"))

    at(60, "status checkout")
    at(90, "status search")  # at the fork's very time: undone by the rewind to it
    at(120, "scale cart to 3")
    rewind(90)
    at(150, "status web")
    rewind(30)
    at(160, "status cart")
    recorder.close("stopped")

    assert rows(db_path, "select id, parent, forked_at_ms, forked_by, last_t_ms from branches "
                         "order by id") == [
        {"id": 0, "parent": None, "forked_at_ms": 0, "forked_by": None, "last_t_ms": 120_000},
        {"id": 1, "parent": 0, "forked_at_ms": 90_000, "forked_by": 3, "last_t_ms": 150_000},
        {"id": 2, "parent": 1, "forked_at_ms": 30_000, "forked_by": 5, "last_t_ms": 160_000}]
    commands = rows(db_path, "select branch, seq, t_ms, text from commands order by seq")
    assert [c["branch"] for c in commands] == [0, 0, 0, 0, 1, 1, 2]
    events = rows(db_path, "select branch, type from events order by seq")
    assert [e["branch"] for e in events if e["type"] == "rewind"] == [1, 2]
    assert rows(db_path, "select branch from sessions") == [{"branch": 2}]
    db = open_store(db_path)
    one = load_plan(db, None, 1)
    assert [c["text"] for c in one.commands] == ["status checkout", "status web"]
    assert one.until_ms == 150_000
    assert [c["text"] for c in load_plan(db, None, 2).commands] == ["status cart"]
    everything = load_plan(db, None)
    assert len(everything.commands) == 7 and everything.until_ms == 160_000
    assert linear_history(everything.book, 0, commands) == commands[:3]


# -- the console -----------------------------------------------------------------------------

async def test_the_console_records_applied_refused_and_cancelled_commands(tmp_path: Path) -> None:
    from argparse import Namespace

    from devsim_tui.app import make_app
    from devsim_tui.screens.confirm_screen import ConfirmScreen
    from devsim_tui.store.console_recording import record_console
    from devsim_tui.store.recording import start_recording
    from devsim_tui.widgets.command_bar import CommandBar

    app = make_app("shopfront", seed=7, speed=60, autostart=False)
    recorder = start_recording(Namespace(db=str(tmp_path / "s.db"), no_record=False), app.sim,
                               "tui", threaded=True)
    assert recorder is not None
    record_console(app, recorder)
    async with app.run_test(size=(120, 40)) as pilot:
        async def type_line(text: str) -> None:
            bar = app.query_one(CommandBar)
            bar.focus()
            bar.value = text  # (as typed, without a key press per letter)
            await pilot.press("enter")
            await pilot.pause()

        app.bridge.run_for(2.0)  # two minutes at ×60
        await type_line("scale checkout to 3")
        await type_line("deploy checkout 2.3.1")  # it runs already: refused before asking
        await type_line("fail over orders-db")  # production: asks first …
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # … and is cancelled
        await pilot.pause()
        app.bridge.run_for(1.0)
    recorder.close("stopped")
    db = tmp_path / "s.db"
    assert rows(db, "select t_ms, path, state, ok from commands order by seq") == [
        {"t_ms": 120_000, "path": "apply", "state": "applied", "ok": 1},
        {"t_ms": 120_000, "path": "refuse", "state": "refused", "ok": 0},
        {"t_ms": 120_000, "path": "cancel", "state": "cancelled", "ok": 0}]
    assert rows(db, "select front_end, state, last_t_ms from sessions") == [
        {"front_end": "tui", "state": "stopped", "last_t_ms": 180_000}]
    code, out, _ = devsim("replay", "--db", str(db), "--format", "json")
    stored = [r["data"] for r in rows(db, "select data from events order by seq")]
    assert code == 0 and out.splitlines()[:-1] == stored
    assert sum('"type":"command"' in line for line in stored) == 2  # cancelled: no event


def test_the_repl_records_every_line_and_replays(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    db = tmp_path / "s.db"
    monkeypatch.setattr("sys.stdin", io.StringIO(
        "scale cart to 3\nfrobnicate\nadvance 2m\nroll back payments\n"))
    assert devsim("repl", "--db", str(db))[0] == 0
    assert rows(db, "select path, state, ok, t_ms from commands order by seq") == [
        {"path": "apply", "state": "applied", "ok": 1, "t_ms": 0},
        {"path": "reject", "state": "rejected", "ok": 0, "t_ms": 0},
        {"path": "apply", "state": "applied", "ok": 1, "t_ms": 0},
        {"path": "refuse", "state": "refused", "ok": 0, "t_ms": 120_000}]
    assert rows(db, "select front_end, state, last_t_ms from sessions") == [
        {"front_end": "repl", "state": "stopped", "last_t_ms": 120_000}]
    code, out, _ = devsim("replay", "--db", str(db), "--format", "json")
    assert out.splitlines()[:-1] == [r["data"] for r in rows(db, "select data from events "
                                                                 "order by seq")]


def test_a_rewound_run_replays_whole_and_branch_by_branch(tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    (tmp_path / "rewind.txt").write_text(  # scenarios/examples/rewind.txt, shorter
        "wait 1m\nscale checkout to 4\nwait 1m\nrewind 1m\nrestart checkout\nwait 1m\n")
    code, original, _ = devsim("run", "--script", str(tmp_path / "rewind.txt"), "--db", db,
                               "--format", "json")
    assert code == 0
    assert rows(Path(db), "select id, parent, forked_at_ms, last_t_ms from branches") == [
        {"id": 0, "parent": None, "forked_at_ms": 0, "last_t_ms": 120_000},
        {"id": 1, "parent": 0, "forked_at_ms": 60_000, "last_t_ms": 120_000}]
    assert devsim("replay", "--db", db, "--format", "json")[1] == original

    def said(branch: int) -> list[str]:
        out = devsim("replay", "--db", db, "--format", "json", "--branch", str(branch))[1]
        return [json.loads(line)["text"] for line in out.splitlines()
                if '"type":"command"' in line]

    assert said(0) == ["scale checkout to 4"]  # the first idea, to where it was left
    assert said(1) == ["restart checkout"]  # the rewind to 00:01:00 undid the scale at 00:01:00
