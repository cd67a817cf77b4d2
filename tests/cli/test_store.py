"""The session store: schema and migrations, the one-line errors for a bad ``--db``, and what
a scripted run records (commands before they act, events, the tables derived from them)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from devsim_tui.chatops.session import ChatSession
from devsim_tui.store.database import open_store
from devsim_tui.store.queries import load_plan
from devsim_tui.store.recorder import Recorder, SessionStart
from devsim_tui.store.replay import Replay
from devsim_tui.store.schema import SCHEMA_VERSION, migrate
from devsim_tui.store.writer import SyncWriter
from engine import Simulation, load_scenario
from tests.cli.store_helpers import ROOT, SHOPFRONT, devsim, recorded, rows

__all__ = ["recorded"]  # (the fixture, shared)


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


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only file")
def test_an_unwritable_db_is_one_line_and_exit_2(tmp_path: Path) -> None:
    open_store(tmp_path / "s.db").conn.close()
    (tmp_path / "s.db").chmod(0o444)
    code, _, err = devsim("run", "--duration", "1m", "--db", str(tmp_path / "s.db"))
    assert code == 2 and "not writable" in err and err.count("\n") == 1


@pytest.mark.skipif(not Path("/proc/version").is_file(), reason="needs Linux's /proc")
def test_a_db_where_no_file_can_be_made_is_one_line_and_exit_2() -> None:
    code, out, err = devsim("run", "--duration", "1m", "--db", "/proc/devsim-sessions.db")
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("devsim run: error: /proc/devsim-sessions.db: ") and "Traceback" not in err


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
