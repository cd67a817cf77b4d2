"""What happened in a run, as its events told it: rollouts and their outcomes, alerts that
fired, anomalies that began, failovers and the writes they lost.

Every record keeps the event's time and its place in the stream (``seq``), so an expectation
can ask for what happened after its own line. A ``rewind`` event (``from``, ``to``) forgets
what happened after ``to``: the events that follow belong to the new branch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine import Event

__all__ = ["Facts", "Happening", "Mark", "Rollout"]

OUTCOMES = {"deploy.completed": "completed", "deploy.aborted": "aborted",
            "deploy.rolled_back": "rolled_back"}


@dataclass(frozen=True, slots=True)
class Mark:
    """A place in the run: the simulated time and how many events had been seen."""

    t: int
    seq: int


@dataclass(frozen=True, slots=True)
class Happening:
    """One thing that happened: when, where in the stream, on what, and the event's fields."""

    t: int
    seq: int
    name: str  # the component (or alert rule) it is about
    data: dict[str, Any]


@dataclass(slots=True)
class Rollout:
    service: str
    env: str
    version: str
    t: int  # when it started
    seq: int
    step: Happening | None = None  # the last step reported
    outcomes: list[Happening] = field(default_factory=list)  # completed, aborted, rolled_back


class Facts:
    """Subscribed to the bus (``observe``), it keeps the run's record for the expectations."""

    def __init__(self) -> None:
        self.seq = 0
        self.rollouts: dict[str, list[Rollout]] = {}
        self.firings: list[Happening] = []  # alert.firing, by rule name
        self.anomalies: list[Happening] = []  # anomaly, by component
        self.failovers: list[Happening] = []  # db.failover, by database
        self._handlers: dict[str, Callable[[Event], None]] = {
            "deploy.started": self._started, "deploy.step": self._step,
            **{kind: self._outcome for kind in OUTCOMES},
            "alert.firing": lambda e: self.firings.append(self._happening(e, "alert")),
            "anomaly": lambda e: self.anomalies.append(self._happening(e, "service")),
            "db.failover": lambda e: self.failovers.append(self._happening(e, "database")),
            "rewind": self._rewind,
        }

    def mark(self, t: int) -> Mark:
        return Mark(t, self.seq)

    def observe(self, event: Event) -> None:
        self.seq += 1
        handler = self._handlers.get(event.type)
        if handler is not None:
            handler(event)

    def _happening(self, event: Event, key: str) -> Happening:
        return Happening(event.t, self.seq, str(event.data.get(key)), dict(event.data))

    # rollouts ------------------------------------------------------------------------------

    def _started(self, event: Event) -> None:
        d = event.data
        self.rollouts.setdefault(d["service"], []).append(
            Rollout(d["service"], d.get("env", ""), d["version"], event.t, self.seq))

    def _find(self, event: Event) -> Rollout | None:
        """The latest rollout of the event's service, environment and version."""
        d = event.data
        return next((r for r in reversed(self.rollouts.get(d.get("service", ""), []))
                     if r.env == d.get("env", "") and r.version == d.get("version")), None)

    def _step(self, event: Event) -> None:
        rollout = self._find(event)
        if rollout is not None:
            rollout.step = Happening(event.t, self.seq, str(event.data.get("step", "")),
                                     dict(event.data))

    def _outcome(self, event: Event) -> None:
        rollout = self._find(event)
        if rollout is not None:
            rollout.outcomes.append(Happening(event.t, self.seq, OUTCOMES[event.type],
                                              dict(event.data)))

    def anchor(self, service: str, mark: Mark) -> Rollout | None:
        """The rollout an expectation at ``mark`` is about: the latest begun by then, else the
        first begun after it."""
        rollouts = self.rollouts.get(service, [])
        before = [r for r in rollouts if r.seq <= mark.seq]
        if before:
            return before[-1]
        return rollouts[0] if rollouts else None

    # a rewind ------------------------------------------------------------------------------

    def _rewind(self, event: Event) -> None:
        to = int(round(float(event.data.get("to", event.t / 1000)) * 1000))
        self.firings = [h for h in self.firings if h.t <= to]
        self.anomalies = [h for h in self.anomalies if h.t <= to]
        self.failovers = [h for h in self.failovers if h.t <= to]
        for service, rollouts in list(self.rollouts.items()):
            kept = [r for r in rollouts if r.t <= to]
            for r in kept:
                r.outcomes = [h for h in r.outcomes if h.t <= to]
                r.step = r.step if r.step is None or r.step.t <= to else None
            self.rollouts[service] = kept
