"""The session store: schema and migrations, what a run records, sessions, replay, resume,
branches, and the one-line errors for a bad ``--db``."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlite_utils import Database

from devsim_tui.chatops.session import ChatSession
from devsim_tui.cli import main
from devsim_tui.store.branches import Branch, BranchBook, linear_history
from devsim_tui.store.database import open_store
from devsim_tui.store.queries import load_plan
from devsim_tui.store.recorder import Recorder, SessionStart
from devsim_tui.store.replay import Replay
from devsim_tui.store.resume import resume_session
from devsim_tui.store.schema import SCHEMA_VERSION, migrate
from devsim_tui.store.writer import SyncWriter
from engine import Simulation, load_scenario
from engine.commands import Reply

SCRIPT = """\
wait 1m
status checkout
scale checkout to four
deploy checkout 2.4.0 as a canary
deploy checkout 2.5.0
scale cart to 2 in staging
wait 2m
kill two pods of payments
should I roll back checkout?
advance 2m
fail over orders-db
at 00:12:00
"""
ROOT = Path(__file__).parents[2]
SHOPFRONT = ROOT / "scenarios" / "shopfront.yaml"


def devsim(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def rows(db_path: Path, sql: str, *params: object) -> list[dict]:
    conn = sqlite3.connect(db_path)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], str]:
    """One scripted run of shopfront: the database, its JSON lines and the session id."""
    where = tmp_path_factory.mktemp("store")
    (where / "drill.txt").write_text(SCRIPT)
    db = where / "sessions.db"
    code, out, err = devsim("run", "--scenario", "shopfront", "--script",
                            str(where / "drill.txt"), "--db", str(db), "--format", "json")
    assert code == 0, err
    (session,) = rows(db, "select id from sessions")
    return db, out.splitlines(), session["id"]


def copy_of(db: Path, to: Path) -> Path:
    with sqlite3.connect(db) as src, sqlite3.connect(to) as dst:
        src.backup(dst)
    return to


# -- schema and migrations -------------------------------------------------------------------

def test_an_empty_file_gets_the_whole_schema_in_wal_mode(tmp_path: Path) -> None:
    db = open_store(tmp_path / "s.db")
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION == 3
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert {"sessions", "commands", "events", "alerts", "deployments", "faults", "metrics",
            "branches"} <= set(db.table_names())
    assert {"audit", "timeline"} <= set(db.view_names())


@pytest.mark.parametrize("start", [1, 2])
def test_an_older_database_with_data_is_migrated(tmp_path: Path, start: int) -> None:
    path = tmp_path / "old.db"
    old = Database(path)
    migrate(old, target=start)
    old["sessions"].insert({"id": "abc123", "started": "2025-01-01T00:00:00+00:00",
                            "front_end": "run", "scenario": "shopfront", "seed": 42,
                            "scenario_source": SHOPFRONT.read_text(), "last_t_ms": 60_000,
                            "state": "finished", "user": "ana"})
    old["commands"].insert({"session": "abc123", "seq": 0, "t_ms": 30_000, "text": "status",
                            "intent": "status", "args": "{}", "path": "apply",
                            "state": "applied", "ok": 1, "reply": "fine"})
    old["metrics"].insert({"session": "abc123", "minute": 0, "component": "web",
                           "env": "production", "rps": 12.5})
    if start == 2:  # (version 2 kept a root branch per session)
        old["branches"].insert({"session": "abc123", "id": 0, "forked_at_ms": 0,
                                "last_t_ms": 60_000})
    assert ("branch" in old["commands"].columns_dict) == (start == 2)
    assert "script" not in old["sessions"].columns_dict
    old.conn.close()

    db = open_store(path)
    assert db.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert rows(path, "select script, state from sessions") == [
        {"script": None, "state": "finished"}]
    assert rows(path, "select seq, branch, reply from commands") == [
        {"seq": 0, "branch": 0, "reply": "fine"}]
    assert rows(path, "select session, id, parent, last_t_ms from branches") == [
        {"session": "abc123", "id": 0, "parent": None, "last_t_ms": 60_000}]
    db["metrics"].insert({"session": "abc123", "branch": 1, "minute": 0, "component": "web",
                          "env": "production", "rps": 3.0})  # the branch is in the key now
    assert [r["rps"] for r in rows(path, "select rps from metrics order by branch")] == [12.5, 3]
    (audit,) = rows(path, "select branch, sim_clock, text from audit")
    assert audit == {"branch": 0, "sim_clock": "00:00:30", "text": "status"}
    plan = load_plan(db, "abc")  # and the migrated session replays
    events: list[dict] = []
    replay = Replay(plan.session)
    replay.sim.bus.subscribe(lambda e: events.append(e.to_dict()))
    replay.run(plan.commands, plan.until_ms)
    assert replay.sim.now == 60_000 and [e["text"] for e in events
                                         if e["type"] == "command"] == ["status"]


def test_a_database_newer_than_this_devsim_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as conn:
        conn.execute("pragma user_version = 9")
    code, out, err = devsim("sessions", "--db", str(path))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "schema version 9 is newer" in err and str(path) in err


@pytest.mark.parametrize("kind, message", [
    ("directory", "is a directory"), ("text", "not a SQLite database"),
    ("missing-dir", "does not exist"), ("foreign", "not a devsim session database")])
def test_a_bad_db_path_is_one_line_and_exit_2(tmp_path: Path, kind: str, message: str) -> None:
    path = {"directory": tmp_path, "text": tmp_path / "notes.txt",
            "missing-dir": tmp_path / "nope" / "s.db", "foreign": tmp_path / "other.db"}[kind]
    if kind == "text":
        path.write_text("hello\n")
    if kind == "foreign":
        with sqlite3.connect(path) as conn:
            conn.execute("create table recipes (name text)")
    for args in (("run", "--duration", "1m", "--db", str(path)), ("replay", "--db", str(path)),
                 ("sessions", "--db", str(path))):
        code, out, err = devsim(*args)
        assert code == 2 and out == "", args
        if kind == "missing-dir" and args[0] != "run":  # reading: there is nothing to read
            message = "no session database here"
        assert err.count("\n") == 1 and message in err and "Traceback" not in err, err


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_an_unwritable_db_is_one_line_and_exit_2(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db").conn.close()
    (tmp_path / "s.db").chmod(0o444)
    code, _, err = devsim("run", "--duration", "1m", "--db", str(tmp_path / "s.db"))
    assert code == 2 and "not writable" in err and err.count("\n") == 1


# -- what a run records ----------------------------------------------------------------------

def test_commands_are_recorded_with_intent_arguments_and_outcome(recorded) -> None:
    db, lines, _ = recorded
    said = [json.loads(line) for line in lines if '"type":"command"' in line]
    commands = rows(db, "select * from commands order by seq")
    assert [c["text"] for c in commands] == [e["text"] for e in said]
    assert [(c["t_ms"], bool(c["ok"]), c["reply"], c["intent"]) for c in commands] == [
        (round(e["t"] * 1000), e["ok"], e["reply"], e["intent"]) for e in said]
    by_text = {c["text"]: c for c in commands}
    assert json.loads(by_text["scale cart to 2 in staging"]["args"]) == {
        "service": "cart", "replicas": 2, "env": "staging"}
    assert by_text["deploy checkout 2.5.0"]["ok"] == 0  # refused: a rollout is running
    assert json.loads(by_text["should I roll back checkout?"]["args"]) == {
        "command": {"intent": "rollback", "args": {"service": "checkout"}}}
    assert {c["state"] for c in commands} == {"applied"} and {c["path"] for c in commands} == {
        "apply"}
    (session,) = rows(db, "select * from sessions")
    assert session["state"] == "finished" and session["last_t_ms"] == 720_000
    assert session["scenario_source"] == SHOPFRONT.read_text() and session["seed"] == 42
    audit = rows(db, "select sim_clock, text from audit")
    assert audit[0] == {"sim_clock": "00:01:00", "text": "status checkout"}


def test_events_are_the_json_stream_and_fill_the_derived_tables(recorded) -> None:
    db, lines, session = recorded
    assert [r["data"] for r in rows(db, "select data from events order by seq")] == lines[:-1]
    (deploy,) = rows(db, "select * from deployments")
    assert (deploy["service"], deploy["version"], deploy["from_version"], deploy["outcome"]) == (
        "checkout", "2.4.0", "2.3.1", "rolled back")
    assert deploy["steps"] >= 1 and "analysis failed" in deploy["reason"]
    (fault,) = rows(db, "select * from faults")
    assert (fault["fault"], fault["target"], fault["outcome"]) == (
        "instance-kill", "payments", "one-shot")
    fired = [line for line in lines[:-1] if '"type":"alert.firing"' in line]
    alerts = rows(db, "select * from alerts order by fired_ms")
    assert len(alerts) == len(fired) >= 1
    assert all(a["resolved_ms"] is None or a["resolved_ms"] > a["fired_ms"] for a in alerts)
    minutes = rows(db, "select minute, rps, error_rate, p99_ms from metrics where "
                       "component = 'gateway' and env = 'production' order by minute")
    assert [m["minute"] for m in minutes] == list(range(12))
    assert all(m["rps"] > 0 and m["p99_ms"] > 0 for m in minutes)
    assert rows(db, "select count(*) as n from metrics")[0]["n"] == 12 * len(
        Simulation(load_scenario("shopfront")).world.topo.nodes)


def test_the_readme_queries_find_what_a_session_holds(recorded) -> None:
    db, _, _ = recorded
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Sessions: recording, replay, resume", 1)[1].split("\n### ")[0]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)
    assert len(queries) == 2
    changes, alerts = (rows(db, query) for query in queries)
    assert [c["text"] for c in changes][:2] == ["scale checkout to four",
                                                "deploy checkout 2.4.0 as a canary"]
    assert alerts and all(a["worst_p99_ms"] > 0 for a in alerts)


def test_commands_are_committed_before_they_apply(tmp_path: Path) -> None:
    sim = Simulation(load_scenario("shopfront"), seed=1)
    recorder = Recorder.start(SyncWriter(open_store(tmp_path / "s.db")), sim,
                              SessionStart("test", SHOPFRONT.read_text()))
    chat = ChatSession(sim)
    recorder.attach(chat)
    seen: list[list[dict]] = []
    apply = sim.apply

    def spying(*args, **kwargs):  # what another process would read at that moment
        seen.append(rows(tmp_path / "s.db", "select text, state from commands"))
        return apply(*args, **kwargs)

    sim.apply = spying  # type: ignore[method-assign]
    chat.submit("scale cart to 3")
    assert seen == [[{"text": "scale cart to 3", "state": "pending"}]]
    recorder.close("stopped")
    assert rows(tmp_path / "s.db", "select state, ok from commands") == [
        {"state": "applied", "ok": 1}]


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
