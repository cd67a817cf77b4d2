"""The names an expectation may use, read from the scenario: its components and alert rules."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from engine import ScenarioSpec

__all__ = ["Vocabulary"]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a scenario lets an expectation name, each table keyed by its lower-case name."""

    services: dict[str, str]
    components: dict[str, str]  # services, databases, caches and queues (not externals)
    databases: dict[str, str]
    alerts: dict[str, str]  # the scenario's rules and the default pack (unless switched off)
    externals: dict[str, str]  # outside the estate: nothing of theirs is measured or alerted on

    @classmethod
    def of(cls, spec: ScenarioSpec) -> Vocabulary:
        from engine.watch.alerts import rules_of

        def table(names: object) -> dict[str, str]:
            return {str(n).lower(): str(n) for n in names}  # type: ignore[attr-defined]

        components = [*spec.services, *spec.databases, *spec.caches, *spec.queues]
        return cls(table(spec.services), table(components), table(spec.databases),
                   table(r.name for r in rules_of(spec)), table(spec.externals))


def close_to(word: str, names: list[str] | dict[str, str]) -> str | None:
    """The name nearest a misspelt one, if any is near enough to suggest."""
    table = names if isinstance(names, dict) else {n.lower(): n for n in names}
    found = difflib.get_close_matches(word.lower(), list(table), n=1, cutoff=0.7)
    return table[found[0]] if found else None
