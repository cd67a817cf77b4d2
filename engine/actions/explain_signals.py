"""What the alert rules and the anomaly detector say about the components ``explain`` looked
at, folded into its answer as further evidence (they read the same metrics; they add what
fired and when)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Reply
from ..durations import format_duration

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["with_signals"]

SHOWN = 4


def with_signals(sim: Simulation, reply: Reply, names: list[str]) -> Reply:
    """The reply, with the alerts firing (and anomalies open) on ``names``, nearest first."""
    if not reply.ok:
        return reply
    order = {name: i for i, name in enumerate(names)}
    firing = sorted((a for a in sim.alerts.firing() if a.component in order),
                    key=lambda a: (order[a.component], a.severity != "critical", a.id))
    parts = [f"{a.name} on {a.component} (#{a.id}, {format_duration(sim.now - (a.starts_at or 0))}"
             f"{', inhibited' if a.inhibited_by else ''})" for a in firing[:SHOWN]]
    more = f" and {len(firing) - SHOWN} more" if len(firing) > SHOWN else ""
    anomalies = getattr(sim, "anomalies", None)
    seen = [] if anomalies is None else anomalies.open_on(names)
    text = reply.message
    if parts:
        text += f". Alerts firing: {', '.join(parts)}{more}"
    if seen:
        text += f". Anomalies: {'; '.join(seen[:SHOWN])}"
    data = {**reply.data, "alerts": [a.id for a in firing]}
    return Reply(reply.ok, text, data)
