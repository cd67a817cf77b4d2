"""The language against a corpus written independently of the parser (tests/chatops/corpus.py).

Every phrasing must give exactly the expected intent and arguments; refusals must be errors
that say the right thing; conversations carry context. The accuracy figures in the README come
from ``python tests/chatops/test_language.py``.
"""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

from devsim_tui.chatops import ParseContext, ParseError, parse
from engine import load_scenario

CORPUS = runpy.run_path(str(Path(__file__).with_name("corpus.py")))
SPEC = load_scenario("shopfront")


def fresh() -> ParseContext:
    return ParseContext.for_scenario(SPEC, alerts=["HighErrorRate", "CheckoutHighLatency",
                                                   "OrdersDbReplicationLag"])


def answer(text: str, ctx: ParseContext | None = None) -> dict:
    result = parse(text, ctx or fresh())
    return result.to_dict()


@pytest.mark.parametrize(("text", "expected"), CORPUS["CASES"], ids=lambda v: str(v)[:60])
def test_phrasing(text: str, expected: dict) -> None:
    assert answer(text) == expected


@pytest.mark.parametrize(("text", "fragment"), CORPUS["REFUSALS"], ids=lambda v: str(v)[:60])
def test_refusal(text: str, fragment: str) -> None:
    result = answer(text)
    assert CORPUS["refusal_matches"](fragment, result), result


@pytest.mark.parametrize("turns", CORPUS["CONVERSATIONS"], ids=lambda t: t[0][0][:40])
def test_conversation(turns: list[tuple[str, dict]]) -> None:
    ctx = fresh()
    for text, expected in turns:
        assert answer(text, ctx) == expected, text


@pytest.mark.parametrize(("text", "service", "delta"), CORPUS["RELATIVE_SCALE"],
                         ids=lambda v: str(v)[:50])
def test_relative_scale(text: str, service: str, delta: int) -> None:
    ctx = fresh()
    ctx.names.replicas = dict.fromkeys(ctx.names.replicas, 10)  # room to grow and to shrink
    result = answer(text, ctx)
    assert result == {"intent": "scale", "args": {"service": service, "replicas": 10 + delta}}


def test_relative_scale_below_zero_is_refused() -> None:
    result = answer("remove five pods from checkout")  # checkout runs 2
    assert "negative" in result["error"]


def test_assumptions_are_announced() -> None:
    ctx = fresh()
    parse("deploy checkout 2.5.0", ctx)
    parse("roll it back", ctx)
    assert any("assuming checkout" in note for note in ctx.notes)
    parse("restart chekout", ctx)
    assert any("'chekout' as checkout" in note for note in ctx.notes)


def accuracy(corpus: dict | None = None) -> dict[str, float]:
    """Intent and exact-argument accuracy over a corpus's CASES and conversations, and the
    share of its refusals refused as expected (``python tests/chatops/test_language.py
    [corpus.py|heldout.py|blind3.py]``)."""
    corpus = corpus or CORPUS
    total = intent_ok = exact_ok = 0
    misses = []

    def judge(got: dict, want: dict, text: str) -> None:
        nonlocal total, intent_ok, exact_ok
        got = {k: v for k, v in got.items() if k != "notes"}
        total += 1
        intent_ok += got.get("intent") == want["intent"]
        exact_ok += got == want
        if got != want:
            misses.append((text, got, want))

    for text, want in corpus["CASES"]:
        judge(answer(text), want, text)
    for turns in corpus.get("CONVERSATIONS", []):
        ctx = fresh()
        for text, want in turns:
            judge(answer(text, ctx), want, text)
    refused = [(t, f, answer(t)) for t, f in corpus["REFUSALS"]]
    wrong = [(t, f, got) for t, f, got in refused if not CORPUS["refusal_matches"](f, got)]
    return {"cases": total, "intent": intent_ok / total, "exact": exact_ok / total,
            "refusals": 1 - len(wrong) / len(refused), "misses": misses,  # type: ignore
            "unrefused": wrong}  # type: ignore


if __name__ == "__main__":
    import sys

    chosen = runpy.run_path(str(Path(__file__).with_name(sys.argv[1]))) if len(sys.argv) > 1 \
        else CORPUS
    figures = accuracy(chosen)
    for text, got, want in figures.pop("misses"):  # type: ignore[union-attr]
        print(f"MISS {text!r}\n   got  {got}\n   want {want}")
    for text, fragment, got in figures.pop("unrefused"):  # type: ignore[union-attr]
        print(f"NOT REFUSED {text!r} (want {fragment!r})\n   got  {got}")
    print({k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()})


HELDOUT = runpy.run_path(str(Path(__file__).with_name("heldout.py")))


@pytest.mark.parametrize(("text", "expected"), HELDOUT["CASES"], ids=lambda v: str(v)[:60])
def test_heldout_phrasing(text: str, expected: dict) -> None:
    """A second corpus, written by another author who never saw the parser (see heldout.py).

    Its first run, before any parser change, scored 96.8 % intent / 95.9 % exact (README).
    """
    assert answer(text) == expected


@pytest.mark.parametrize(("text", "fragment"), HELDOUT["REFUSALS"], ids=lambda v: str(v)[:60])
def test_heldout_refusal(text: str, fragment: str) -> None:
    assert CORPUS["refusal_matches"](fragment, answer(text))


BLIND3 = runpy.run_path(str(Path(__file__).with_name("blind3.py")))


@pytest.mark.parametrize(("text", "expected"), BLIND3["CASES"], ids=lambda v: str(v)[:60])
def test_blind3_phrasing(text: str, expected: dict) -> None:
    """A third corpus, written from the README alone (see blind3.py). Its first run, before
    the safety rules, scored 85.9 % intent / 78.0 % exact and refused 13 of 37 (README)."""
    assert {k: v for k, v in answer(text).items() if k != "notes"} == expected


@pytest.mark.parametrize("turns", BLIND3["CONVERSATIONS"], ids=lambda t: t[0][0][:40])
def test_blind3_conversation(turns: list[tuple[str, dict]]) -> None:
    ctx = fresh()
    for text, expected in turns:
        assert {k: v for k, v in answer(text, ctx).items() if k != "notes"} == expected, text


@pytest.mark.parametrize(("text", "fragment"), BLIND3["REFUSALS"], ids=lambda v: str(v)[:60])
def test_blind3_refusal(text: str, fragment: str) -> None:
    assert CORPUS["refusal_matches"](fragment, answer(text))
