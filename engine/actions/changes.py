"""When a symptom began, and what changed around then: the timing half of a diagnosis.

Both come from what an operator has: the metric store (15-second samples, so an onset is
known to within 15 s) and the event log of what people and the system did (deploys and their
verdicts, scaling, failovers, requested restarts, and whatever else publishes an event with a
``service``, ``database`` or ``target`` field and a describer here). A change shortly before
an onset is a suspect; one after it is not the cause.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..histogram import B, quantile
from ..metrics import M

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["Change", "changes", "onset", "timeline", "traffic_change"]

LOOK_BACK_MS = 15 * 60_000
SAMPLE_MS = 15_000  # the resolution of the samples an onset is found in


@dataclass(frozen=True)
class Change:
    t: int
    subject: str
    text: str


def _reason(d: dict[str, Any]) -> str:
    return f" ({d['reason']})" if d.get("reason") else ""


# event type -> what it changed, in words; None: not a change (say, an automatic restart)
DESCRIBE: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "deploy.started": lambda d: f"the {d.get('strategy')} of {d.get('service')} "
                                f"{d.get('version')} started",
    "deploy.completed": lambda d: f"{d.get('service')} {d.get('version')} completed",
    "deploy.aborted": lambda d: f"the rollout of {d.get('service')} {d.get('version')} "
                                "was aborted",
    "deploy.rolled_back": lambda d: f"{d.get('service')} rolled back to {d.get('to')}",
    "scale": lambda d: f"{d.get('service')} was scaled {d.get('from')} → {d.get('to')}"
                       f"{_reason(d)}",
    "db.failover.started": lambda d: f"a failover of {d.get('database')} began "
                                     f"({d.get('reason')})",
    "db.failover": lambda d: f"{d.get('database')} failed over to {d.get('new_primary')} "
                             f"({d.get('lost_writes', 0)} writes lost)",
    # (a fault an exercise hides is not a change anyone made: it is what is to be found)
    "chaos.started": lambda d: None if d.get("hidden") else
                               f"{d.get('fault')} was injected into {d.get('target')} "
                               f"(chaos #{d.get('id')})",
    "chaos.ended": lambda d: None if d.get("hidden") or str(d.get("reason", "")).startswith(
        "one-shot") else f"the {d.get('fault')} on {d.get('target')} ended",
    "instance.restarted": lambda d: f"{d.get('instance')} was restarted on request"
                                    if d.get("reason") == "requested" else None,
}


def changes(sim: Simulation, names: set[str], env: str, since: int) -> list[Change]:
    """Changes to the named components of ``env`` logged after ``since``, oldest first."""
    found: list[Change] = []
    for event in reversed(sim.log):
        if event.t <= since:
            break
        describe = DESCRIBE.get(event.type)
        d = event.data
        subject = d.get("service") or d.get("database") or d.get("target")
        if describe is None or subject not in names or d.get("env", env) != env:
            continue
        text = describe(d)
        if text:
            found.append(Change(event.t, str(subject), text))
    return found[::-1]


def onset(sim: Simulation, node: int, kind: str, base_p99_s: float,
          error_level: float, slow_factor: float) -> int | None:
    """When the node's current symptom began (ms): the start of the last unbroken run of
    15-second samples showing it (one good sample inside the run is forgiven), within the
    last quarter hour. None if it is not visible in the samples yet."""
    ring = sim.metrics.rings[1]
    since = sim.now - LOOK_BACK_MS
    times, requests = ring.window(since, M.REQUESTS, node)
    if not len(times):
        return None
    if kind == "errors":
        _, failed = ring.window(since, M.FAILED, node)
        bad = failed / np.maximum(requests, 1e-9) >= error_level
    else:
        if base_p99_s <= 0 or ring.hist is None:
            return None
        _, hist = ring.node_counts(since, node)
        bad = quantile(hist[:, :B], 0.99) > slow_factor * base_p99_s
    bad = np.asarray(bad, dtype=bool)
    if not bad.any():
        return None
    last = int(np.flatnonzero(bad)[-1])
    first = last
    while first > 0 and (bad[first - 1] or (first > 1 and bad[first - 2])):
        first -= 1
    return int(times[first]) - SAMPLE_MS  # the sample covers the 15 s before its time


def traffic_change(sim: Simulation, node: int, began: int) -> Change | None:
    """A rise of the node's traffic at the onset (the 5 minutes before it against the
    minute after): load, not a fault, when nothing else changed."""
    ring = sim.metrics.rings[1]
    times, requests = ring.window(began - 5 * 60_000, M.REQUESTS, node)
    before = requests[times <= began]
    after = requests[(times > began + SAMPLE_MS) & (times <= began + 5 * SAMPLE_MS)]
    if not len(before) or not len(after):
        return None
    a, b = float(before.mean()) / sim.metrics.dt, float(after.mean()) / sim.metrics.dt
    if a <= 0 or b < 1.3 * a:
        return None
    name = sim.world.topo.nodes[node].name
    return Change(began, name, f"traffic into {name} rose from {a:.0f} to {b:.0f} rps")


def timeline(sim: Simulation, began: int | None, names: set[str], env: str,
             node: int, cause: str | None = None) -> str:
    """A sentence: when the symptom began and the changes on its path around then (of
    changes made at the same moment, one to the cause first)."""
    from ..durations import format_clock

    if began is None:
        return ""
    found = changes(sim, names, env, began - LOOK_BACK_MS)
    rise = traffic_change(sim, node, began)
    if rise is not None:
        found = sorted([*found, rise], key=lambda c: c.t)
    before = [c for c in found if c.t <= began + SAMPLE_MS]
    after = [c for c in found if c.t > began + SAMPLE_MS]
    text = f"it began about {format_clock(max(began, 0))}"
    if before:
        latest = before[-1].t
        c = next((c for c in reversed(before) if c.subject == cause and latest - c.t
                  <= SAMPLE_MS), before[-1])
        gap = max(began - c.t, 0) // 1000
        text += f", {gap}s after {c.text}" if gap else f", as {c.text}"
    else:
        text += "; nothing was changed on its path in the quarter hour before"
    if after:
        text += "; since then " + "; ".join(c.text for c in after[-3:])
    return text
