"""A conversation with a live simulation: replies, command events, context from the world."""

from __future__ import annotations

from devsim_tui.chatops.session import ChatSession
from engine import Simulation, load_scenario


def session() -> tuple[ChatSession, list]:
    sim = Simulation(load_scenario("shopfront"), seed=3)
    events: list = []
    sim.bus.subscribe(lambda e: events.append(e) if e.type == "command" else None)
    return ChatSession(sim), events


def test_a_command_runs_and_is_published() -> None:
    chat, events = session()
    outcome = chat.submit("scale checkout to 5")
    assert outcome.ok and "2 → 5" in outcome.reply.message
    assert chat.sim.snapshot().service("checkout").desired == 5
    assert events[-1].data == {"text": "scale checkout to 5", "ok": True,
                               "reply": outcome.reply.message, "intent": "scale"}


def test_what_cannot_be_parsed_is_published_as_a_failed_command() -> None:
    chat, events = session()
    outcome = chat.submit("frobnicate the flux capacitor")
    assert not outcome.ok and outcome.error is not None
    assert events[-1].data["ok"] is False and events[-1].data["intent"] is None


def test_relative_scaling_follows_the_live_count() -> None:
    chat, _ = session()
    chat.submit("scale checkout to 5")
    chat.submit("add two more pods to checkout")
    assert chat.sim.snapshot().service("checkout").desired == 7


def test_context_and_assumptions_reach_the_reply() -> None:
    chat, _ = session()
    chat.submit("status payments")
    outcome = chat.submit("restart it")
    assert outcome.command is not None and outcome.command.args()["service"] == "payments"
    assert "assuming payments" in outcome.reply.message


def test_help_is_answered_from_the_registry() -> None:
    chat, _ = session()
    outcome = chat.submit("how do I fail over a database?")
    assert outcome.ok and outcome.reply.message.startswith("failover:")


def test_advance_moves_time_and_reports_what_happened() -> None:
    chat, _ = session()
    outcome = chat.submit("fast forward ten minutes")
    assert chat.sim.now == 600_000
    assert "advancing 10m to 00:10:00" in outcome.reply.message
