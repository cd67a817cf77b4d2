"""The anomaly book: the online detector run on every watched component, its episodes
published as ``anomaly`` (when one begins) and ``anomaly.cleared`` (when it ends) events.

Each component's metrics (``anomaly_inputs``) go to its own ``OnlineDetector`` — the same
detector ``devsim detect`` runs over a CSV export — a batch of 15-second samples at a time, so
decisions depend on each sample and the ones before it only. The detector sees metrics, never
injected faults or declared behaviour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..anomaly import OnlineDetector
from ..anomaly.episodes import EpisodeEvent
from ..durations import format_clock
from ..topology import Topology
from .anomaly_inputs import Inputs, shown
from .loop import Sample

__all__ = ["AnomalyBook", "AnomalyEpisode"]

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
        self.detectors = [OnlineDetector(c.metrics) for c in self.inputs.components]
        rows = self.detectors[0].config.warmup_rows if self.detectors else 0
        self.warmup_ms = rows * 15_000  # until then it learns and reports nothing
        self.pending_times: list[float] = []
        self.pending_rows: list[list[np.ndarray]] = []
        self.open: dict[str, AnomalyEpisode] = {}
        self.closed: list[AnomalyEpisode] = []
        self._of: dict[int, AnomalyEpisode] = {}  # detector episode id -> ours

    def observe(self, sample: Sample) -> None:
        self.pending_times.append(sample.t / 1000)
        self.pending_rows.append(self.inputs.rows(sample))

    def flush(self) -> None:
        """Run the detectors over the samples gathered since the last flush."""
        if not self.pending_times:
            return
        times = np.array(self.pending_times)
        found: list[tuple[float, int, EpisodeEvent]] = []
        for i, detector in enumerate(self.detectors):
            matrix = np.array([rows[i] for rows in self.pending_rows])
            for event in detector.observe(times, matrix):
                at = event.episode.start if event.kind == "start" else event.episode.end
                found.append((float(at or times[-1]), i, event))
        self.pending_times, self.pending_rows = [], []
        for at, i, event in sorted(found, key=lambda f: (f[0], f[1], f[2].kind != "end")):
            self._publish(at, i, event)

    def _publish(self, at: float, i: int, event: EpisodeEvent) -> None:
        component = self.inputs.components[i]
        episode = event.episode
        t = int(round(at * 1000))
        if event.kind == "start":
            telling = [d for d in episode.deviations if abs(d.sigmas) >= NOTABLE_SIGMAS] or \
                list(episode.deviations[:1])
            ours = AnomalyEpisode(
                component.name, self.env, t, round(float(episode.score), 3),
                tuple(d.metric for d in telling), tuple(_detail(d) for d in telling),
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


def _detail(d: Any) -> str:
    before, now = shown(d.metric, d.expected), shown(d.metric, d.value)
    share = d.metric in ("error_rate", "cpu", "saturation", "disk", "hit_ratio")
    fmt = (lambda v: f"{v:.1%}") if share else (lambda v: f"{v:.3g}")
    return f"{d.metric} {fmt(before)} → {fmt(now)} ({d.sigmas:+.0f}σ)"
