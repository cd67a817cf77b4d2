"""The simulation: a world, its clock, its control loops, its metrics and its event bus.

This is the one object every front end drives. It steps in fixed ticks as fast as asked; the
interactive front ends pace it against the wall clock themselves.
"""

from __future__ import annotations

from typing import Any

from .autoscale import Autoscaler
from .clock import Clock
from .events import Event, EventBus
from .metrics import M, MetricStore
from .scenario import ScenarioSpec
from .snapshot import Snapshot, take_snapshot
from .summary import run_summary
from .world import World

__all__ = ["Simulation"]


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
        self.world = World(spec, self.seed, emit=self._publish)
        self.metrics = MetricStore(self.world.topo.size, spec.tick)
        self.autoscaler = Autoscaler(self)

    def _publish(self, t: int, type_: str, data: dict[str, Any]) -> None:
        self.bus.publish(Event(t, type_, data))

    @property
    def now(self) -> int:
        """Simulated milliseconds since the start."""
        return self.clock.now

    def step(self, ticks: int = 1) -> None:
        """Advance ``ticks`` ticks."""
        world, clock, record = self.world, self.clock, self.metrics.record
        autoscale = self.autoscaler.tick if self.autoscaler.nodes else None
        row = world.node_metrics
        for _ in range(ticks):
            t = clock.advance()
            world.step(t)
            if autoscale is not None:
                autoscale(t)
            record(row, t)

    def run_until(self, t_ms: int) -> None:
        """Advance until the clock reaches ``t_ms`` (rounded up to a whole tick)."""
        self.step(self.clock.ticks_until(t_ms))

    def run_for(self, duration_ms: int) -> None:
        self.run_until(self.clock.now + duration_ms)

    def snapshot(self) -> Snapshot:
        return take_snapshot(self)

    def summary(self) -> dict[str, Any]:
        """The run's closing figures (the ``summary`` event of DESIGN §4.2)."""
        return run_summary(self)

    def metric(self, name: str, env: str | None = None) -> dict[str, float]:
        """The latest value of one metric for every component of an environment."""
        column = getattr(M, name.upper())
        env = env or self.spec.primary_environment
        return {n.name: float(self.world.node_metrics[column, n.index])
                for n in self.world.topo.nodes if n.env == env}
