"""Completion candidates for the command bar and the REPL, from the registry and the scenario.

Completion knows each slot. The command typed so far is scored like any command (the
registry's triggers); its slots (``CommandSpec.slots``) are matched against what is already
there; the word being typed then fills either the slot its preceding word introduces ("to" →
an environment, "for" → a duration) or the next slot in the command's order ("deploy
checkout" → a version of checkout, "inject" → a fault, "fail over" → a database). What each
kind of slot offers, and which words introduce it, is one table (``KINDS``) with a few
overrides per command (``OVERRIDES``: "to" after "roll back checkout" is a version, after
"scale checkout" a number) — no chain of conditions over command names. A slot that takes a
number or a time offers nothing: there is nothing sensible to guess.

Versions come from a ``Versions`` source: for a deploy, the versions the scenario declares
for that service and the ones in its deploy history, newest first, the running one left out;
for a roll back, the earlier versions it ran, most recent first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from engine.faults import fault_names

from .analysis import analyse
from .lexicon import ALERT_STATES, FAULT_PHRASES, STRATEGIES, SWITCH
from .names import NameIndex
from .parser import score_intents
from .registry import REGISTRY, CommandSpec, Slot
from .words import KNOWN_WORDS, STEMS

if TYPE_CHECKING:
    from engine import Simulation

    from .tokens import Token

__all__ = ["KINDS", "OVERRIDES", "SimulationVersions", "Versions", "complete", "vocabulary"]


class Versions(Protocol):
    """Where the versions of a service come from (the running simulation, or a test's)."""

    def deployable(self, service: str, env: str | None = None) -> Sequence[str]: ...

    def previous(self, service: str, env: str | None = None) -> Sequence[str]: ...


def vocabulary(names: NameIndex) -> list[str]:
    """Every word worth offering: command words, synonyms, names, environments, faults."""
    words: list[str] = []
    for spec in REGISTRY:
        words.append(spec.intent.replace("_", " "))
        words += list(spec.synonyms)
    words += names.all_names() + names.envs + fault_names() + names.alerts
    words += ["canary", "blue-green", "rolling", "for", "to", "at", "in", "replicas"]
    return list(dict.fromkeys(words))


@dataclass(frozen=True, slots=True)
class _Typed:
    """What the words before the one being typed say: the command, its filled slots."""

    spec: CommandSpec
    filled: dict[str, str]  # slot name -> the value typed (a name, a version …)
    before: str  # the word right before the one being typed ("the", "a" skipped)
    names: NameIndex
    versions: Versions | None

    @property
    def service(self) -> str | None:
        return self.filled.get("service")

    @property
    def env(self) -> str | None:
        return self.filled.get("env")


Offer = Callable[[_Typed], Sequence[str]]


@dataclass(frozen=True, slots=True)
class SlotKind:
    """How a kind of slot is completed.

    Attributes:
        offer: the values to offer (nothing for numbers and times).
        cues: the words that introduce it ("to production", "for 10m").
        bare: whether it may follow without a cue ("deploy checkout 2.5.0").
        lead: the word offered to introduce it, when it cannot be offered itself.
    """

    offer: Offer | None = None
    cues: frozenset[str] = field(default_factory=frozenset)
    bare: bool = True
    lead: str | None = None


def _named(*kinds: str) -> Offer:
    return lambda typed: [n for n in typed.names.all_names()
                          if not kinds or typed.names.kind(n) in kinds]


def _words(*words: str) -> Offer:
    return lambda typed: list(words)


def _deployable(typed: _Typed) -> Sequence[str]:
    if typed.versions is None or typed.service is None:
        return []
    return typed.versions.deployable(typed.service, typed.env)


def _previous(typed: _Typed) -> Sequence[str]:
    if typed.versions is None or typed.service is None:
        return []
    return typed.versions.previous(typed.service, typed.env)


def _instances(typed: _Typed) -> Sequence[str]:
    service = typed.service
    if service is None:
        return []
    return [f"{service}-{i}" for i in range(1, typed.names.replicas_in(service, typed.env) + 1)]


def _cues(*words: str) -> frozenset[str]:
    return frozenset(words)


_COMPONENT_CUES = _cues("of", "for", "on", "about", "with", "at")
# command words as typed (chaos_stop and chaos_list are phrases, "stop chaos", not words)
_COMMAND_WORDS = tuple(spec.intent for spec in REGISTRY if spec.changes and "_" not in spec.intent)
_TOPICS = tuple(spec.intent for spec in REGISTRY
                if "_" not in spec.intent and spec.intent not in ("help", "plan"))

# what each kind of slot (``Slot.kind`` in the registry) offers, and the words that introduce it
KINDS: dict[str, SlotKind] = {
    "service": SlotKind(_named("service"), _COMPONENT_CUES),
    "database": SlotKind(_named("database"), _COMPONENT_CUES),
    "component": SlotKind(_named(), _cues("on", "in", "of", "for")),
    "target": SlotKind(_named(), _cues("into", "on", "to", "at", "of", "from", "for", "between",
                                       "and", "in", "with")),
    "version": SlotKind(_deployable),
    "env": SlotKind(lambda typed: typed.names.envs, _cues("to", "in", "into", "on"), bare=False,
                    lead="in"),
    "strategy": SlotKind(_words("canary", "blue-green", "rolling"), _cues("as")),
    "instance": SlotKind(_instances, bare=False),
    "fault": SlotKind(lambda typed: fault_names()),
    "alert": SlotKind(lambda typed: typed.names.alerts),
    "alert_state": SlotKind(_words("firing", "all")),
    "switch": SlotKind(_words("on", "off")),
    "topic": SlotKind(lambda typed: _TOPICS),
    "command": SlotKind(lambda typed: _COMMAND_WORDS),
    # numbers, times and free text: nothing worth guessing, only the word that leads to them
    "replicas": SlotKind(cues=_cues("to", "by", "at"), lead="to"),
    "percent": SlotKind(cues=_cues("at", "with"), bare=False),
    "count": SlotKind(bare=False),
    "duration": SlotKind(cues=_cues("for"), lead="for"),
    "latency": SlotKind(bare=False),
    "since": SlotKind(cues=_cues("since", "last"), bare=False),
    "chaos_id": SlotKind(cues=_cues("experiment", "id", "#")),
    "factor": SlotKind(),
    "text": SlotKind(cues=_cues("because"), bare=False),
}

# where one command reads a slot differently from the kind's default: (intent, slot name)
OVERRIDES: dict[tuple[str, str], SlotKind] = {
    ("rollback", "version"): SlotKind(_previous, _cues("to", "onto"), lead="to"),
    ("restore", "to"): SlotKind(cues=_cues("to", "by", "before"), bare=False),
    ("deploy", "env"): SlotKind(lambda typed: typed.names.envs, _cues("to", "in", "into", "on"),
                                bare=False, lead="to"),
    ("deploy", "canary_weight"): SlotKind(cues=_cues("at", "with"), bare=False),
    ("chaos", "peer"): SlotKind(_named(), _cues("and", "between"), bare=False),
}
_NOTHING = SlotKind(bare=False)
_ARTICLES = {"the", "a", "an", "its", "my"}
_FAULT_EVIDENCE = [re.compile(rf"(?<![\w-]){p}(?![\w-])") for phrases in FAULT_PHRASES.values()
                   for p in phrases]
_SPECS = {spec.intent: spec for spec in REGISTRY}


def kind_of(spec: CommandSpec, slot: Slot) -> SlotKind:
    """How a command's slot is completed (its override, else its kind's, else nothing)."""
    return OVERRIDES.get((spec.intent, slot.name)) or KINDS.get(slot.kind, _NOTHING)


def complete(text: str, names: NameIndex, limit: int = 12,
             versions: Versions | None = None) -> list[str]:
    """Candidates for the word being typed at the end of ``text`` (whole words to insert;
    the word itself first when it is already whole, so the caller can add the space).

    At the start of a line: command words and whole example commands. After a command
    word: what the slot being typed takes (see the module's docstring). When the command
    is not recognised, or the slot offers nothing that starts with what was typed, every
    word the language knows, names of the kind the command expects first.
    """
    head, _, word = text.rpartition(" ")
    word = word.lower()
    typed = _understand(head, names, versions) if head.strip() else None
    if typed is not None:
        offered = _slot_candidates(typed)
        hits = [w for w in offered if w.lower().startswith(word)]
        if hits or not word:
            return _exact_first(hits, word)[:limit]
    pool = vocabulary(names)
    hits = [w for w in pool if w.startswith(word)]
    if typed is not None:
        wanted = {kind_of(typed.spec, s) for s in typed.spec.slots if s.name not in typed.filled}
        expected = {n for k in wanted if k.offer is not None for n in k.offer(typed)}
        hits.sort(key=lambda w: w not in expected)
    if not head.strip():
        hits += [e for spec in REGISTRY for e in spec.examples if e.startswith(text.lower())]
    return _exact_first(list(dict.fromkeys(hits)), word)[:limit]


def _exact_first(hits: list[str], word: str) -> list[str]:
    """The typed word itself first when it is already whole ("scale" → "scale "), once."""
    exact = [w for w in hits if w.lower() == word]
    return list(dict.fromkeys(exact + hits)) if word else hits


def _understand(head: str, names: NameIndex, versions: Versions | None) -> _Typed | None:
    an = analyse(head, names, KNOWN_WORDS, STEMS)
    scores = score_intents(an.pattern)
    if len(scores) > 1:
        scores.pop("plan", None)  # "should I roll back …": complete the command asked about
    if _mentions_fault(an.pattern) and "failover" not in scores:
        scores["chaos"] = max(scores.get("chaos", 0.0), 3.5) + 1  # as the parser does
    if not scores:
        return None
    spec = _SPECS[max(scores, key=lambda i: (scores[i], -_SPECS[i].precedence))]
    words = [t for t in an.tokens if t.text not in _ARTICLES]
    before = words[-1].text if words else ""
    return _Typed(spec, _filled(spec, an.tokens, names, an.pattern), before, names, versions)


def _mentions_fault(pattern: str) -> bool:
    return any(p.search(pattern) for p in _FAULT_EVIDENCE)


def _filled(spec: CommandSpec, tokens: list[Token], names: NameIndex,
            pattern: str) -> dict[str, str]:
    """Which of the command's slots the words so far fill (slot name → value)."""
    filled: dict[str, str] = {}
    for token in tokens:
        for slot in spec.slots:
            if slot.name not in filled and _takes(slot, token, names):
                filled[slot.name] = _value(token)
                break
    fault = next((s for s in spec.slots if s.kind == "fault"), None)
    if fault is not None and fault.name not in filled and _mentions_fault(pattern):
        filled[fault.name] = "(named)"  # "add latency to", "kill": the fault is said
    return filled


def _takes(slot: Slot, token: Token, names: NameIndex) -> bool:
    kind = token.kind
    if kind == "name":
        name_kind = token.value[1]
        return slot.kind in ("target", "component") or slot.kind == name_kind
    if kind == "instance":
        return slot.kind in ("instance", "service", "target", "component")
    if kind in ("env", "strategy"):
        return slot.kind == kind
    if kind == "ver":
        return slot.kind == "version"
    if kind in ("num", "dur", "pct", "x"):
        return kind in slot.takes
    text = token.text
    return (slot.kind == "fault" and text in fault_names()) or \
        (slot.kind == "switch" and text in SWITCH) or \
        (slot.kind == "alert_state" and text in ALERT_STATES) or \
        (slot.kind == "alert" and token.raw.lower() in {a.lower() for a in names.alerts}) or \
        (slot.kind == "topic" and text in _SPECS and text != "help") or \
        (slot.kind == "strategy" and text in STRATEGIES)


def _value(token: Token) -> str:
    if token.kind == "instance":
        return str(token.value[0]).rsplit("-", 1)[0]  # restart checkout-1: the service
    if token.kind == "name":
        return str(token.value[0])
    return str(token.value) if token.kind in ("env", "ver", "strategy") else token.raw


def _slot_candidates(typed: _Typed) -> list[str]:
    """What the word being typed may be: the slot its previous word introduces, else the next
    slot in the command's order (with the words that lead to the optional ones)."""
    spec = typed.spec
    open_slots = [s for s in spec.slots if s.name not in typed.filled]
    for slot in open_slots:  # "to …", "for …", "as …": the slot that word introduces
        kind = kind_of(spec, slot)
        if typed.before in kind.cues:
            return list(kind.offer(typed)) if kind.offer else []
    required = [s for s in open_slots if s.required]
    out: list[str] = []
    for slot in required[:1] or open_slots:
        kind = kind_of(spec, slot)
        if kind.offer is not None and kind.bare:
            out += kind.offer(typed)
        elif kind.lead and (kind.offer is not None or slot.required):
            out.append(kind.lead)
    return list(dict.fromkeys(out))


# -- versions from a running simulation ---------------------------------------------------------
class SimulationVersions:
    """A service's versions as the running simulation knows them (see ``Versions``)."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim

    def deployable(self, service: str, env: str | None = None) -> list[str]:
        """Declared in the scenario or seen in the deploy history, newest first; not the one
        running (deploying it would be refused)."""
        spec = self.sim.spec.services.get(service)
        node = self.sim.world.topo.find(service, env)
        if spec is None or node is None:
            return []
        history = [r.version for r in self.sim.deploys.history.get(node, [])]
        current = self.sim.deploys.current_version(node)
        known = dict.fromkeys([*spec.versions, *history, spec.version])
        return sorted((v for v in known if v != current), key=_version_key, reverse=True)

    def previous(self, service: str, env: str | None = None) -> list[str]:
        """The versions it ran before, most recent first (where a roll back can go)."""
        node = self.sim.world.topo.find(service, env)
        if node is None:
            return []
        current = self.sim.deploys.current_version(node)
        done = [r.version for r in self.sim.deploys.history.get(node, [])
                if r.outcome == "completed"]
        return [v for v in dict.fromkeys(reversed(done)) if v != current]


def _version_key(version: str) -> tuple[tuple[int, ...], str]:
    """2.10.0 after 2.9.1; a version that is not numbers sorts by its text, below them."""
    numbers = re.match(r"v?(\d+(?:\.\d+)*)", version)
    return (tuple(int(p) for p in numbers.group(1).split(".")) if numbers else (-1,), version)
