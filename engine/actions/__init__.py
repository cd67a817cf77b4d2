"""``apply``: a command in, a ``Reply`` out. Handlers register by command type, not by name.

Each module here handles one group of commands and registers its handlers in ``registry``;
importing them (here, once) fills the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Command, Reply
from . import (
    alerting, anomalies, capacity, chaos, databases, delivery, explain, inspect, plan, rewind,
    timing,
)
from .registry import HANDLERS, handles

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["HANDLERS", "apply", "handles"]
MODULES = (alerting, anomalies, capacity, chaos, databases, delivery, explain, inspect, plan,
           rewind, timing)  # each registers itself


def apply(sim: Simulation, command: Command) -> Reply:
    handler = HANDLERS.get(type(command))
    if handler is None:
        return Reply(False, f"{command.intent!r} is answered by the front end, not the engine")
    reply = handler(sim, command)
    env = getattr(command, "env", None) or sim.spec.primary_environment
    if reply.ok and command.changes_production and hasattr(command, "env") and \
            not reply.message.startswith(f"{env}: "):
        # every reply that acts says where it acted
        reply = Reply(True, f"{env}: {reply.message}", {**reply.data, "env": env})
    return reply

