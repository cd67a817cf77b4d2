"""Whatever is typed, the parser answers: an intent, or an error with suggestions. Never raises."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from devsim_tui.chatops import ParseContext, ParseError, parse
from engine import load_scenario
from engine.commands import Command

CONTEXT = ParseContext.for_scenario(load_scenario("shopfront"))
WORDS = ["deploy", "checkout", "2.5.0", "roll", "back", "kill", "pods", "of", "for", "10m",
         "300ms", "20%", "scale", "to", "-3", "orders-db", "fail", "over", "zone-b", "it",
         "why", "help", "x60", "twenty", "half", "an", "hour", "\x1b[31m", "🔥", "\x00", "\t"]
ANSI = st.sampled_from(["\x1b[0m", "\x1b[1;31m", "\x1b]0;title\x07", "\x1b[2J", "\x9b"])
noise = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=4096),
    st.lists(st.one_of(st.sampled_from(WORDS), ANSI, st.text(max_size=8)), max_size=40)
    .map(" ".join),
    st.binary(max_size=300).map(lambda b: b.decode("latin-1")),
)


@settings(max_examples=3_000, deadline=None, suppress_health_check=list(HealthCheck),
          derandomize=True)
@given(noise)
def test_any_text_gives_an_intent_or_a_helpful_error(text: str) -> None:
    result = parse(text, CONTEXT)
    assert isinstance(result, Command | ParseError)
    if isinstance(result, ParseError):
        assert result.message and result.suggestions
        assert "bug" not in result.message  # the safety net never had to catch anything
        assert "\n" not in result.message
    json.dumps(result.to_dict())


def test_parsing_is_deterministic() -> None:
    texts = ["deploy checkout 2.5.0 to prod as a canary", "kil 2 pods of chekout", "🔥🔥"]
    first = [parse(t, ParseContext.for_scenario(CONTEXT and load_scenario("shopfront")))
             .to_dict() for t in texts]
    again = [parse(t, ParseContext.for_scenario(load_scenario("shopfront"))).to_dict()
             for t in texts]
    assert first == again


def test_very_long_input_is_refused_politely() -> None:
    result = parse("deploy " * 1000, CONTEXT)
    assert isinstance(result, ParseError) and "characters" in result.message
