"""Service level objectives and their error budgets, from what was served.

Each service has two objectives (its ``slo:`` in the scenario): availability — the share of
requests that succeed — and latency — the share faster than a threshold. A failed request counts
against the first, one slower than the threshold against the second. The error budget is what
an objective allows to go wrong over its compliance window (30 days unless the scenario says
otherwise): with 99.9 % it is 0.1 % of the window's requests. The window begins when the run
begins (after what the scenario says was already spent), and the requests it will hold are
extrapolated from the rate served so far, so ten minutes of total outage spend 10 / 43.2 = 23 %
of a 99.9 % monthly budget, as they would in production.

The burn rate over a window is the bad share of that window's requests divided by the share the
objective allows (the SRE workbook's definition): at 1 the budget lasts exactly the compliance
period; at 14.4, 2 % of a 30-day budget goes in an hour.

The book keeps cumulative counts per service once a minute for three days (the longest window
the workbook's burn-rate alerts use), so any window's counts are the difference of two rows.
"""

from __future__ import annotations

import numpy as np

from ..histogram import B, EDGES, LOWER
from ..metrics import M
from ..topology import Kind, Topology
from .loop import Sample

__all__ = ["AVAILABILITY", "LATENCY", "OBJECTIVES", "SloBook", "slow_share"]

AVAILABILITY, LATENCY = 0, 1
OBJECTIVES = ("availability", "latency")
ROW_MS = 60_000
KEEP_MS = 3 * 86_400_000


def slow_share(threshold_s: float) -> np.ndarray:
    """Per latency bucket, the share of its requests slower than the threshold (requests are
    taken as spread evenly across a bucket, as Prometheus' histogram_quantile assumes)."""
    width = EDGES - LOWER
    return np.clip((EDGES - threshold_s) / width, 0.0, 1.0)


class SloBook:
    """Cumulative good and bad requests per service, and the budgets and burn rates they give."""

    def __init__(self, topo: Topology) -> None:
        self.nodes = np.array([n.index for n in topo.nodes if n.kind == Kind.SERVICE],
                              dtype=np.int64)
        specs = [topo.nodes[i].spec.slo for i in self.nodes]
        self.specs = dict(zip(self.nodes.tolist(), specs, strict=True))
        self.position = {int(node): i for i, node in enumerate(self.nodes)}
        self.allowed = np.array([[1 - s.availability, 1 - s.latency_target] for s in specs]
                                ).reshape(-1, 2)
        self.window = np.array([float(s.window) for s in specs])
        self.spent_before = np.array([s.spent for s in specs])
        self.slow = np.array([slow_share(s.latency / 1000) for s in specs]).reshape(-1, B)
        n = len(self.nodes)
        self.total = np.zeros((n, 2))  # requests, and requests with a latency
        self.bad = np.zeros((n, 2))  # failed, and slower than the threshold
        self.t = 0
        rows = KEEP_MS // ROW_MS + 1
        self._times = np.full(rows, -1, dtype=np.int64)
        self._total = np.zeros((rows, n, 2))
        self._bad = np.zeros((rows, n, 2))
        self._written = 0
        self._burns: dict[int, np.ndarray] = {}
        self._record(0)

    def observe(self, sample: Sample) -> None:
        if not len(self.nodes):
            return
        counts = sample.counts[self.nodes].astype(np.float64)
        self.total[:, AVAILABILITY] += sample.total(M.REQUESTS)[self.nodes]
        self.bad[:, AVAILABILITY] += sample.total(M.FAILED)[self.nodes]
        self.total[:, LATENCY] += counts.sum(axis=1)
        self.bad[:, LATENCY] += (counts * self.slow).sum(axis=1)
        self.t = sample.t
        self._burns.clear()
        while self._written <= sample.t // ROW_MS:  # row k: the totals as minute k began
            self._record(sample.t)

    def _record(self, t: int) -> None:
        slot = self._written % len(self._times)
        self._times[slot], self._total[slot], self._bad[slot] = t, self.total, self.bad
        self._written += 1

    def _since(self, window_ms: int) -> tuple[np.ndarray, np.ndarray]:
        """Totals and bad counts over the last ``window_ms`` (from the newest minute row at or
        before its start; the oldest kept when the window reaches past it)."""
        kept = min(self._written, len(self._times))
        newest = self._written - 1
        row = min(max((self.t - window_ms) // ROW_MS, newest - kept + 1), newest)
        slot = row % len(self._times)
        return self.total - self._total[slot], self.bad - self._bad[slot]

    def error_ratio(self, window_ms: int) -> np.ndarray:
        """The bad share of requests over the window (service × objective). A window reaching
        back before the run counts that part as served well at the rate seen since: the estate
        ran before the run began, and one bad minute at the start is not a bad hour."""
        total, bad = self._since(window_ms)
        if 0 < self.t < window_ms:
            total = total * (window_ms / self.t)
        return np.where(total > 0, bad / np.maximum(total, 1e-12), 0.0)

    def burn_rate(self, window_ms: int) -> np.ndarray:
        """How fast the budget burns over the window (service × objective); 1 = on schedule."""
        cached = self._burns.get(window_ms)
        if cached is None:
            cached = self._burns[window_ms] = self.error_ratio(window_ms) / self.allowed
        return cached

    def spent(self) -> np.ndarray:
        """Share of each budget spent so far (service × objective); above 1 it is overspent."""
        ratio = np.where(self.total > 0, self.bad / np.maximum(self.total, 1e-12), 0.0)
        return self.spent_before[:, None] + ratio * (self.t / self.window[:, None]) / self.allowed

    def left(self) -> np.ndarray:
        """Share of each budget left (service × objective), never below 0."""
        return np.clip(1.0 - self.spent(), 0.0, 1.0)

    def at_risk(self, node: int, share: float, duration_ms: float) -> float | None:
        """The availability budget a change would spend if ``share`` of the service's requests
        failed for ``duration_ms`` — what is at stake — or None for a node without an SLO."""
        i = self.position.get(node)
        if i is None:
            return None
        return share * duration_ms / (self.window[i] * self.allowed[i, AVAILABILITY])

    def row(self, node: int) -> int | None:
        """The book's row for a node (None when it has no SLO)."""
        return self.position.get(node)
