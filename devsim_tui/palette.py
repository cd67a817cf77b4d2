"""Ctrl+P: every command of the registry, searchable; picking one puts its example in the bar."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from .chatops import REGISTRY

__all__ = ["RegistryCommands"]


class RegistryCommands(Provider):
    def _entries(self) -> list[tuple[str, str]]:
        return [(example, spec.summary) for spec in REGISTRY for example in spec.examples]

    def _fill(self, text: str) -> None:
        fill = getattr(self.app, "fill_command", None)
        if fill is not None:
            fill(text)

    async def discover(self) -> Hits:
        for spec in REGISTRY:
            yield DiscoveryHit(spec.examples[0], partial(self._fill, spec.examples[0]),
                               help=spec.summary)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for example, summary in self._entries():
            score = matcher.match(f"{example} {summary}")
            if score > 0:
                yield Hit(score, matcher.highlight(example), partial(self._fill, example),
                          help=summary)
