"""The simulation: a world, its clock, its control loops, its metrics and its event bus.

This is the one object every front end drives. It steps in fixed ticks as fast as asked; the
interactive front ends pace it against the wall clock themselves.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable
from typing import Any

import numpy as np

from .actions import apply as apply_command
from .autoscale import Autoscaler
from .backups import Backups
from .checkpoints import Checkpoints
from .chaos.controller import ChaosController
from .clock import Clock
from .commands import Command, Reply
from .deploy import DeployController
from .events import Event, EventBus
from .metrics import MetricStore
from .scenario import ScenarioSpec
from .snapshot import Snapshot, take_snapshot
from .lifecycle import Lifecycle
from .failover import Failovers
from .physics.disk import Disks
from .summary import run_summary
from .tick import Tick
from .watch.estate import watch_estate
from .world import World

__all__ = ["Simulation"]

LOG_EVENTS = 2000  # the latest events, for judgements that cite what happened (explain)


class Simulation:
    """A running scenario.

    Args:
        spec: the validated scenario.
        seed: random seed; defaults to the scenario's own.
    """

    def __init__(self, spec: ScenarioSpec, seed: int | None = None) -> None:
        self.spec = spec
        self.seed = spec.seed if seed is None else seed
        self.clock = Clock(spec.tick)
        self.bus = EventBus()
        self.log: deque[Event] = deque(maxlen=LOG_EVENTS)  # what happened lately, as seen
        self.early: list[Callable[[Event], None]] = []  # engine watchers: each event as it happens
        # engine parts that react to each event as it is published, before the bus's
        # subscribers (the front ends); like ``early``, they are part of the state
        self.listeners: list[Callable[[Event], None]] = []
        self._held: list[Event] | None = None
        self.world = world = World(spec, self.seed, emit=self._publish)
        world.lifecycle = Lifecycle(world)
        world.lifecycle.scheduler.place(np.arange(len(world.inst)), 0)
        world.failovers = Failovers(world)
        world.lifecycle.refresh_due()
        self.tick = Tick(world)
        self.tick.settle()
        self.metrics = MetricStore(self.world.topo.size, spec.tick)
        self.disks = Disks(world)
        self.autoscaler = Autoscaler(self)
        self.deploys = DeployController(self)
        self.tick.checks.append(self.autoscaler.check)
        self.paused = False  # read by the front ends that pace the clock
        self.user = "operator"  # who acknowledges and silences (front ends may say)
        self.speed = 1.0  # simulated seconds per wall second, for the same
        self._scheduled: list[tuple[int, int, Callable[[], None]]] = []
        self.deferred: Callable[[], None] | None = None  # work a command leaves for after it
        self._order = 0  # ties in the schedule run in the order they were set
        self.chaos = ChaosController(self)  # (after the schedule: a scenario may plan faults)
        self.backups = Backups(self)
        self.watching = watch_estate(self)  # what reads the metrics as an operator would
        self.watch, self.slo, self.alerts, self.anomalies = (
            self.watching.watch, self.watching.slo, self.watching.alerts,
            self.watching.anomalies)
        self.checkpoints = Checkpoints(self)  # the past, to rewind to, and the timeline

    def publish_at(self, t: int, type_: str, data: dict[str, Any]) -> None:
        """Publish an event of a watcher, at the time of the sample it concluded from."""
        self._publish(t, type_, data)

    def _publish(self, t: int, type_: str, data: dict[str, Any]) -> None:
        event = Event(t, type_, data)
        for listener in self.early:
            listener(event)
        if self._held is not None:  # during a batch: published in time order after it
            self._held.append(event)
            return
        self._deliver(event)

    def _deliver(self, event: Event) -> None:
        self.log.append(event)
        for listener in self.listeners:
            listener(event)
        self.bus.publish(event)

    def _release(self) -> None:
        """Publish what a batch held, in time order (the watchers conclude about samples
        inside the batch after its ticks ran; ties keep the order they happened in)."""
        held, self._held = self._held or [], None
        for event in sorted(held, key=lambda e: e.t):
            self._deliver(event)

    @property
    def now(self) -> int:
        """Simulated milliseconds since the start."""
        return self.clock.now

    def step(self, ticks: int = 1) -> None:
        """Advance ``ticks`` ticks, computing quiet stretches several ticks at a time (the
        figures do not depend on how the ticks are grouped)."""
        left = ticks
        self.checkpoints.due()
        while left > 0:
            self._held = []
            try:
                left -= self._batch(left)
            finally:
                self._release()
            self.checkpoints.due()

    def _batch(self, left: int) -> int:
        """Compute one batch of at most ``left`` ticks, and what follows it; returns its size."""
        world, clock, tick = self.world, self.clock, self.tick
        lifecycle, deploys, scheduled = world.lifecycle, self.deploys, self._scheduled
        autoscale = self.autoscaler.tick if self.autoscaler.nodes else None
        dt = clock.tick_ms
        t = clock.now + dt
        while scheduled and scheduled[0][0] <= t:
            heapq.heappop(scheduled)[2]()
        world.now = t
        lifecycle.tick(t)
        most = min(1 if deploys.busy else left, self.checkpoints.ticks_left(clock.now, dt))
        if scheduled:
            most = min(most, -(-(scheduled[0][0] - t) // dt))
        most = min(most, -(-(lifecycle.next_due - t) // dt))
        if autoscale is not None and self.autoscaler.foresees:
            most = min(most, max(-(-(self.autoscaler.wake_at - t) // dt), 0) + 1)
        batch = tick.run(t, tick.plan(t, max(most, 1)))
        clock.advance_by(batch.k)
        self.disks.record(world, batch.rows)
        self.metrics.record_many(batch.rows, batch.times, batch.latency)
        self.watch.catch_up()
        if deploys.busy:
            deploys.tick(batch.last)
        if autoscale is not None:
            autoscale(batch.last)
        return batch.k

    def schedule(self, t_ms: int, action: Callable[[], None]) -> None:
        """Run ``action`` at simulated time ``t_ms`` (now, if that is not in the future)."""
        if t_ms <= self.clock.now:
            action()
        else:
            self._order += 1
            heapq.heappush(self._scheduled, (t_ms, self._order, action))

    def apply(self, command: Command, text: str | None = None,
              notes: tuple[str, ...] = ()) -> Reply:
        """Carry out a command now; the reply says what happened (never raises for bad input).

        With ``text`` (what the person typed) the ``command`` event is published at the time
        the command was given, before any work it set in motion (such as ``advance``) runs.
        ``notes`` (what the parser assumed) are added to the reply.
        """
        self.checkpoints.due()
        reply = apply_command(self, command).noted(notes)
        self.checkpoints.applied(command, text, notes, reply)  # on the timeline
        if text is not None:
            self._say(text, command.intent, reply)
        deferred, self.deferred = self.deferred, None
        if deferred is not None and not self.checkpoints.replaying:
            deferred()  # (a rewind's catch-up moves the clock itself)
        return reply

    def record_command(self, text: str, intent: str | None, reply: Reply) -> None:
        """Publish the ``command`` event (see the README, "Using it headless") for a command a
        person gave that was answered without being applied (not understood, ``help``)."""
        self.checkpoints.due()
        self.checkpoints.said(text, intent, reply)
        self._say(text, intent, reply)

    def _say(self, text: str, intent: str | None, reply: Reply) -> None:
        self.world.now = self.clock.now
        self.world.emit("command", text=text, ok=reply.ok, reply=reply.message, intent=intent)

    def run_until(self, t_ms: int) -> None:
        """Advance until the clock reaches ``t_ms`` (rounded up to a whole tick)."""
        self.step(self.clock.ticks_until(t_ms))

    def run_for(self, duration_ms: int) -> None:
        self.run_until(self.clock.now + duration_ms)

    def snapshot(self, instances_of: set[str] | None = None) -> Snapshot:
        """An immutable view; instance rows for every component, or only ``instances_of``."""
        return take_snapshot(self, instances_of)

    def summary(self) -> dict[str, Any]:
        """The run's closing figures (the ``summary`` event, the last line of a JSON run)."""
        return run_summary(self)
