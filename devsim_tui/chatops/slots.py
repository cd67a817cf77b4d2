"""Picking arguments out of an analysed command: components, versions, durations, numbers.

Every picker returns a value or None; a picker that must refuse raises ``Refusal`` carrying
the one-line reason and suggestions (the parser turns it into a ``ParseError``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .lexicon import FILLER, INSTANCE_WORDS, VOCABULARY

if TYPE_CHECKING:
    from .tokens import Analysis, Token
    from .context import ParseContext

__all__ = ["ANY", "Refusal", "as_number", "says_pronoun", "leftover_refusal", "component", "durations", "env_of", "number", "previous_word",
           "unknown_words", "version_of"]

_KIND_WORD = {"service": "service", "database": "database", "cache": "cache", "queue": "queue",
              "ext": "external dependency", "zone": "zone"}
ANY = ("service", "database", "cache", "queue", "ext", "zone")  # every kind a command may name
_PRONOUNS = {"it", "that", "this", "them", "same", "there", "its", "again"}


class Refusal(Exception):  # noqa: N818 - a control-flow signal inside the parser, not an error
    """Raised by a picker to stop parsing with a helpful message."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


def unknown_words(an: Analysis) -> list[str]:
    """Words that are neither vocabulary nor a known name: probably a name we do not have."""
    return [t.raw for t in an.tokens if t.kind == "word" and len(t.text) >= 2
            and re.fullmatch(r"[a-z][a-z0-9_-]*", t.text) and t.text not in VOCABULARY
            and not t.known]


def previous_word(an: Analysis, i: int, skip: tuple[str, ...] = ("the", "a", "an")) -> str:
    j = i - 1
    while j >= 0 and an.tokens[j].text in skip:
        j -= 1
    return an.tokens[j].text if j >= 0 else ""


def next_word(an: Analysis, i: int) -> str:
    return an.tokens[i + 1].text if i + 1 < len(an.tokens) else ""


def component(an: Analysis, ctx: ParseContext, kinds: tuple[str, ...], *, role: str,
              required: bool, example: str) -> str | None:
    """The component (or zone) the command is about.

    Falls back to the conversation's last subject when the text says "it" (or names nothing),
    and announces that; refuses a name of the wrong kind or one the scenario does not have.
    """
    names = [t for t in an.tokens if t.kind in ("name", "instance")]
    for t in names:
        name, kind = t.value
        if kind == "instance":
            name, kind = name.rsplit("-", 1)[0], ctx.names.kind(name.rsplit("-", 1)[0])
        if not kinds or kind in kinds:
            if name == ctx.last_target:  # the same subject again: the same environment
                ctx.assumed_env = ctx.last_env
            return name
    if names:
        name, kind = names[0].value
        options = [n for n in ctx.names.all_names() if ctx.names.kind(n) in kinds]
        listed = f" ({role}s: {', '.join(options)})" if options else ""
        raise Refusal(f"{name} is a {_KIND_WORD.get(kind, kind)}, not a {role}{listed}",
                      [example])
    unknown = unknown_words(an)
    if unknown and not says_pronoun(an):  # a name we do not have: never "everything"
        word = unknown[0]
        close = ctx.names.suggest(word.lower(), kinds)
        hint = f"; did you mean {close[0]}?" if close else ""
        options = [n for n in ctx.names.all_names() if ctx.names.kind(n) in kinds]
        raise Refusal(f"there is no {role} called {word!r}{hint}",
                      close + [f"{role}s: {', '.join(options[:12])}"])
    last = ctx.last_target
    if last is not None and (not kinds or ctx.names.kind(last) in kinds):
        if required or says_pronoun(an):
            ctx.assumed_env = ctx.last_env
            where = f" in {ctx.last_env}" if ctx.last_env and env_of(an) is None else ""
            ctx.notes.append(f"assuming {last}{where} from the previous command")
            return last
    if required:
        # a word of ours where the name goes ("restart cert"): say which, and what is close
        for t in an.tokens[1:]:
            close = ctx.names.suggest(t.text, kinds) if t.kind == "word" and len(t.text) >= 3 \
                and t.text not in FILLER else []
            if close:
                raise Refusal(f"there is no {role} called {t.raw!r}; did you mean {close[0]}?",
                              close[:2] + [example])
        raise Refusal(f"which {role}? e.g. '{example}'", [example])
    return None


