"""Text → tagged tokens: the first half of parsing, with no notion of which command is meant.

Cleaning removes control characters and ANSI escapes; tokens keep their original spelling (for
alert names) and a lower-case form; number words become numbers ("twenty five" → 25, "half
an hour" → 30 minutes); quantities are recognised with their units (durations, latencies,
percentages, multipliers, versions); names are resolved against the scenario, typos included.
The ``pattern`` string replaces each tagged token by a placeholder so that intent triggers
match words, never names or numbers.
"""

from __future__ import annotations

import re
import unicodedata

from .lexicon import (
    ENVIRONMENTS,
    VOCABULARY,
    FACTOR_WORDS,
    NUMBER_WORDS,
    PERCENT_WORDS,
    STRATEGIES,
    TIME_UNITS,
)
from .lexicon import TENS as _TENS
from .names import NameIndex
from .tokens import Analysis, Token

__all__ = ["Analysis", "Token", "analyse"]

MAX_LENGTH = 2000
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_TOKEN = re.compile(r"#?-?\d[\w.:%+/-]*|[a-z0-9][\w.'/-]*[a-z0-9%]|[a-z0-9%?]", re.I)
_VERSION = re.compile(r"^v?\d+(?:\.\d+){1,3}(?:[-+][0-9a-z.-]+)?$", re.I)
_COMPACT_TIME = re.compile(r"^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$")
_TIME_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_CLOCK = re.compile(r"^(\d{1,2}):([0-5]\d)(?::([0-5]\d))?$")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_PERCENT = re.compile(r"^(-?\d+(?:\.\d+)?)%$")
_FACTOR = re.compile(r"^(?:x(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)x)$")
_COMPACT_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400}


_LIST_MARKER = re.compile(r"^\s*(?:(?:step|stage|item)\s*#?\d+\s*[:.)\]]?|\d+\s*[:.)\]]|[-*•>])\s+",
                          re.I)


def clean(text: str) -> str:
    """Printable text only: ANSI escapes and control characters removed, unicode normalised,
    a runbook's list marker ("Step 3:", "2.", "-") dropped."""
    text = _ANSI.sub(" ", text[: MAX_LENGTH * 2])
    text = _LIST_MARKER.sub("", text, count=1)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0x2013: "-",
                           0x2014: " - ", 0x00D7: "x"})
    return "".join(c if c.isprintable() else " " for c in text).strip()


def analyse(text: str, names: NameIndex, known: frozenset[str] = frozenset(),
            stems: frozenset[str] = frozenset()) -> Analysis:
    """Tokenise, normalise numbers and quantities, and tag names. ``known`` are the words of
    the language (never read as names; ``stems``: their first five letters, so "scaling"
    is known when "scale" is)."""
    cleaned = clean(text)
    raw_tokens = [m.group(0) for m in _TOKEN.finditer(cleaned)]
    tokens = [Token(r.lower().rstrip(".").strip("'"), r.rstrip(".").strip("'"))
              for r in raw_tokens]
    tokens = [t for t in tokens if t.text]
    tokens = _possessives(tokens, names)
    tokens = _split_joined(tokens, names, known)
    tokens = _number_words(tokens)
    tokens = _quantities(tokens)
    notes: list[str] = []
    for t in tokens:
        t.known = t.text in known or (5 <= len(t.text) <= 11 and t.text.isalpha()
                                      and t.text[:5] in stems)
    tokens = names.tag(tokens, notes)
    for t in tokens:
        if t.kind == "word":
            if t.text in ENVIRONMENTS:
                t.kind, t.value = "env", ENVIRONMENTS[t.text]
            elif t.text in STRATEGIES:
                t.kind, t.value = "strategy", STRATEGIES[t.text]
    tokens = _strategy_phrases(tokens)
    pattern = " ".join(_placeholder(t) for t in tokens)
    return Analysis(tokens, pattern, notes)


_PLACEHOLDERS = {"num": "<num>", "dur": "<dur>", "pct": "<pct>", "x": "<x>", "ver": "<ver>",
                 "env": "<env>", "instance": "<name>", "id": "<num>"}


def _placeholder(t: Token) -> str:
    if t.kind == "name":
        return f"<{t.value[1]}>" if t.value[1] in ("zone", "ext") else "<name>"
    if t.kind == "strategy":
        return str(t.value)
    return _PLACEHOLDERS.get(t.kind, t.text)


