"""The safety rules, in one place: what makes a command that would change something refuse
rather than act on a guess.

- **One command at a time.** Shell and SQL separators (``;``, ``&&``, ``||``, ``|``, ``$(``)
  mean a second command rides along; nothing runs.
- **Negations never act.** "don't", "never", "not" … in a command that changes something.
- **Misspelt verbs** ("sacle", "deplyo") refuse with "did you mean", never becoming another
  command (a bare name would otherwise read as ``status``).
- **Leftovers refuse.** Every word must be known to the language or a name, and every name,
  number, duration, percentage, version or environment must have a place among the command's
  declared arguments (``Slot.takes``) or inside the trigger phrase that named it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from typing import TYPE_CHECKING

from .names import edit_distance, typo_budget
from .registry import spec_for
from .slots import Refusal, unknown_words
from .words import COMMAND_WORDS, KNOWN_WORDS

if TYPE_CHECKING:
    from .registry import CommandSpec
    from .tokens import Analysis

__all__ = ["check_leftovers", "check_negation", "check_one_command", "check_one_intent",
           "commanding",
           "misspelt_verb"]

_SEPARATOR = re.compile(r";|&&|\|\||\||\$\(")
NEGATIONS = frozenset({"don't", "dont", "do not", "not", "never", "shouldn't", "shouldnt",
                       "mustn't", "mustnt", "won't", "wont", "can't", "cant", "cannot",
                       "didn't", "didnt", "nope"})
_KIND_WORDS = {"name": "name", "instance": "instance", "zone": "zone", "num": "number",
               "dur": "duration", "pct": "percentage", "x": "multiplier", "ver": "version",
               "env": "environment", "strategy": "strategy", "id": "id"}


def check_one_command(text: str) -> None:
    """Refuse a line that carries a second command after a separator."""
    match = _SEPARATOR.search(text)
    if match is None:
        return
    first, rest = text[: match.start()].strip(), text[match.end():].strip(" ;|&-")
    raise Refusal(f"one command at a time: {rest[:40]!r} follows {match.group()!r} after "
                  f"{first[:40]!r}; nothing was run",
                  [first] if re.search(r"[a-z]{2}", first, re.I) else ["help"])


_SKIP = frozenset({"please", "pls", "ever", "you", "we", "i", "just", "actually", "really",
                   "go", "ahead", "and", "to", "the", "a", "do", "even", "yet"})


def check_one_intent(an: Analysis, specs: list[CommandSpec]) -> None:
    """Two commands that change something, each clearly asked for ("scale checkout to 4 and
    restart payments"), in one line: refused — they would be two actions on a guess."""
    spans = {s.intent: _trigger_positions(an, s) for s in specs if s.changes}
    spans = {k: v for k, v in spans.items() if v}
    for a in spans:
        for b in spans:
            if a < b and not (spans[a] & spans[b]) and len(_names(an)) > 1:
                raise Refusal(f"that asks for two things ({a.replace('_', ' ')} and "
                              f"{b.replace('_', ' ')}); one command at a time, nothing was done",
                              ["help"])


def _names(an: Analysis) -> list[str]:
    return [t.text for t in an.tokens if t.kind in ("name", "instance")]


def check_negation(an: Analysis, spec: CommandSpec) -> None:
    """A command that changes something and says not to is refused, never run: a negation
    that governs the command's verb ("don't restart", "never ever flush") or ends what was
    said ("… actually, don't"). One about something else ("I'm not sure how this works,
    but roll back …") does not."""
    if not spec.changes:
        return
    verb = _trigger_positions(an, spec)
    said = None
    for i, t in enumerate(an.tokens):
        if t.text not in NEGATIONS:
            continue
        j = i + 1
        while j < len(an.tokens) and (an.tokens[j].text in _SKIP or an.tokens[j].text == "?"):
            j += 1
        if j >= len(an.tokens) or j in verb:
            said = t.raw
            break
    if said is None:
        return
    raise Refusal(f"not done: the command says {said!r}, so I won't {spec.intent.replace('_', ' ')}"
                  "; nothing was changed. To do it, leave the negation out; to weigh it, ask "
                  "'should I …?'", ["help"])


def misspelt_verb(an: Analysis) -> Refusal | None:
    """A word that is no word of ours and no name, but a typo of a command word."""
    for t in an.tokens:
        if t.kind != "word" or t.text in KNOWN_WORDS or len(t.text) < 4 or not t.text.isalpha():
            continue
        best = min(COMMAND_WORDS, key=lambda w: (edit_distance(t.text, w), w))
        if 0 < edit_distance(t.text, best) <= max(1, typo_budget(t.text, best)):
            fixed = " ".join(best if u is t else u.raw for u in an.tokens)
            return Refusal(f"unknown command word {t.raw!r}; did you mean {best!r}? Nothing was "
                           "done", [fixed])
    return None


def commanding(parts: list[Analysis], spec: CommandSpec) -> list[Analysis]:
    """The sentences that carry the command (its trigger, a name, a number …); the others
    are comment ("I think the new version is broken.") and are not read for leftovers."""
    keep = [p for p in parts if _trigger_positions(p, spec)
            or any(t.kind != "word" for t in p.tokens)]
    return keep or parts


def check_leftovers(an: Analysis, spec: CommandSpec) -> None:
    """Refuse a command that changes something when part of it has no place in it."""
    if not spec.changes:
        return
    unknown = unknown_words(an)
    if unknown:
        listed = ", ".join(repr(w) for w in unknown[:4])
        raise Refusal(f"I could not place {listed} in a {spec.intent.replace('_', ' ')}; "
                      "nothing was done", list(spec.examples[:1]))
    in_trigger = _trigger_positions(an, spec)
    room = Counter()
    for slot in spec.slots:
        for kind in slot.takes:
            room[kind] += slot.most
    seen: Counter = Counter()
    for i, t in enumerate(an.tokens):
        if t.kind in ("word", "strategy") or i in in_trigger:
            continue  # (a strategy outside a deploy describes: "promote the canary")
        kind = "name" if t.kind in ("name", "zone") and "name" in room else t.kind
        seen[kind] += 1
        if seen[kind] > room[kind]:
            what = _KIND_WORDS.get(t.kind, t.kind)
            extra = "another" if room[kind] else "a"
            raise Refusal(f"{t.raw!r} is {extra} {what} a {spec.intent.replace('_', ' ')} "
                          "has no place for; say one thing at a time, nothing was done",
                          list(spec.examples[:1]))


def _trigger_positions(an: Analysis, spec: CommandSpec) -> set[int]:
    """Token positions inside the spec's matched trigger phrases ("rolling restart")."""
    starts = [m.start() for m in re.finditer(r"\S+", an.pattern)]
    inside: set[int] = set()
    for regex, _ in _compiled(spec.intent):
        for match in regex.finditer(an.pattern):
            inside |= {i for i, s in enumerate(starts) if match.start() <= s < match.end()}
    return inside


@functools.cache
def _compiled(intent: str) -> list[tuple[re.Pattern[str], float]]:
    return spec_for(intent).compiled()
