"""The table of command handlers, and the decorator that fills it. It imports none of the
handler modules, so they and the package can both import it without a circle."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..commands import Command, Reply

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["HANDLERS", "handles"]

Handler = Callable[["Simulation", Command], Reply]
HANDLERS: dict[type[Command], Handler] = {}
C = TypeVar("C", bound=Command)


def handles(*types: type[Command]) -> Callable[[Callable[[Simulation, C], Reply]],
                                              Callable[[Simulation, C], Reply]]:
    """Register the decorated function as the handler of the given command types."""

    def register(fn: Callable[[Simulation, C], Reply]) -> Callable[[Simulation, C], Reply]:
        for t in types:
            HANDLERS[t] = fn  # type: ignore[assignment]
        return fn

    return register
