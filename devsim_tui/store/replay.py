"""Replaying a recorded session: the same scenario text and seed, the same commands at the same
simulated times through a ``ChatSession``, each the way it went the first time.

A command's ``path`` says how it went. ``reject`` lines are submitted as typed (the parser
refuses what it refused). ``apply`` lines are understood again and run — as recorded, should
the console have read them a little earlier than it ran them (a confirmation takes wall time,
and "two more pods" counts the pods when it is read). ``refuse`` lines are understood and
refused with the front end's check, as the console did; ``cancel`` lines are understood (the
conversation's context moves on as it did) and go no further. ``expect`` lines (a script's
expectations) are handed to a judge again, which decides them as the first run did. The
front end's state each command saw — the environment on screen, the speed, paused or not,
who typed it — is restored before it runs. A command still ``pending`` was being applied
when the process stopped: it is applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from engine import Simulation, parse_scenario
from engine.actions.checks import check
from engine.commands import COMMAND_TYPES, Command, Plan

from devsim_tui.chatops import ParseError
from devsim_tui.chatops.session import ChatSession, Outcome

__all__ = ["Replay", "build_simulation"]

OnCommand = Callable[[dict[str, Any], Outcome | None], None]


def build_simulation(session: dict[str, Any]) -> Simulation:
    """The session's world at time zero, from the scenario text it recorded."""
    spec = parse_scenario(session["scenario_source"], session.get("scenario_file")
                          or session["scenario"])
    sim = Simulation(spec, seed=int(session["seed"]))
    if session.get("user"):
        sim.user = session["user"]
    return sim


class Replay:
    """Drives a fresh simulation through recorded commands (see the module docstring)."""

    def __init__(self, session: dict[str, Any], sim: Simulation | None = None, *,
                 checkpoints: bool = True) -> None:
        """``checkpoints=False``: keep them only if a recorded command rewinds (a replay that
        ends with the process needs no others; a resumed console keeps them, to rewind)."""
        self.session = session
        self.sim = sim or build_simulation(session)
        self.keep_checkpoints = checkpoints
        self.chat = ChatSession(self.sim, dry_run=bool(session.get("dry_run")))
        self.judge: Any = None  # a script's expectations' judge, as the run had

    def run(self, commands: Sequence[dict[str, Any]], until_ms: int,
            on_command: OnCommand | None = None) -> None:
        """Apply ``commands`` at their times, then run to ``until_ms`` (and, for a finished
        run with expectations, judge what is still open, as its end did)."""
        if not self.keep_checkpoints:
            self.sim.checkpoints.enabled = any(row["intent"] == "rewind" for row in commands)
        if self.session.get("script") or any(row["path"] == "expect" for row in commands):
            from devsim_tui.expectations import Judge

            self.judge = Judge(self.sim, dry_run=self.chat.dry_run)
        for row in commands:
            self._advance(row["t_ms"])
            outcome = self.apply(row)
            if self.judge is not None:
                self.judge.check()
            if on_command is not None:
                on_command(row, outcome)
        self._advance(until_ms)
        if self.judge is not None and self.session.get("state") == "finished":
            self.judge.finish()

    def _advance(self, t_ms: int) -> None:
        if self.sim.now >= t_ms:
            return
        if self.judge is not None:  # stopping where a check is due, as the run did
            self.judge.advance(t_ms, self.sim.run_until)
        else:
            self.sim.run_until(t_ms)

    def apply(self, row: dict[str, Any]) -> Outcome | None:
        sim, chat = self.sim, self.chat
        chat.env = row.get("environment")
        if row.get("user"):
            sim.user = row["user"]
        if row.get("speed") is not None:
            sim.speed = float(row["speed"])
        if row.get("paused") is not None:
            sim.paused = bool(row["paused"])
        return PATHS.get(row["path"], _apply)(self, row)


def _submit(replay: Replay, row: dict[str, Any]) -> Outcome:
    return replay.chat.submit(row["text"])


def _apply(replay: Replay, row: dict[str, Any]) -> Outcome:
    chat = replay.chat
    result = chat.understand(row["text"])
    notes = tuple(chat.context.notes)
    if isinstance(result, ParseError):
        return chat.reject(row["text"], result)
    ran = Plan(result) if chat.dry_run and result.changes_production else result
    if row.get("args") is not None and row.get("intent") is not None and \
            {"intent": ran.intent, "args": ran.args()} != _recorded(row):
        result = _command_from(_recorded(row)) or result
    return chat.run(row["text"], result, notes)


def _refuse(replay: Replay, row: dict[str, Any]) -> Outcome:
    chat = replay.chat
    result = chat.understand(row["text"])
    if isinstance(result, ParseError):  # (cannot happen with the same parser: it parsed)
        return chat.reject(row["text"], result)
    problem = check(chat.sim, result) or row.get("reply") or "refused"
    return chat.refuse(row["text"], result, problem)


def _cancel(replay: Replay, row: dict[str, Any]) -> None:
    replay.chat.understand(row["text"])
    return None


def _expect(replay: Replay, row: dict[str, Any]) -> None:
    from devsim_tui.expectations import Expectation

    replay.judge.activate(Expectation(**json.loads(row["args"])))
    return None


PATHS: dict[str, Callable[[Replay, dict[str, Any]], Outcome | None]] = {
    "apply": _apply, "reject": _submit, "refuse": _refuse, "cancel": _cancel,
    "expect": _expect,
}


def _recorded(row: dict[str, Any]) -> dict[str, Any]:
    return {"intent": row["intent"], "args": json.loads(row["args"])}


def _command_from(data: dict[str, Any]) -> Command | None:
    """A command rebuilt from its recorded ``{"intent", "args"}`` (None if it cannot be)."""
    cls = COMMAND_TYPES.get(data.get("intent", ""))
    if cls is None:
        return None
    args = data.get("args") or {}
    try:
        if cls is Plan:
            inner = _command_from(args.get("command") or {})
            return Plan(inner) if inner is not None else None
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in args.items()})
    except TypeError:
        return None
