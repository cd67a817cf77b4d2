"""Messages from the engine bridge to the console. Small immutable carriers, nothing else."""

from __future__ import annotations

from textual.message import Message

from engine import Event, Snapshot

__all__ = ["EventsPosted", "SnapshotReady"]


class SnapshotReady(Message):
    """The latest state of the estate. A slow UI may drop stale ones: only the newest matters."""

    def __init__(self, snapshot: Snapshot, trends: dict[str, tuple[float, ...]]) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.trends = trends

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SnapshotReady)


class EventsPosted(Message):
    """Events since the last batch, in order. Never replaced: every event is shown."""

    def __init__(self, events: tuple[Event, ...]) -> None:
        super().__init__()
        self.events = events
