"""``parse(text, context) -> Command | ParseError``: the one entry point every front end uses.

Intents are scored by the registry's trigger phrases over the analysed text (names and numbers
replaced by placeholders), nudged by what the text contains (a version suggests a deploy, a
fault phrase a chaos experiment, a database a failover); the winner's builder fills its
arguments. Anything that cannot be placed becomes a one-line ``ParseError`` with suggestions —
the parser never raises.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from engine.commands import Command

from .analysis import MAX_LENGTH, analyse, clean
from .context import ParseContext
from .lexicon import FAULT_PHRASES
from .registry import REGISTRY
from .safety import (
    check_leftovers, check_negation, check_one_command, check_one_intent, commanding,
    misspelt_verb,
)
from .slots import Refusal, unknown_words
from .tokens import Analysis
from .words import KNOWN_WORDS, STEMS

__all__ = ["ParseError", "parse", "score_intents"]

_SPECS = {spec.intent: spec for spec in REGISTRY}
_TRIGGERS = [(spec.intent, spec.compiled()) for spec in REGISTRY]
# one alternation per command, to skip the commands none of whose triggers appear
_ANY = {spec.intent: re.compile("|".join(rf"(?<![\w<-])(?:{p})(?![\w>-])"
                                         for p, _ in spec.triggers)) for spec in REGISTRY}
_FOLLOWS = [(spec.intent, spec.compiled_follows()) for spec in REGISTRY if spec.follows]
_EXAMPLES = {spec.intent: spec.examples[0] for spec in REGISTRY}
_ELLIPSIS = {"and", "also", "same", "what", "how", "then", "now", "plus"}


@dataclass(frozen=True, slots=True)
class ParseError:
    """Why a text could not be understood, and what the person might have meant."""

    message: str
    suggestions: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.message, "suggestions": list(self.suggestions)}


def score_intents(pattern: str, last_intent: str | None = None) -> dict[str, float]:
    """How strongly each intent's triggers appear in a placeholder pattern; phrases that
    mean a command only after another ("stop it") count when ``last_intent`` is one."""
    scores: dict[str, float] = {}
    for intent, triggers in _TRIGGERS:
        if not _ANY[intent].search(pattern):
            continue
        hits = [w for regex, w in triggers if regex.search(pattern)]
        if hits:
            scores[intent] = max(hits) + 0.25 * (len(hits) - 1)
    if last_intent is not None:
        for intent, follows in _FOLLOWS:
            for regex, after, weight in follows:
                if last_intent in after and regex.search(pattern):
                    scores[intent] = max(scores.get(intent, 0.0), weight)
    return scores


def _stem_intent(word: str) -> str | None:
    """The command a word names by its stem ("scaling" → scale, "deploys" → deploy)."""
    for spec in REGISTRY:
        stems = [spec.intent, *spec.synonyms]
        if spec.intent not in ("help", "plan") and any(
                s[:4] == word[:4] for s in stems if len(s) >= 4):
            return spec.intent
    return None


def parse(text: str, context: ParseContext) -> Command | ParseError:
    """Understand one command. Never raises; ``context.notes`` says what was assumed."""
    context.notes = []
    context.assumed_env = None
    context.scores = score_intents
    context.stem_intent = _stem_intent
    context.reparse = lambda inner: _inner(inner, context)
    try:
        result = _parse(text, context)
    except Refusal as refusal:
        return ParseError(refusal.message, tuple(dict.fromkeys(refusal.suggestions or ["help"])))
    except Exception as exc:  # noqa: BLE001 - the contract: never an exception to the caller
        return ParseError(f"could not read that ({type(exc).__name__}); this is a devsim bug, "
                          "please report it with the text you typed", ("help",))
    if isinstance(result, Command):
        context.remember(result)
    return result


def _inner(text: str, ctx: ParseContext) -> Command:
    """The command inside a question ("should I <roll back checkout>?")."""
    result = _parse(text, ctx)
    if isinstance(result, ParseError):
        raise Refusal(result.message, list(result.suggestions))
    return result


def _parse(text: str, ctx: ParseContext) -> Command | ParseError:
    if len(text) > MAX_LENGTH:
        return ParseError(f"that is {len(text)} characters; a command is a line, at most "
                          f"{MAX_LENGTH}", ("help",))
    check_one_command(text)
    an = analyse(text, ctx.names, KNOWN_WORDS, STEMS)
    ctx.notes.extend(an.notes)
    if not an.tokens:
        return ParseError("type a command, e.g. 'status' or 'deploy checkout 2.5.0'",
                          ("status", "help", "deploy checkout 2.5.0"))
    scores = score_intents(an.pattern, ctx.last_intent)
    _nudge(scores, an)
    if not scores or max(scores.values()) < 4:
        typo = misspelt_verb(an)
        if typo is not None:
            raise typo
    if not scores:
        return _fallback(an, ctx)
    spec = _SPECS[max(scores, key=lambda i: (scores[i], -_SPECS[i].precedence))]
    check_one_intent(an, [_SPECS[i] for i, v in scores.items() if v >= 4])
    check_negation(an, spec)
    assert spec.build is not None
    command = spec.build(an, ctx)
    built = _SPECS[command.intent]
    sentences = _SENTENCE.split(clean(text))
    if len(sentences) > 1:  # leave out sentences that are comment, not command
        parts = commanding([analyse(s, ctx.names, KNOWN_WORDS, STEMS) for s in sentences],
                           built)
        an = Analysis([t for p in parts for t in p.tokens], " ".join(p.pattern for p in parts))
    check_leftovers(an, built)
    return command


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Za-z])")


def _nudge(scores: dict[str, float], an: Any) -> None:
    """Evidence beyond trigger words: what the text contains, not only how it is phrased."""
    kinds = {t.kind for t in an.tokens}
    name_kinds = {t.value[1] for t in an.tokens if t.kind == "name"}
    if "ver" in kinds:
        for intent, bonus in (("deploy", 1.5), ("rollback", 1.0)):
            if intent in scores:
                scores[intent] += bonus
        if "strategy" in kinds and "deploy" in scores:
            scores["deploy"] += 2
    elif "deploy" in scores:
        scores["deploy"] -= 1.5  # a deploy names a version; without one it is something else
    if "promote" in scores and "database" in name_kinds:
        scores["failover"] = scores.get("failover", 0) + scores.pop("promote") + 1
    if _mentions_fault(an.pattern):
        scores["chaos"] = max(scores.get("chaos", 0.0), 3.5) + 1
    if "x" in kinds and not name_kinds and "speed" in scores:
        scores["speed"] += 3  # "slow down to 0.5x": a multiplier and nothing to break
    if "chaos_stop" in scores and "chaos" in scores:
        scores["chaos_stop"] += 1
    if _HOW_TO.search(an.pattern) and "help" in scores:
        scores["help"] += 3  # "how do I silence an alert?" asks for help, not a silence
    if "restore" in scores and "database" not in name_kinds:
        del scores["restore"]  # "restore checkout" brings a component back from a fault
    elif "restore" in scores and "chaos_stop" in scores:
        del scores["chaos_stop"]  # "restore orders-db": from its backup
    if "speed" in scores and "chaos" in scores and not name_kinds:
        del scores["chaos"]  # "slow down" with nothing to slow down is about the clock


_HOW_TO = re.compile(r"\bhow (?:do|can|should|would) (?:i|we|you)\b|\bhow to\b")
_FAULT_EVIDENCE = [re.compile(rf"(?<![\w-]){p}(?![\w-])") for phrases in FAULT_PHRASES.values()
                   for p in phrases]


def _mentions_fault(pattern: str) -> bool:
    return any(p.search(pattern) for p in _FAULT_EVIDENCE)


def _fallback(an: Any, ctx: ParseContext) -> Command | ParseError:
    """No trigger at all: a bare name is a status question; anything else gets suggestions."""
    from engine.commands import Status

    named = [t for t in an.tokens if t.kind in ("name", "instance")]
    words = [t for t in an.tokens if t.kind == "word" and t.text not in ("please", "the", "?")]
    if ctx.last_intent and named and an.tokens[0].text in _ELLIPSIS and \
            _SPECS[ctx.last_intent].build is not None:
        # "and checkout-2", "what about payments": the previous request, another subject
        ctx.notes.append(f"same as before ({ctx.last_intent})")
        return _SPECS[ctx.last_intent].build(an, ctx)  # type: ignore[misc]
    unknown = unknown_words(an)
    if unknown:  # "status frontend" without a verb: a name we do not have
        close = ctx.names.suggest(unknown[0].lower())
        hint = f"; did you mean {close[0]}?" if close else ""
        return ParseError(f"I don't know {unknown[0]!r}{hint}", tuple(close[:2]) + ("help",))
    if named and len(words) <= 2:
        name = named[0].value[0]
        return Status(name.rsplit("-", 1)[0] if named[0].kind == "instance" else name)
    typed = " ".join(t.raw for t in an.tokens)[:60]
    return ParseError(f"I don't know how to do {typed!r}; try 'help' for what I understand",
                      tuple(_closest_commands(an)))


def _closest_commands(an: Any) -> list[str]:
    vocabulary = {}
    for spec in REGISTRY:
        for word in (spec.intent.replace("_", " "), *spec.synonyms):
            vocabulary[word] = spec.intent
    picks: list[str] = []
    for t in an.tokens:
        for match in difflib.get_close_matches(t.text, list(vocabulary), n=2, cutoff=0.6):
            example = _EXAMPLES[vocabulary[match]]
            if example not in picks:
                picks.append(example)
    picks = (picks or ["status"])[:3]
    return picks if "help" in picks else [*picks, "help"]
