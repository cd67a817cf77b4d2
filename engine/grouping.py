"""Per-node sums over the instance table (or per-caller sums over the edge list).

One call sums many columns at once: rows of a (k × items) array are multiplied by a one-hot
(items × nodes) membership matrix. For large tables that matrix would be too big, so beyond
``DENSE_LIMIT`` cells each row is summed with ``np.bincount`` instead.
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
        if len(labels) * groups <= DENSE_LIMIT:
            self.onehot = np.zeros((len(labels), groups))
            self.onehot[np.arange(len(labels)), labels] = 1.0

    def sum(self, values: np.ndarray) -> np.ndarray:
        """Sums per group of a 1-D column, or of each row of a (k × items) array."""
        if values.ndim == 1:
            return np.bincount(self.labels, values, self.groups)
        if self.onehot is not None:
            return values @ self.onehot
        return np.stack([np.bincount(self.labels, row, self.groups) for row in values])