def _possessives(tokens: list[Token], names: NameIndex) -> list[Token]:
    """``checkout's`` → ``checkout`` (a name's possessive), but ``what's`` stays a word."""
    for t in tokens:
        if t.text.endswith("'s") and names.kind(t.text[:-2]) is not None:
            t.text, t.raw = t.text[:-2], t.raw[:-2]
    return tokens


_KEEP_HYPHEN = set(STRATEGIES) | set(ENVIRONMENTS) | {"fast-forward", "un-pause", "auto-scale"}


def _split_joined(tokens: list[Token], names: NameIndex, known: frozenset[str]) -> list[Token]:
    """``10-minute`` → ``10 minute``; ``crash-loop`` → ``crash loop``. Only words made of
    known words are split: names and other identifiers ("checkout-high-latency",
    "payments-db") stay whole."""
    from engine.faults import fault_names

    keep = _KEEP_HYPHEN | set(fault_names())
    out: list[Token] = []
    for t in tokens:
        if "-" in t.text and re.fullmatch(r"[a-z]+(?:-[a-z]+)+", t.text) and t.text not in keep \
                and not names.resembles(t.text) and all(
                    part in known or part in VOCABULARY for part in t.text.split("-")):
            out += [Token(part, part) for part in t.text.split("-")]
            continue
        m = re.match(r"^(\d+(?:\.\d+)?)-?([a-z]+)$", t.text)
        if m and m.group(2) in TIME_UNITS and not _COMPACT_TIME.match(t.text):
            out += [Token(m.group(1), m.group(1)), Token(m.group(2), m.group(2))]
        elif m and m.group(2) in PERCENT_WORDS | {"pct", "percent"}:
            out += [Token(m.group(1), m.group(1)), Token("%", "%")]
        else:
            out.append(t)
    return out


def _number_words(tokens: list[Token]) -> list[Token]:
    """Number words to digits, and the idioms of time ("half an hour", "an hour")."""
    out: list[Token] = []
    i = 0
    words = [t.text for t in tokens]

    def nxt(k: int) -> str:
        return words[k] if k < len(words) else ""

    while i < len(tokens):
        w = words[i]
        if w == "half" and nxt(i + 1) in ("an", "a") and nxt(i + 2) in TIME_UNITS:
            unit = TIME_UNITS[nxt(i + 2)] / 2
            out += [Token(_fmt(unit), "half"), Token("s", "s")]
            i += 3
        elif w in ("a", "an") and nxt(i + 1) == "half" and nxt(i + 2) in TIME_UNITS:
            out += [Token(_fmt(TIME_UNITS[nxt(i + 2)] / 2), "half"), Token("s", "s")]
            i += 3
        elif w == "quarter" and nxt(i + 1) == "of" and nxt(i + 2) in ("an", "a") and \
                nxt(i + 3) in TIME_UNITS:
            out += [Token(_fmt(TIME_UNITS[nxt(i + 3)] / 4), "quarter"), Token("s", "s")]
            i += 4
        elif w in ("a", "an") and nxt(i + 1) in TIME_UNITS:
            out.append(Token("1", w))
            i += 1
        elif w in ("minus", "negative") and (nxt(i + 1) in NUMBER_WORDS or
                                             nxt(i + 1).replace(".", "", 1).isdigit()):
            value = NUMBER_WORDS.get(nxt(i + 1), None)
            number = str(value) if value is not None else nxt(i + 1)
            out.append(Token(f"-{number}", f"{w} {tokens[i + 1].raw}"))
            i += 2
        elif w == "half" and nxt(i + 1) in TIME_UNITS:  # "the last half hour"
            out += [Token(_fmt(TIME_UNITS[nxt(i + 1)] / 2), "half"), Token("s", "s")]
            i += 2
        elif w in ("last", "past", "previous", "next") and nxt(i + 1) in TIME_UNITS and \
                nxt(i + 1) not in ("s", "m", "h", "d", "ms"):  # "the past hour"
            out += [tokens[i], Token("1", "1")]
            i += 1
        elif w in ("a", "the") and nxt(i + 1) in ("couple", "pair", "dozen"):
            i += 1  # "a couple of" → the number word handles it
        elif w in NUMBER_WORDS and (w not in ("one", "second", "single") or _numeric_context(
                words, i)):
            value = NUMBER_WORDS[w]
            if w in _TENS and nxt(i + 1) in NUMBER_WORDS and NUMBER_WORDS[nxt(i + 1)] < 10:
                value += NUMBER_WORDS[nxt(i + 1)]
                i += 1
            if nxt(i + 1) == "of" and w in ("couple", "pair", "dozen"):
                i += 1
            out.append(Token(str(value), tokens[i].raw))
            i += 1
        elif w in ("and", "&") and nxt(i + 1) in ("a", "an") and nxt(i + 2) == "half" and out \
                and out[-1].kind == "word" and out[-1].text in TIME_UNITS:
            # "an hour and a half" → add half the unit as another quantity
            out += [Token(_fmt(TIME_UNITS[out[-1].text] / 2), "half"), Token("s", "s")]
            i += 3
        else:
            out.append(tokens[i])
            i += 1
    return out


