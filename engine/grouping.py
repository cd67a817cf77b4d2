"""Per-node sums over the instance table (or per-caller sums over the edge list).

One call sums many columns at once: rows of a (k × items) array are multiplied by a one-hot
(items × nodes) membership matrix. For large tables that matrix would be too big, so beyond
``DENSE_LIMIT`` cells, when the labels are sorted (the instance table is), contiguous runs are
summed with one ``np.add.reduceat``; otherwise each row gets its own ``np.bincount``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Grouper"]

DENSE_LIMIT = 400_000


class Grouper:
    """Sums per group for items labelled with a group index."""

    def __init__(self, labels: np.ndarray, groups: int) -> None:
        self.labels = labels
        self.groups = groups
        self.onehot: np.ndarray | None = None
        self.runs: np.ndarray | None = None
        if len(labels) * groups <= DENSE_LIMIT:
            self.onehot = np.zeros((len(labels), groups))
            self.onehot[np.arange(len(labels)), labels] = 1.0
        elif len(labels) and np.all(labels[1:] >= labels[:-1]):
            counts = np.bincount(labels, minlength=groups)
            self.present = np.flatnonzero(counts)
            self.runs = (np.cumsum(counts) - counts)[self.present]

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sums per group of a 1-D column, or of each row of a (k × items) array."""
        if values.ndim == 1:
            return np.bincount(self.labels, values, self.groups)
        if self.onehot is not None:
            return values @ self.onehot
        if self.runs is not None:
            out = np.zeros((values.shape[0], self.groups))
            out[:, self.present] = np.add.reduceat(values, self.runs, axis=1)
            return out
        return np.stack([np.bincount(self.labels, row, self.groups) for row in values])
