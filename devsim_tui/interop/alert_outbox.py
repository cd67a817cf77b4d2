"""What an endpoint has been told and still has to be told: the alerts firing (keyed by their
label set's fingerprint, as Alertmanager keys them) and those resolved but not yet delivered.

Owned by one delivery thread. Wall-clock stamps come with the messages (taken when devsim saw
the change), so an alert resolved while the endpoint was down still ends when it ended.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .alert_payload import fingerprint, iso

__all__ = ["Outbox"]


class Outbox:
    """``resend`` (seconds): re-send every firing alert that often, as Prometheus does every
    minute; None: tell only what changed (a webhook)."""

    def __init__(self, resend: float | None) -> None:
        self.resend = resend
        self.firing: dict[str, dict[str, Any]] = {}
        self.resolved: dict[str, dict[str, Any]] = {}  # not yet delivered
        self.changed = False
        self.last_sent: float | None = None

    def fire(self, record: Mapping[str, Any], wall: float) -> None:
        fp = fingerprint(record["labels"])
        self.resolved.pop(fp, None)  # resolved and firing again before anyone was told
        known = self.firing.get(fp)
        starts = known["startsAt"] if known else iso(wall)
        self.firing[fp] = {**record, "status": "firing", "startsAt": starts, "endsAt": None}
        self.changed = True

    def resolve(self, record: Mapping[str, Any], wall: float) -> None:
        fp = fingerprint(record["labels"])
        known = self.firing.pop(fp, None)
        starts = known["startsAt"] if known else iso(wall)
        self.resolved[fp] = {**record, "status": "resolved", "startsAt": starts,
                             "endsAt": iso(wall)}
        self.changed = True

    def sync(self, records: Iterable[Mapping[str, Any]], wall: float) -> None:
        """Make the firing set exactly ``records`` (after a rewind, or when messages were
        lost): what is no longer firing resolves now, what is new fires now."""
        now_firing = {fingerprint(r["labels"]): r for r in records}
        for fp in [fp for fp in self.firing if fp not in now_firing]:
            self.resolve(self.firing[fp], wall)
        for fp, record in now_firing.items():
            self.fire(record, wall)

    def pending(self) -> bool:
        """Something to deliver (or to keep re-sending)."""
        return self.changed or bool(self.resolved) or (
            self.resend is not None and bool(self.firing))

    def due(self, now: float) -> bool:
        if self.changed or self.resolved:
            return True
        return (self.resend is not None and bool(self.firing)
                and (self.last_sent is None or now - self.last_sent >= self.resend))

    def next_due(self) -> float | None:
        """When a re-send falls due, if nothing changes before (None: never)."""
        if self.resend is None or not self.firing:
            return None
        return (self.last_sent or 0.0) + self.resend

    def batch(self) -> list[dict[str, Any]]:
        """Every firing alert, then the resolved ones, each a fresh dict."""
        return [dict(a) for a in (*self.firing.values(), *self.resolved.values())]

    def delivered(self, batch: list[dict[str, Any]], now: float) -> None:
        for alert in batch:
            if alert["status"] == "resolved":
                self.resolved.pop(fingerprint(alert["labels"]), None)
        self.changed, self.last_sent = False, now
