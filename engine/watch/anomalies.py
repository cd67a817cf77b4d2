"""The anomaly book: the online detector run on every watched component, its episodes
published as ``anomaly`` (when one begins) and ``anomaly.cleared`` (when it ends) events.

Every component's metrics (``anomaly_inputs``) are the columns of one ``OnlineDetector`` — the
detector ``devsim detect`` runs over a CSV export — grouped by component, so each component has
its own episodes while the work is one vectorised pass over a batch of 15-second samples.
Decisions depend on each sample and the ones before it only. The detector sees metrics, never
injected faults or declared behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..anomaly import DetectorConfig, OnlineDetector
from ..anomaly.episodes import EpisodeEvent
from ..durations import format_clock
from ..topology import Topology
from .anomaly_inputs import SHARES, Detrend, Inputs, shown
from .loop import Sample

__all__ = ["AnomalyBook", "AnomalyEpisode"]

# The estate's configuration differs from a single series' in three ways only. It watches about
# a hundred series at once, so each must stay quieter for the estate to be as quiet as one
# series: a start needs a record beaten by 37 % of its height (score 0.65), not 20 %. And it
# learns for an hour of 15-second samples (a morning's traffic) before it reports. And an
# estate has incident after incident: each is judged against healthy behaviour, not the last.
# (It keeps two days of history rather than a week, and one forest per metric, not per
# component's metric: a smaller footprint for some hundred series.)
ESTATE = DetectorConfig(on=0.75, warmup_rows=240, forget_episodes=True, history_rows=11_520,
                        reference_rows=1_024, forest_rows=1_024,
                        forest_trees=25)
SETTLE_MS = 5 * 60_000  # per-instance figures settle this long after a scaling event
NOTABLE_SIGMAS = 3.0  # a metric is named as deviating from this far
KEPT = 200  # closed episodes kept for `anomalies` and the debrief


@dataclass(slots=True)
class AnomalyEpisode:
    component: str
    env: str
    start_ms: int
    score: float
    metrics: tuple[str, ...]  # the most deviating first
    details: tuple[str, ...]  # "error_rate 0.2% → 31% (+25 σ)"
    peak: float
    end_ms: int | None = None

    @property
    def open(self) -> bool:
        return self.end_ms is None


class AnomalyBook:
    def __init__(self, topo: Topology, env: str, emit: Callable[..., None]) -> None:
        self.env, self.emit = env, emit
        self.inputs = Inputs(topo, env)
        components = self.inputs.components
        columns = [(i, f"{c.name}:{m}") for i, c in enumerate(components) for m in c.metrics]
        self.detector = OnlineDetector([name for _, name in columns], ESTATE,
                                       groups=[g for g, _ in columns],
                                       resolution=self.inputs.resolution,
                                       pools=self.inputs.pools) if columns else None
        self.detrend = Detrend(len(columns))
        self.column = {name: i for i, (_, name) in enumerate(columns)}
        self.raw: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # pending t -> (value, base)
        self.settling = np.arange(len(columns))
        self.settle_until = np.full(len(columns), -1)
        self._offsets = {}
        at = 0
        for c in components:
            self._offsets[c.name] = at + np.flatnonzero(self.inputs.per_instance[c.name])
            at += len(c.metrics)
        rows = self.detector.config.warmup_rows if self.detector else 0
        self.warmup_ms = rows * 15_000  # until then it learns and reports nothing
        self.pending: list[Sample] = []  # since the last flush (views of the metric rings,
        # which keep hours of samples: nothing is overwritten before the flush at the batch end)
        self.open: dict[str, AnomalyEpisode] = {}
        self.closed: list[AnomalyEpisode] = []
        self._of: dict[int, AnomalyEpisode] = {}  # detector episode id -> ours

    def observe(self, sample: Sample) -> None:
        self.pending.append(sample)

    def flush(self) -> None:
        """Run the detector over the samples gathered since the last flush."""
        if not self.pending or self.detector is None:
            self.pending.clear()
            return
        rows = self.inputs.rows(self.pending)
        stamps = [s.t for s in self.pending]
        changes = np.empty_like(rows)
        for i, t in enumerate(stamps):
            # per-instance figures after a scaling event change for a known reason: their
            # baseline follows them until they settle, so they show no change meanwhile
            self.detrend.forget(self.settling[self.settle_until > t])
            changes[i], base = self.detrend.apply(rows[i])
            self.raw[t] = (rows[i], base)
        times = np.array(stamps) / 1000
        self.pending = []
        for event in self.detector.observe(times, changes):
            at = event.episode.start if event.kind == "start" else event.episode.end
            self._publish(float(at if at is not None else times[-1]), event.episode.group,
                          event)
        self.raw.clear()

    def _publish(self, at: float, i: int, event: EpisodeEvent) -> None:
        component = self.inputs.components[i]
        episode = event.episode
        t = int(round(at * 1000))
        if event.kind == "start":
            telling = [d for d in episode.deviations if abs(d.sigmas) >= NOTABLE_SIGMAS] or \
                list(episode.deviations[:1])
            ours = AnomalyEpisode(
                component.name, self.env, t, round(float(episode.score), 3),
                tuple(_metric(d.metric) for d in telling),
                tuple(self._detail(d, t) for d in telling),
                float(episode.score))
            self._of[id(episode)] = ours
            self.open[component.name] = ours
            self.emit("anomaly", t, service=component.name, env=self.env, score=ours.score,
                      metrics=list(ours.metrics), deviations=list(ours.details))
            return
        ours = self._of.pop(id(episode), None)
        if ours is None:
            return
        ours.end_ms, ours.peak = t, float(max(episode.peak, ours.score))
        self.open.pop(component.name, None)
        self.closed = [*self.closed[-(KEPT - 1):], ours]
        self.emit("anomaly.cleared", t, service=component.name, env=self.env,
                  lasted_s=(t - ours.start_ms) / 1000, peak=round(ours.peak, 3))

    def on_event(self, event: Any) -> None:
        """A scaling event changes per-instance figures by itself: those columns of that
        component are held still for a few minutes and their baselines start afresh."""
        if event.type != "scale" or event.data.get("env") not in (self.env, None):
            return
        columns = self._offsets.get(event.data.get("service"))
        if columns is not None and len(columns):
            self.settle_until[columns] = event.t + SETTLE_MS

    # questions ---------------------------------------------------------------------------

    def episodes(self, component: str | None = None, since_ms: int = 0) -> list[AnomalyEpisode]:
        """Open and closed episodes that overlap ``since_ms`` until now, strongest first."""
        every = [*self.closed, *self.open.values()]
        chosen = [e for e in every if (component is None or e.component == component)
                  and (e.end_ms is None or e.end_ms >= since_ms)]
        return sorted(chosen, key=lambda e: (-e.peak, e.start_ms))

    def open_on(self, names: list[str]) -> list[str]:
        """The open episodes on these components, in words, for ``explain``."""
        return [f"{e.component} since {format_clock(e.start_ms)} ({', '.join(e.details[:2])})"
                for name in names if (e := self.open.get(name)) is not None]


    def _detail(self, d: Any, t: int) -> str:
        """'p99_ms 101 → 392 (+14σ)': the metric's half-hour median, its value, how far."""
        value, base = self.raw.get(t, (None, None))
        column = self.column[d.metric]
        now = d.value if value is None else float(value[column])
        before = d.expected if base is None else float(base[column])
        return _describe(_metric(d.metric), before, now, d.sigmas)


def _describe(metric: str, before: float, now: float, sigmas: float) -> str:
    before, now = shown(metric, before), shown(metric, now)
    share = metric in SHARES
    fmt = (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:.3g}")
    return f"{metric} {fmt(before)} → {fmt(now)} ({sigmas:+.0f}σ)"


def _metric(column: str) -> str:
    """'checkout:p99_ms' → 'p99_ms'."""
    return column.rsplit(":", 1)[-1]
