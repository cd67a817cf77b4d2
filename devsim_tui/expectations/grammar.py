"""Reading an ``expect`` line: the forms of ``model.FORMS`` matched word by word.

Every form is tried; the line is the one form that matches it whole. When none does, the
problem reported is the one of the form that got furthest, at the column where it stopped:
a misspelt word it expected ("did you mean 'firing'?"), a name the scenario does not have, a
percentage or a duration that cannot be read. Nothing here raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from engine import DurationError, parse_duration

from .model import BUDGET_WORDS, FORMS, Expectation, Form, Lit, Opt, Slot
from .vocabulary import Vocabulary, close_to

__all__ = ["parse_expectation"]

_TOKEN = re.compile(r"(>=|<=|≥|≤|==|=|>|<)|([-+]?\d+(?:\.\d*)?\s*%)|([^\s<>=≥≤]+)")
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d*)?$")
_OPS = {">=": ">=", "≥": ">=", ">": ">", "<=": "<=", "≤": "<=", "<": "<"}
_OUTCOMES = {"completed": "completed", "aborted": "aborted", "rolled_back": "rolled_back",
             "rolled-back": "rolled_back"}


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    col: int  # 1-based, in the script's line

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(frozen=True, slots=True)
class Miss:
    """Where a form stopped matching: how far it got, and why."""

    at: int  # index of the token it stopped at (len(tokens): the line ended too soon)
    message: str
    rank: int  # 2: a misspelt word, 1: a value that is wrong, 0: another word was expected


Reader = Callable[[list[Token], int, Vocabulary], "tuple[object, int] | str"]


def parse_expectation(text: str, line: int, col: int, vocab: Vocabulary,
                      ) -> Expectation | tuple[int, str]:
    """An ``expect …`` line (``text`` starts at column ``col``): the expectation, or the
    column and message of its problem."""
    tokens = [Token(m.group(), col + m.start()) for m in _TOKEN.finditer(text)][1:]
    end_col = col + len(text)
    within = next((i for i in range(len(tokens) - 1, -1, -1) if tokens[i].low == "within"), None)
    within_ms = None
    if within is not None:
        rest = tokens[within + 1:]
        if not rest:
            return tokens[within].col, "within: expected a duration such as 90s, 5m or 1h30m"
        try:
            within_ms = parse_duration(text[rest[0].col - col:])
        except DurationError as exc:
            return rest[0].col, f"within: {exc}"
        if within_ms <= 0:
            return rest[0].col, "within: the window must be longer than 0s"
        tokens = tokens[:within]
    if not tokens:
        return (col + len("expect") + 1 if within is not None else end_col,
                "expect what? e.g. 'expect deploy checkout completed within 10m' "
                "(see the README, script files)")
    best: list[Miss] = []
    for form in FORMS:
        result = _match(form, tokens, vocab)
        if isinstance(result, dict):
            return Expectation(line, col, text, form.name, within_ms=within_ms, **result)
        if result is not None:
            best = _keep_furthest(best, result)
    if not best:
        return tokens[0].col, _unknown(tokens[0])
    return _report(best, tokens, end_col)


def _match(form: Form, tokens: list[Token], vocab: Vocabulary) -> dict[str, object] | Miss | None:
    """The form's fields, or where it stopped (None: not even its first word is there)."""
    fields: dict[str, object] = {}
    at = 0
    for part in form.parts:
        if isinstance(part, Opt):
            first = part.parts[0]
            if at >= len(tokens) or not (isinstance(first, Lit) and tokens[at].low in first.words):
                continue
            parts: tuple[Lit | Slot, ...] = part.parts
        else:
            parts = (part,)
        for piece in parts:
            got = _one(piece, tokens, at, vocab)
            if isinstance(got, Miss):
                return None if got.at == 0 else got  # not even its first word: another form
            if isinstance(piece, Slot):
                fields[piece.field] = got[0]
            at = got[1]
    if at < len(tokens):
        return Miss(at, f"unexpected {tokens[at].text!r} after '{form.usage}'", 1)
    return fields


def _one(piece: Lit | Slot, tokens: list[Token], at: int, vocab: Vocabulary,
         ) -> tuple[object, int] | Miss:
    if isinstance(piece, Lit):
        if at < len(tokens) and tokens[at].low in piece.words:
            return piece.words[0], at + 1
        want = piece.words[0]
        if at < len(tokens) and close_to(tokens[at].text, list(piece.words)):
            return Miss(at, f"expected {want!r}, found {tokens[at].text!r}; did you mean "
                            f"{want!r}?", 2)
        return Miss(at, f"{want!r}", 0)
    if at >= len(tokens):
        return Miss(at, _WANTED[piece.kind], 0)
    got = READERS[piece.kind](tokens, at, vocab)
    return Miss(at, got, 1) if isinstance(got, str) else got