def _numeric_context(words: list[str], i: int) -> bool:
    """'one' is a number before a unit or a count word, not in 'one of the pods' or 'that one'."""
    following = words[i + 1] if i + 1 < len(words) else ""
    if words[i] == "second":
        return False
    return following not in ("of", "more", "") or (i > 0 and words[i - 1] in ("to", "by"))


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _quantities(tokens: list[Token]) -> list[Token]:
    """Numbers with units become one token each: durations, percentages, multipliers, versions."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1].text if i + 1 < len(tokens) else ""
        text = t.text.lstrip("#")
        if _VERSION.match(t.text) and ("." in t.text):
            t.kind, t.value = "ver", t.text.lstrip("vV")
        elif (clock := _CLOCK.match(text)) is not None:
            h, m, s = clock.groups()
            seconds = int(h) * 3600 + int(m) * 60 + int(s or 0) if s is not None else \
                int(h) * 60 + int(m)
            t.kind, t.value = "dur", float(seconds)
        elif _COMPACT_TIME.match(text.lstrip("-")):
            sign = -1 if text.startswith("-") else 1
            text = text.lstrip("-")
            seconds = sign * sum(float(a) * _COMPACT_UNIT[u] for a, u in _TIME_PART.findall(text))
            t.kind, t.value, t.ms_unit = "dur", seconds, text.endswith("ms") and "s" not in \
                text[:-2]
        elif (pct := _PERCENT.match(text)) is not None:
            t.kind, t.value = "pct", float(pct.group(1))
        elif (fac := _FACTOR.match(text)) is not None:
            t.kind, t.value = "x", float(fac.group(1) or fac.group(2))
        elif _NUMBER.match(text):
            value = float(text)
            if nxt in TIME_UNITS:
                t.kind, t.value = "dur", value * TIME_UNITS[nxt]
                t.ms_unit = TIME_UNITS[nxt] < 1
                t.raw = f"{t.raw} {tokens[i + 1].raw}"
                i += 1
            elif nxt in PERCENT_WORDS:
                t.kind, t.value = "pct", value
                i += 1
            elif nxt in FACTOR_WORDS and not (i + 2 < len(tokens) and tokens[i + 2].text in
                                              ("more", "as")):
                t.kind, t.value = "x", value
                i += 1
            else:
                t.kind, t.value = "num", value
                if t.text.startswith("#"):
                    t.kind = "id"
        elif t.text.startswith("v") and t.text[1:].isdigit() and len(t.text) <= 5:
            t.kind, t.value = "ver", t.text[1:]
        out.append(t)
        i += 1
    # merge consecutive durations ("1 hour 30 minutes", "an hour and a half")
    merged: list[Token] = []
    for t in out:
        if t.kind == "dur" and merged and merged[-1].kind == "dur" and not merged[-1].ms_unit:
            merged[-1].value += t.value
            continue
        if t.kind == "dur" and len(merged) >= 2 and merged[-1].text in ("and", "&") and \
                merged[-2].kind == "dur":
            merged.pop()
            merged[-1].value += t.value
            continue
        merged.append(t)
    return merged


def _strategy_phrases(tokens: list[Token]) -> list[Token]:
    """'blue green' (one strategy, the second word dropped) and 'rolling update'."""
    out: list[Token] = []
    for t in tokens:
        pair = (out[-1].text, t.text) if out else ("", "")
        if pair in (("blue", "green"), ("red", "black")):
            out[-1].kind, out[-1].value = "strategy", "blue-green"
            continue
        if pair[0] == "rolling" and pair[1] in ("update", "upgrade", "deploy"):
            out[-1].kind, out[-1].value = "strategy", "rolling"
        out.append(t)
    return out
