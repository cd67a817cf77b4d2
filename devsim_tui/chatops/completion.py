"""Completion candidates for the command bar and the REPL, from the registry and the scenario."""

from __future__ import annotations

from engine.faults import fault_names

from .analysis import analyse
from .names import NameIndex
from .parser import score_intents
from .registry import REGISTRY
from .words import KNOWN_WORDS, STEMS

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


_WANTS = {"failover": ("database",), "deploy": ("service",), "rollback": ("service",),
          "scale": ("service",), "restart": ("service",), "promote": ("service",),
          "abort": ("service",), "history": ("service",), "autoscale": ("service",)}


def complete(text: str, names: NameIndex, limit: int = 12) -> list[str]:
    """Candidates for the word being typed at the end of ``text`` (whole words to insert).

    Names of the kind the command so far expects come first ("fail over ord" → orders-db
    before orders). At the start of a line whole example commands are offered too, so a
    newcomer can Tab through what is possible.
    """
    head, _, word = text.rpartition(" ")
    word = word.lower()
    pool = vocabulary(names)
    hits = [w for w in pool if w.startswith(word) and w != word]
    wanted = _wanted_kinds(head, names)
    if wanted:
        hits.sort(key=lambda w: names.kind(w) not in wanted)
    if not head.strip():
        hits += [e for spec in REGISTRY for e in spec.examples if e.startswith(text.lower())]
    return list(dict.fromkeys(hits))[:limit]


def _wanted_kinds(head: str, names: NameIndex) -> tuple[str, ...]:
    if not head.strip():
        return ()
    scores = score_intents(analyse(head, names, KNOWN_WORDS, STEMS).pattern)
    if not scores:
        return ()
    return _WANTS.get(max(scores, key=scores.__getitem__), ())
