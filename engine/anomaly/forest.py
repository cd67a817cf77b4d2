"""The IsolationForest half of the detector: how isolated is this window of features?

A forest (scikit-learn's ``IsolationForest``, fixed ``random_state``) is trained on a snapshot
of history: one metric's feature rows before a refit boundary (once a day), evenly strided to
at most ``forest_rows`` rows and standardised by their own median and robust σ. Its answer for
a new row is a *rarity*: the fraction of the training rows that the forest isolates less easily than
this one, so 0.5 is ordinary and 1.0 is stranger than anything it was trained on. The baseline
notices that a feature left its known range; the forest confirms that the metric's whole
picture (the value with its means, spread, volatility and seasonal residual) is unlike its
history, which filters the records broken by a wobble inside an otherwise familiar pattern.

Cost: a fit is about 2 ms a tree and a ``score_samples`` call about 8 ms whatever its size, so
snapshots are cheap copies and a forest is only grown when a row first needs it, and rows are
always scored in batches (one call per model per batch), never one at a time. scikit-learn is
imported inside ``fit``: importing this module costs nothing.
"""

from __future__ import annotations

import numpy as np

from engine.anomaly.baseline import robust_scale

__all__ = ["ForestScorer", "TrainingSnapshot"]


class TrainingSnapshot:
    """History rows ``(rows, columns, features)`` frozen at a refit boundary. Each metric
    gets its own forest, grown from its own columns on first use: a metric's anomaly is judged
    against that metric's history, not diluted among the other metrics' dimensions."""

    def __init__(self, rows: np.ndarray, *, trees: int, samples: int, seed: int,
                 seasonal: np.ndarray | None = None, pools: np.ndarray | None = None) -> None:
        self.rows = rows
        # Columns in one pool (the same metric of many components) share a forest, each
        # column's features put on its own robust scale first: fewer forests to grow.
        self.pools = pools
        self.scales: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self.seasonal = seasonal  # the columns whose seasonal residual the forests see
        self.trees, self.samples, self.seed = trees, samples, seed
        self.scorers: dict[int, ForestScorer] = {}

    def rarity(self, column: int, rows: np.ndarray) -> np.ndarray:
        """Rarity of ``rows`` (``(n, features)``, one metric's features) for metric
        ``column``: one batched call."""
        if self.pools is not None:
            return self._pooled(column, rows)
        if column not in self.scorers:
            mine = self.rows[:, column]
            kept = mine[~np.isnan(mine[:, 0])]  # rows left out of the history are NaN
            self.scorers[column] = ForestScorer.fit(np.nan_to_num(kept if len(kept) else mine),
                                                    trees=self.trees, samples=self.samples,
                                                    seed=self.seed)
        return self.scorers[column].rarity(np.nan_to_num(rows))


    def _pooled(self, column: int, rows: np.ndarray) -> np.ndarray:
        assert self.pools is not None
        pool = int(self.pools[column])
        if -1 - pool not in self.scorers:  # (pools are keyed apart from columns)
            members = np.flatnonzero(self.pools == pool)
            parts = []
            for member in members.tolist():
                mine = self.rows[:, member]
                kept = mine[~np.isnan(mine[:, 0])]
                median, sigma = robust_scale(np.nan_to_num(kept if len(kept) else mine))
                self.scales[member] = (median, sigma)
                parts.append((np.nan_to_num(kept) - median) / sigma)
            pooled = np.concatenate(parts)
            pooled = pooled[np.linspace(0, len(pooled) - 1, min(len(pooled), len(self.rows)))
                            .astype(np.int64)] if len(pooled) else pooled
            self.scorers[-1 - pool] = ForestScorer.fit(np.clip(pooled, -1e6, 1e6),
                                                       trees=self.trees, samples=self.samples,
                                                       seed=self.seed)
        median, sigma = self.scales[column]
        standard = np.clip((np.nan_to_num(rows) - median) / sigma, -1e6, 1e6)
        return self.scorers[-1 - pool].rarity(standard)


class ForestScorer:
    """A fitted forest with its standardisation and the sorted scores of its training rows."""

    def __init__(self, model: object, median: np.ndarray, sigma: np.ndarray,
                 training_scores: np.ndarray) -> None:
        self.model = model
        self.median, self.sigma = median, sigma
        self.training_scores = training_scores

    @classmethod
    def fit(cls, rows: np.ndarray, *, trees: int = 50, samples: int = 256,
            seed: int = 0) -> ForestScorer:
        from sklearn.ensemble import IsolationForest

        median, sigma = robust_scale(rows)
        standard = np.clip((rows - median) / sigma, -1e6, 1e6)
        model = IsolationForest(n_estimators=trees, max_samples=min(samples, len(rows)),
                                random_state=seed)
        model.fit(standard)
        scores = np.sort(-model.score_samples(standard))
        return cls(model, median, sigma, scores)

    def isolation(self, rows: np.ndarray) -> np.ndarray:
        """The forest's anomaly score (higher is more isolated), one batched call."""
        standard = np.clip((np.nan_to_num(rows) - self.median) / self.sigma, -1e6, 1e6)
        return -self.model.score_samples(standard)  # type: ignore[attr-defined]

    def rarity(self, rows: np.ndarray) -> np.ndarray:
        """Fraction of training rows less isolated than each row, in [0, 1]."""
        if len(rows) == 0:
            return np.zeros(0)
        isolation = self.isolation(rows)
        return np.searchsorted(self.training_scores, isolation, side="left") / len(
            self.training_scores)
