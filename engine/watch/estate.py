"""Everything that watches one simulation, assembled: the loop and its watchers in order."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..histogram import B
from ..metrics import METRIC_COUNT
from .alerts import AlertBook, rules_of
from .anomalies import AnomalyBook
from .loop import Watch
from .recent import Recent
from .series import SeriesContext
from .signals import Signals
from .slo import SloBook

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["Watching", "watch_estate"]


@dataclass(frozen=True, slots=True)
class Watching:
    watch: Watch
    slo: SloBook
    recent: Recent
    signals: Signals
    alerts: AlertBook
    anomalies: AnomalyBook


def watch_estate(sim: Simulation) -> Watching:
    world, topo = sim.world, sim.world.topo
    watch = Watch(sim.metrics)
    slo = SloBook(topo)
    recent = Recent(METRIC_COUNT, topo.size, B)
    signals = Signals(world)
    sim.early.append(signals.on_event)  # (reads the world as the event happens)
    emit = partial(_emit, sim)  # (a partial, not a closure: checkpoints copy the watchers)
    alerts = AlertBook(topo, rules_of(sim.spec), SeriesContext(topo, recent, signals), slo,
                       emit, sim.spec.name, sim.spec.primary_environment)
    anomalies = AnomalyBook(topo, sim.spec.primary_environment, emit)
    sim.early.append(anomalies.on_event)
    for watcher in (slo.observe, recent.observe, alerts.observe, anomalies.observe):
        watch.add(watcher)
    watch.batched.append(anomalies.flush)
    return Watching(watch, slo, recent, signals, alerts, anomalies)


def _emit(sim: Simulation, kind: str, t: int, **data: Any) -> None:
    sim.publish_at(t, kind, data)
