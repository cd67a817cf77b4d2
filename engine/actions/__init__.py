"""``apply``: a command in, a ``Reply`` out. Handlers register by command type, not by name.

Each module here handles one group of commands; importing them fills ``HANDLERS``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..commands import Command, Reply

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["HANDLERS", "apply", "handles"]

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


def apply(sim: Simulation, command: Command) -> Reply:
    handler = HANDLERS.get(type(command))
    if handler is None:
        return Reply(False, f"{command.intent!r} is answered by the front end, not the engine")
    return handler(sim, command)


from . import capacity, databases, delivery, inspect, pending, timing  # noqa: E402, F401