_SLOT_WORDS = {"of", "for", "on", "in", "about", "with", "at", "is", "are"}


def _unknown_positions(an: Analysis) -> list[tuple[int, str]]:
    unknown = set(unknown_words(an))
    return [(i, t.raw) for i, t in enumerate(an.tokens) if t.raw in unknown]


def leftover_refusal(an: Analysis, ctx: ParseContext) -> None:
    """Refuse words left over where an environment or a strategy goes ('to qa', 'yolo
    strategy'): silently dropping them would run something else than was asked."""
    for i, word in _unknown_positions(an):
        before, after = previous_word(an, i), next_word(an, i)
        if after in ("strategy", "mode", "style", "deployment", "rollout"):
            raise Refusal(f"unknown deployment strategy {word!r} (rolling, canary, blue-green)",
                          ["deploy checkout 2.5.0 as a canary"])
        if before in ("to", "into", "in", "on") and after in ("", "env", "environment", "now",
                                                               "please", "asap"):
            raise Refusal(f"there is no environment {word!r} (environments: "
                          f"{', '.join(ctx.names.envs)})", ["deploy checkout 2.5.0 to staging"])


def says_pronoun(an: Analysis) -> bool:
    return any(t.text in _PRONOUNS for t in an.tokens)


def env_of(an: Analysis, ctx: ParseContext | None = None) -> str | None:
    """The environment the text names, else the one its subject came with from the previous
    command ("roll it back" after a staging deploy is staging's)."""
    for t in an.tokens:
        if t.kind == "env":
            return str(t.value)
    return ctx.assumed_env if ctx is not None else None


def version_of(an: Analysis, *, after: tuple[str, ...] = ()) -> str | None:
    """A version token; with ``after``, only one preceded by one of those words."""
    versions = [(i, t) for i, t in enumerate(an.tokens) if t.kind == "ver"]
    if after:
        versions = [(i, t) for i, t in versions if previous_word(an, i, ("the", "version", "v"))
                    in after]
    if versions:
        return str(versions[-1][1].value) if after else str(versions[0][1].value)
    for i, t in enumerate(an.tokens):  # "version 7", "v7"
        if t.kind == "num" and previous_word(an, i) in ("version", "v", "release", "build") and \
                float(t.value).is_integer():
            return str(int(t.value))
    return None


def durations(an: Analysis) -> list[tuple[int, Token]]:
    return [(i, t) for i, t in enumerate(an.tokens) if t.kind == "dur"]


def number(an: Analysis, *, near: set[str] | None = None) -> tuple[int, float] | None:
    """The first bare number; with ``near``, prefer one next to one of those words.

    A two-part "version" such as 2.5 counts as a number here: outside a deploy it is one.
    """
    numbers = [(i, t) for i, t in enumerate(an.tokens) if t.kind == "num" or (
        t.kind == "ver" and re.fullmatch(r"\d+\.\d+", t.text))]
    if near:
        for i, t in numbers:
            if previous_word(an, i) in near or next_word(an, i) in near:
                return i, float(t.text if t.kind == "ver" else t.value)
    if not numbers:
        return None
    i, t = numbers[0]
    return i, float(t.text if t.kind == "ver" else t.value)


def count_of(an: Analysis) -> int | None:
    """A count of instances: 'two pods', '3 instances', 'kill 2'."""
    hit = number(an, near=INSTANCE_WORDS | {"of"})
    if hit is None:
        return None
    return int(hit[1]) if hit[1] >= 0 and float(hit[1]).is_integer() else None


def seconds(value: float) -> int:
    return int(round(value))


def as_number(value: float | None) -> float | int | None:
    """A whole number as an int, anything else rounded to six places (None stays None)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(float(value), 6)
