"""Events: what happened, when (simulated ms), as small immutable records on a bus.

The UI, the script runner and the session store subscribe; the JSON Lines output of
``devsim run --format json`` is ``Event.to_dict`` per line (the contract the README describes).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Event", "EventBus"]


def _clean(value: Any) -> Any:
    """Plain Python values with rounded floats, so the JSON stream is tidy and stable."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


@dataclass(frozen=True, slots=True)
class Event:
    t: int  # simulated milliseconds
    type: str
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"t": self.t / 1000, "type": self.type, **_clean(self.data)}


Subscriber = Callable[[Event], None]


class EventBus:
    """Publishes events to subscribers in order; counts them by type. While ``muted`` (a
    rewind re-running what the subscribers already saw) events are counted, not delivered."""

    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self.counts: Counter[str] = Counter()
        self.muted = False

    def subscribe(self, fn: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns a function that removes it."""
        self._subscribers.append(fn)
        return lambda: self._subscribers.remove(fn)

    def publish(self, event: Event) -> None:
        self.counts[event.type] += 1
        if self.muted:
            return
        for fn in list(self._subscribers):
            fn(event)
