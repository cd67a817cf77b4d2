"""Which events pop up as notifications, so an abort or a failover is seen on any tab.

A toast per event would bury the screen in an alert storm, so one batch of events (what the
engine published since the last frame) gives at most ``MOST`` toasts, and the rest are counted in
one more ("and 4 more: see the chat"). Muted alerts (silenced, inhibited) and an exercise's
hidden events never get here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from engine import Event

__all__ = ["TOASTS", "toasts"]

MOST = 3
# event type → (severity, title); the message is the event's own one-line text
TOASTS: dict[str, tuple[str, str]] = {
    "deploy.aborted": ("error", "Rollout aborted"),
    "deploy.rolled_back": ("warning", "Rolled back"),
    "db.failover": ("warning", "Database failover"),
    "db.failover.started": ("warning", "Failover started"),
    "instance.crashed": ("error", "Instance crashed"),
    "alert.firing": ("error", "Alert firing"),
}
_CRITICAL_ONLY = {"alert.firing"}  # warnings are in the pane and the chat, not a pop-up


def toasts(events: Iterable[Event], describe: Callable[[Event], str]
           ) -> list[tuple[str, str, str]]:
    """(title, message, severity) for the events worth a pop-up, at most ``MOST`` + 1."""
    worth = [e for e in events if e.type in TOASTS and not (
        e.type in _CRITICAL_ONLY and e.data.get("severity") not in (None, "critical"))]
    out = []
    for event in worth[:MOST]:
        severity, title = TOASTS[event.type]
        out.append((title, describe(event), severity))
    if len(worth) > MOST:
        out.append(("More events", f"and {len(worth) - MOST} more: see the chat "
                                   "(f filters it)", "warning"))
    return out
