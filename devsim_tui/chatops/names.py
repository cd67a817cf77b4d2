"""The names a command may use, from the loaded scenario, and how loosely they may be written.

Exact names first ("orders-db"), then spaced or run-together forms ("orders db", "ordersdb",
"orders database", "zone b"), engine words when they are unambiguous ("redis", "kafka"), then
near misses ("chekout" → checkout) — but only for words that are not vocabulary, that start
with the same letter, and are long enough to judge. A near miss is announced in the notes.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lexicon import VOCABULARY

if TYPE_CHECKING:
    from engine import ScenarioSpec

    from .tokens import Token

__all__ = ["NameIndex", "edit_distance", "typo_budget"]

MIN_FUZZY = 4
_NOT_A_NAME_AFTER = {"chaos", "fault", "faults", "failure"}  # "the chaos catalog"
_ENGINE_WORDS = {"postgres": "database", "postgresql": "database", "mysql": "database",
                 "redis": "cache", "memcached": "cache", "kafka": "queue", "rabbitmq": "queue"}


@dataclass
class NameIndex:
    """Component names by kind (service, database, cache, queue, ext), zones, alerts, instances."""

    kinds: dict[str, str] = field(default_factory=dict)  # name -> kind
    zones: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    replicas: dict[str, int] = field(default_factory=dict)
    engines: dict[str, str] = field(default_factory=dict)  # engine word -> component
    entry: list[str] = field(default_factory=list)  # where traffic enters
    envs: list[str] = field(default_factory=list)
    env_replicas: dict[tuple[str, str], int] = field(default_factory=dict)
    generic: dict[str, str] = field(default_factory=dict)  # "cache" -> the only cache

    @classmethod
    def from_scenario(cls, spec: ScenarioSpec, alerts: list[str] | None = None) -> NameIndex:
        kinds = {}
        for kind, table in (("service", spec.services), ("database", spec.databases),
                            ("cache", spec.caches), ("queue", spec.queues),
                            ("ext", spec.externals)):
            for name in table:
                kinds[name] = kind
        engines: dict[str, list[str]] = {}
        for table in (spec.databases, spec.caches, spec.queues):
            for name, comp in table.items():
                engines.setdefault(comp.engine.lower(), []).append(name)
        unique = {word: names[0] for word, names in engines.items() if len(names) == 1}
        for alias, engine in (("postgres", "postgresql"),):
            if engine in unique:
                unique[alias] = unique[engine]
        replicas = {n: s.replicas for n, s in spec.services.items()}
        called = {c for s in spec.services.values() for c in s.calls}
        entry = list(spec.traffic.entry) or [n for n, s in spec.services.items()
                                             if n not in called and not s.consumes]
        env_replicas = {}
        for env_name, env in spec.environments.items():
            for name, service in spec.services.items():
                override = env.overrides.get(name)
                count = override.replicas if override is not None and override.replicas \
                    is not None else env.replicas if env.replicas is not None \
                    else service.replicas
                env_replicas[(name, env_name)] = count
        generic = {}
        for words, table in ((("cache",), spec.caches), (("queue", "topic"), spec.queues),
                             (("db", "database"), spec.databases)):
            if len(table) == 1:
                generic.update(dict.fromkeys(words, next(iter(table))))
        if alerts is None:  # the rules the scenario is watched with
            from engine.watch.alerts import rules_of

            alerts = [rule.name for rule in rules_of(spec)]
        return cls(kinds, list(spec.zones), list(alerts), replicas, unique, entry,
                   list(spec.environments), env_replicas, generic)

    def replicas_in(self, service: str, env: str | None) -> int:
        """How many instances a service is declared with in an environment (the first, the
        primary one, when none is named)."""
        if env is None or (self.envs and env == self.envs[0]):
            return self.replicas.get(service, 0)  # (kept live by the session)
        return self.env_replicas.get((service, env), self.replicas.get(service, 0))

    def all_names(self) -> list[str]:
        return [*self.kinds, *self.zones]

    def kind(self, name: str) -> str | None:
        return "zone" if name in self.zones else self.kinds.get(name)

    # -- tagging ---------------------------------------------------------------------------
    def tag(self, tokens: list[Token], notes: list[str]) -> list[Token]:
        out: list[Token] = []
        i = 0
        while i < len(tokens):
            width, name, how = self._match(tokens, i)
            if name is not None and i and tokens[i - 1].text in _NOT_A_NAME_AFTER:
                name = None
            if name is None:
                out.append(tokens[i])
                i += 1
                continue
            token = tokens[i]
            raw = " ".join(t.raw for t in tokens[i:i + width])
            if self._is_instance(name):
                token.kind, token.value = "instance", (name, "instance")
            else:
                token.kind, token.value = "name", (name, self.kind(name))
            token.fuzzy = how == "fuzzy"
            token.raw, token.text = raw, name
            if how == "fuzzy":
                notes.append(f"read {raw!r} as {name}")
            elif how == "generic":
                notes.append(f"'the {raw}' is {name}, the only one")
            out.append(token)
            i += width
        return out

    def _is_instance(self, name: str) -> bool:
        base = name.rsplit("-", 1)[0]
        return name not in self.kinds and base in self.kinds and name.rsplit("-", 1)[1].isdigit()

    def _match(self, tokens: list[Token], i: int) -> tuple[int, str | None, str]:
        words = [t.text for t in tokens[i:i + 3]]
        if tokens[i].kind != "word":
            return 1, None, ""
        # multi-word forms first: "orders db", "payment provider", "zone b", "orders database"
        for width in (3, 2):
            if len(words) < width or any(t.kind not in ("word", "num") for t in
                                         tokens[i:i + width]):
                continue
            joined = "-".join(words[:width])
            for candidate in (joined, joined.replace("-database", "-db"),
                              joined.replace("-databases", "-db")):
                if candidate in self.kinds or candidate in self.zones:
                    return width, candidate, "exact"
        word = words[0]
        if word in self.kinds or word in self.zones:
            return 1, word, "exact"
        if word in self.generic and i and tokens[i - 1].text == "the" and (
                i + 1 >= len(tokens) or tokens[i + 1].kind != "name"):
            return 1, self.generic[word], "generic"  # "the cache": the only one there is
        if self._is_instance(word):
            return 1, word, "exact"
        if word in self.engines:
            return 1, self.engines[word], "exact"
        squashed = {n.replace("-", ""): n for n in self.all_names()}
        if word in squashed:
            return 1, squashed[word], "exact"
        if len(word) >= MIN_FUZZY and not tokens[i].known and word not in VOCABULARY and re.fullmatch(r"[a-z][a-z0-9-]*",
                                                                              word):
            close = self._near(word)
            if close:
                return 1, close, "fuzzy"
            base, _, suffix = word.rpartition("-")
            if suffix.isdigit() and base:
                close = self._near(base)
                if close in self.kinds:
                    return 1, f"{close}-{suffix}", "fuzzy"
        return 1, None, ""

    def resembles(self, word: str) -> bool:
        """Whether ``word`` is, or is a near miss of, a name (so it must not be split up)."""
        if word in self.kinds or word in self.zones or self._is_instance(word):
            return True
        prefix = word.split("-")[0]
        if any(n.split("-")[0] == prefix for n in self.all_names() if "-" in n):
            return True  # "zone-d": shaped like a name, so kept whole (and refused by name)
        return self._near(word) is not None

    def _near(self, word: str) -> str | None:
        """The name ``word`` misspells, if one is clearly meant: within the typos its length
        allows (none for four letters or fewer — "cert" and "card" are words, not cart;
        one up to seven; two beyond), strictly closer than any other name, and no part of a
        hyphenated name replaced outright ("zone-d" is not a typo of "zone-c")."""
        ranked = _ranked(word, tuple(self.all_names()))
        if not ranked:
            return None
        distance, candidate = ranked[0]
        if distance == 0 or distance > typo_budget(word, candidate):
            return None
        if len(ranked) > 1 and ranked[1][0] == distance:
            return None  # two names as close: not for us to choose
        parts, theirs = word.split("-"), candidate.split("-")
        if len(parts) == len(theirs) and any(
                difflib.SequenceMatcher(None, a, b).ratio() < 0.6 for a, b in
                zip(parts, theirs, strict=True)):
            return None
        return candidate

    def suggest(self, word: str, kinds: tuple[str, ...] = ()) -> list[str]:
        """Names that look like ``word`` (for 'did you mean')."""
        pool = [n for n in self.all_names() if not kinds or self.kind(n) in kinds]
        return difflib.get_close_matches(word, pool, n=3, cutoff=0.5)


def typo_budget(word: str, name: str) -> int:
    """How many typos a word may hold and still be read as ``name``."""
    shortest = min(len(word), len(name))
    return 0 if shortest <= 4 else 1 if shortest <= 8 else 2


def edit_distance(a: str, b: str) -> int:
    """Damerau–Levenshtein distance (optimal string alignment): insertions, deletions,
    substitutions and swaps of neighbours each count one ("serach" is one from search)."""
    if abs(len(a) - len(b)) > 2:
        return 3  # more than any budget allows; not worth the table
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            value = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                value = min(value, previous2[j - 2] + 1)
            row.append(value)
        previous2, previous = previous, row
    return previous[-1]


@functools.lru_cache(maxsize=4096)
def _ranked(word: str, names: tuple[str, ...]) -> list[tuple[int, str]]:
    """Names by their distance from ``word`` (remembered: the same typo comes back)."""
    return sorted((edit_distance(word, n), n) for n in names)
