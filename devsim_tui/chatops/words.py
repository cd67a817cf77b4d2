"""Every word the language knows: the lexicon's vocabulary and the words of every command's
triggers and of every fault phrase. A known word is never read as a misspelt name, and a
command word misspelt is told apart from a name the scenario lacks."""

from __future__ import annotations

import re

from engine.faults import fault_names

from .lexicon import FAULT_PHRASES, VOCABULARY
from .registry import REGISTRY

__all__ = ["COMMAND_WORDS", "KNOWN_WORDS", "STEMS", "TRIGGER_WORDS"]

TRIGGER_WORDS = frozenset({w for spec in REGISTRY for p, _ in spec.triggers
                           for w in re.findall(r"[a-z]{2,}", p)}
                          | {w for phrases in FAULT_PHRASES.values() for p in phrases
                             for w in re.findall(r"[a-z]{3,}", p)})
KNOWN_WORDS = frozenset(TRIGGER_WORDS | VOCABULARY | set(fault_names()))
STEMS = frozenset(w[:5] for w in KNOWN_WORDS if len(w) >= 5)  # "scaling" ~ "scale"
# the words that name a command (its intent, synonyms, and single-word triggers), for
# "did you mean 'scale'?" when a verb is misspelt
COMMAND_WORDS = {w: spec.intent for spec in REGISTRY
                 for w in (spec.intent.replace("_", " "), *spec.synonyms,
                           *(p for p, _ in spec.triggers if re.fullmatch(r"[a-z]{3,}", p)))
                 if " " not in w}
