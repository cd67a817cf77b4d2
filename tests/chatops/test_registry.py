"""One registry feeds the parser, help and completion: they must agree."""

from __future__ import annotations

import pytest

from devsim_tui.chatops import REGISTRY, ParseContext, parse
from devsim_tui.chatops.completion import complete
from devsim_tui.chatops.helptext import help_text
from engine import load_scenario
from engine.commands import COMMAND_TYPES

SPEC = load_scenario("shopfront")


def test_every_command_type_is_declared_once_with_a_builder() -> None:
    intents = [spec.intent for spec in REGISTRY]
    assert len(intents) == len(set(intents))
    assert set(intents) == set(COMMAND_TYPES)
    assert all(callable(spec.build) for spec in REGISTRY)


@pytest.mark.parametrize(("intent", "example"),
                         [(s.intent, e) for s in REGISTRY for e in s.examples])
def test_every_example_means_its_own_command(intent: str, example: str) -> None:
    result = parse(example, ParseContext.for_scenario(SPEC))
    assert result.to_dict().get("intent") == intent, result


def test_help_lists_every_command_and_details_each() -> None:
    overview = help_text()
    for spec in REGISTRY:
        assert spec.intent in overview
        detail = help_text(spec.intent)
        assert spec.examples[0] in detail
        for slot in spec.slots:
            assert slot.name in detail
    assert "not simulated" not in help_text()  # everything the language names is simulated


def test_completion_offers_commands_names_and_examples() -> None:
    names = ParseContext.for_scenario(SPEC).names
    assert "checkout" in complete("deploy che", names)
    assert "orders-db" in complete("fail over ord", names)
    assert "production" in complete("deploy checkout 2.5.0 to prod", names)
    assert "cache-flush" in complete("inject cache", names)
    start = complete("", names, limit=300)
    assert "deploy checkout 2.5.0" in start and "status" in start
