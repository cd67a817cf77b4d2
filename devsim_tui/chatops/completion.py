"""Completion candidates for the command bar and the REPL, from the registry and the scenario."""

from __future__ import annotations

from engine.faults import fault_names

from .names import NameIndex
from .registry import REGISTRY

__all__ = ["complete", "vocabulary"]


def vocabulary(names: NameIndex) -> list[str]:
    """Every word worth offering: command words, synonyms, names, environments, faults."""
    words: list[str] = []
    for spec in REGISTRY:
        words.append(spec.intent.replace("_", " "))
        words += list(spec.synonyms)
    words += names.all_names() + names.envs + fault_names() + names.alerts
    words += ["canary", "blue-green", "rolling", "for", "to", "at", "in", "replicas"]
    return list(dict.fromkeys(words))


def complete(text: str, names: NameIndex, limit: int = 12) -> list[str]:
    """Candidates for the word being typed at the end of ``text`` (whole words to insert).

    At the start of a line whole example commands are offered too, so a newcomer can Tab
    through what is possible.
    """
    head, _, word = text.rpartition(" ")
    word = word.lower()
    pool = vocabulary(names)
    hits = [w for w in pool if w.startswith(word) and w != word]
    if not head.strip():
        hits += [e for spec in REGISTRY for e in spec.examples if e.startswith(text.lower())]
    return list(dict.fromkeys(hits))[:limit]
