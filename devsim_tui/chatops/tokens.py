"""The tokens of a command and the analysis that holds them (shared by every stage)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Analysis", "Token"]


@dataclass(slots=True)
class Token:
    """A word of the command: ``kind`` says what it was recognised as."""

    text: str  # lower case
    raw: str  # as typed
    kind: str = "word"  # word, num, dur, pct, x, ver, name, zone, env, strategy, instance
    value: Any = None
    ms_unit: bool = False  # a time written in milliseconds (so probably a latency)
    fuzzy: bool = False  # a name read from a near miss
    known: bool = False  # a word of the language (vocabulary, a trigger, a fault phrase)


@dataclass(slots=True)
class Analysis:
    tokens: list[Token]
    pattern: str  # the text with placeholders, for trigger matching
    notes: list[str] = field(default_factory=list)

    def of_kind(self, *kinds: str) -> list[tuple[int, Token]]:
        return [(i, t) for i, t in enumerate(self.tokens) if t.kind in kinds]

    def words(self) -> list[str]:
        return [t.text for t in self.tokens if t.kind == "word"]
