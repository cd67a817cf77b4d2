"""Episodes: one report per anomaly, not one per anomalous row.

Hysteresis over the per-row score. An episode *starts* at a row whose score reaches ``on`` and
that the forest confirms; it stays open while rows keep scoring at least ``off``, and *ends*
once ``quiet`` rows in a row have scored below ``off`` (its end is the last loud row). A level
shift that keeps breaking records for an hour is one episode; so is a burst of spikes. The
tracker is a small state machine carried across batches, so the episodes never depend on how
the stream was cut.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Deviation", "Episode", "EpisodeEvent", "EpisodeTracker"]


@dataclass(frozen=True, slots=True)
class Deviation:
    """One metric's distance from its expectation at the start of an episode."""

    metric: str
    sigmas: float  # (value - expected) / robust σ, signed
    value: float
    expected: float

    def describe(self) -> str:
        return f"{self.metric} {self.sigmas:+.1f} robust σ"


@dataclass(slots=True)
class Episode:
    """An anomalous episode: when it started and ended, how strong, and what deviated."""

    start: float  # timestamp (unix seconds) of the first row
    start_row: int
    score: float  # the score at the start, in [0, 1]
    deviations: tuple[Deviation, ...] = ()  # most deviating metrics first
    peak: float = 0.0  # the highest score while open
    end: float | None = None  # timestamp of the last loud row, once closed
    end_row: int | None = None
    group: int = 0  # which group of columns (a component of the estate) it belongs to
    last_loud: int = field(default=0, repr=False)
    last_loud_time: float = field(default=0.0, repr=False)

    @property
    def open(self) -> bool:
        return self.end is None


@dataclass(frozen=True, slots=True)
class EpisodeEvent:
    """``kind`` is ``"start"`` or ``"end"``; the episode is shared between its two events."""

    kind: str
    episode: Episode


class EpisodeTracker:
    """The start/end state machine; ``step`` consumes one batch of scores."""

    def __init__(self, on: float, off: float, quiet: int, group: int = 0) -> None:
        self.on, self.off, self.quiet, self.group = on, off, quiet, group
        self.current: Episode | None = None

    def step(self, first_row: int, times: np.ndarray, scores: np.ndarray,
             confirm: Callable[[int], bool],
             explain: Callable[[int], tuple[Deviation, ...]]) -> list[EpisodeEvent]:
        """Advance over a batch (``first_row`` is the global index of its first row).

        ``confirm(local_row)`` says whether the forest accepts a candidate start (asked only
        while no episode is open); ``explain(local_row)`` gives the deviations.
        """
        candidates = np.flatnonzero(scores >= self.on)
        loud = np.flatnonzero(scores >= self.off)
        events: list[EpisodeEvent] = []
        position = 0  # rows before this (local) index are dealt with
        while True:
            episode = self.current
            if episode is None:
                waiting = candidates[candidates >= position]
                accepted = next((int(i) for i in waiting if confirm(int(i))), None)
                if accepted is None:
                    break
                i = accepted
                episode = Episode(float(times[i]), first_row + i, float(scores[i]),
                                  explain(i), float(scores[i]), group=self.group)
                episode.last_loud, episode.last_loud_time = first_row + i, float(times[i])
                self.current = episode
                events.append(EpisodeEvent("start", episode))
                position = i + 1
                continue
            # Open episode: walk its loud rows until a gap of `quiet` rows closes it.
            later = loud[loud >= position]
            gaps = np.diff(np.concatenate([[episode.last_loud - first_row], later]))
            closing = np.flatnonzero(gaps > self.quiet)
            upto = later if not len(closing) else later[: int(closing[0])]
            if len(upto):
                episode.peak = max(episode.peak, float(scores[upto].max()))
                episode.last_loud, episode.last_loud_time = first_row + int(upto[-1]), \
                    float(times[upto[-1]])
            deadline = episode.last_loud - first_row + self.quiet  # local index of closing row
            if deadline >= len(scores):
                break  # still open at the end of the batch
            episode.end, episode.end_row = episode.last_loud_time, episode.last_loud
            self.current = None
            events.append(EpisodeEvent("end", episode))
            position = deadline + 1
        return events

    def finish(self) -> list[EpisodeEvent]:
        """Close an episode still open at the end of the stream."""
        if self.current is None:
            return []
        episode, self.current = self.current, None
        episode.end, episode.end_row = episode.last_loud_time, episode.last_loud
        return [EpisodeEvent("end", episode)]
