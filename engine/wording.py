"""Counts as people write them: "1 instance", "3 instances", "1 query", "2 queries".

Every reply, summary and pane that puts a number before a noun goes through ``counted`` so a
single instance is never "1 instances".
"""

from __future__ import annotations

__all__ = ["counted", "plural"]

_IRREGULAR = {"query": "queries", "replica": "replicas", "anomaly": "anomalies",
              "is": "are", "was": "were", "has": "have"}


def plural(word: str, n: float) -> str:
    """``word`` as it reads after the count ``n`` (only exactly one takes the singular)."""
    if n == 1:
        return word
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith(("s", "x", "sh", "ch")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def counted(n: float, word: str) -> str:
    """``"1 instance"``, ``"3 instances"``, ``"2.5 minutes"``."""
    return f"{n:g} {plural(word, n)}"
