"""The watch loop: every completed 15-second sample, once and in order, to every watcher.

Watchers see the metric store's 15-second tier — each sample the exact mean (and merged latency
histogram) of its fifteen seconds — so what they conclude does not depend on how the clock was
stepped: a paced console, a headless run and a replay see the same samples at the same times
and publish the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..metrics import MetricStore

__all__ = ["Sample", "Watch"]


@dataclass(frozen=True, slots=True)
class Sample:
    """One 15-second sample: its end time (ms), the mean metric table (metric × node), the
    latency histogram counts (node × bucket), and how many ticks it covers."""

    t: int
    row: np.ndarray
    counts: np.ndarray
    ticks: int

    def total(self, column: int) -> np.ndarray:
        """A per-tick count (requests, failures) summed over the sample."""
        return self.row[column].astype(np.float64) * self.ticks


class Watch:
    """Hands each new 15-second sample to the watchers, in the order they were added."""

    def __init__(self, metrics: MetricStore) -> None:
        self.metrics = metrics
        self.watchers: list[Callable[[Sample], None]] = []
        self.seen = 0  # samples of the 15-second tier already handed over
        self.batched: list[Callable[[], None]] = []  # run once after the samples of a call

    def add(self, watcher: Callable[[Sample], None]) -> None:
        self.watchers.append(watcher)

    def catch_up(self) -> None:
        """Hand over every sample completed since the last call, then let the batch watchers
        (the anomaly detector) work through them at once."""
        if len(self.metrics.rings) < 2:
            return
        ring, ticks = self.metrics.rings[1], self.metrics.blocks[0]
        handed = self.seen < ring.written
        while self.seen < ring.written:
            slot = self.seen % ring.length
            assert ring.hist is not None
            sample = Sample(int(ring.times[slot]), ring.data[slot],
                            ring.hist[self.seen % ring.hist_length], ticks)
            self.seen += 1
            for watcher in self.watchers:
                watcher(sample)
        if handed:
            for flush in self.batched:
                flush()