def _keep_furthest(best: list[Miss], miss: Miss) -> list[Miss]:
    if not best or miss.at > best[0].at:
        return [miss]
    return [*best, miss] if miss.at == best[0].at else best


def _report(misses: list[Miss], tokens: list[Token], end_col: int) -> tuple[int, str]:
    at = misses[0].at
    col = tokens[at].col if at < len(tokens) else end_col
    top = max(m.rank for m in misses)
    if top > 0:
        return col, next(m.message for m in misses if m.rank == top)
    wanted = " or ".join(dict.fromkeys(m.message for m in misses))
    if at >= len(tokens):
        return col, f"expected {wanted} after {tokens[-1].text!r}"
    return col, f"expected {wanted}, found {tokens[at].text!r}"


def _unknown(token: Token) -> str:
    heads = list(dict.fromkeys(h for f in FORMS for h in f.heads))
    near = close_to(token.text, heads)
    if near is not None:
        return f"unknown expectation {token.text!r}; did you mean {near!r}?"
    second = next((f for f in FORMS if len(f.parts) > 1 and isinstance(f.parts[1], Lit)
                   and token.low in f.parts[1].words), None)
    if second is not None:  # the form's first word left out: 'budget checkout …'
        return f"unknown expectation {token.text!r}; did you mean '{second.usage}'?"
    return (f"unknown expectation {token.text!r}; expect one of: "
            + ", ".join(dict.fromkeys(f.usage for f in FORMS)))


# readers: a value and the index after it, or what is wrong ----------------------------------

def _name(table: str, noun: str) -> Reader:
    def read(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
        word = tokens[at].text
        names: dict[str, str] = getattr(vocab, table)
        if word.lower() in names:
            return names[word.lower()], at + 1
        if word.lower() in vocab.externals:
            return (f"{vocab.externals[word.lower()]} is an external, outside the estate: "
                    f"nothing of it is measured or alerted on")
        other = vocab.components.get(word.lower())
        if other is not None:
            kind = "service" if other.lower() in vocab.services else \
                "database" if other.lower() in vocab.databases else "cache or queue"
            return f"{other} is a {kind}, not a {noun}"
        near = close_to(word, names)
        hint = f"; did you mean {near!r}?" if near else ""
        return f"there is no {noun} called {word!r} in this scenario{hint}"
    return read


def _alert(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
    word = tokens[at].text
    if word.lower() in vocab.alerts:
        return vocab.alerts[word.lower()], at + 1
    near = close_to(word, vocab.alerts)
    hint = (f"; did you mean {near!r}?" if near else
            f" (its rules: {', '.join(sorted(vocab.alerts.values())[:6])}, …)")
    return f"there is no alert rule called {word!r} in this scenario{hint}"


def _outcome(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
    word = tokens[at].low
    if word in _OUTCOMES:
        return _OUTCOMES[word], at + 1
    if word == "rolled" and at + 1 < len(tokens) and tokens[at + 1].low == "back":
        return "rolled_back", at + 2
    near = close_to(word, list(_OUTCOMES)[:3])
    hint = f"; did you mean {near!r}?" if near else ""
    return f"expected completed, aborted or rolled_back, found {tokens[at].text!r}{hint}"


def _budget(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
    word = tokens[at].low
    return (word, at + 1) if word in BUDGET_WORDS else \
        f"expected error, availability or latency budget, found {tokens[at].text!r}"


def _op(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
    word = tokens[at].text
    if word in _OPS:
        return _OPS[word], at + 1
    if word in ("=", "=="):
        return f"{word!r} would compare a measured share exactly; use >=, >, <= or <"
    return f"expected a comparison (>=, >, <= or <), found {word!r}"


def _percent(tokens: list[Token], at: int, vocab: Vocabulary) -> tuple[object, int] | str:
    word = tokens[at].text
    if _NUMBER.match(word):
        return f"expected a percentage such as 99.9%, found {word!r} (the % sign is missing)"
    if not word.endswith("%") or not _NUMBER.match(word[:-1].strip()):
        return f"expected a percentage such as 99.9%, found {word!r}"
    value = float(word[:-1].strip())
    if not 0 <= value <= 100:
        return f"a percentage is between 0% and 100%, not {word!r}"
    return value, at + 1


READERS: dict[str, Reader] = {
    "service": _name("services", "service"),
    "component": _name("components", "component"),
    "database": _name("databases", "database"),
    "alert": _alert,
    "outcome": _outcome,
    "budget": _budget,
    "op": _op,
    "percent": _percent,
}
_WANTED = {
    "service": "a service", "component": "a component", "database": "a database",
    "alert": "an alert rule's name", "outcome": "completed, aborted or rolled_back",
    "budget": "error, availability or latency", "op": "a comparison (>=, >, <= or <)",
    "percent": "a percentage such as 99.9%",
}
