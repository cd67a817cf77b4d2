"""Database volumes: every successful write adds to the data on disk, and a disk-fill fault's
filler takes the rest of the volume while it runs (removed when it ends).

Worked out on committed batches (the ticks the metric store is about to keep), one cumulative
sum a batch, so the figure is the same however the ticks were grouped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..metrics import M

if TYPE_CHECKING:
    from ..world import World

__all__ = ["WRITE_MIB", "Disks"]

WRITE_MIB = 1 / 1024  # a write adds a kibibyte (row, index entries and log)


class Disks:
    """Used and total MiB of every database's volume; writes the ``disk`` metric (share used)."""

    def __init__(self, world: World) -> None:
        topo = world.topo
        self.nodes = np.flatnonzero(topo.is_db)
        specs = [topo.nodes[n].spec for n in self.nodes.tolist()]
        self.size = np.array([s.disk or 2 * s.data for s in specs], dtype=np.float64)
        self.data = np.array([s.data for s in specs], dtype=np.float64)
        self.served = np.zeros(len(self.nodes))  # requests served so far (whole numbers: exact)
        self.write_frac = topo.write_frac[self.nodes]

    @property
    def used(self) -> np.ndarray:
        """MiB in use on each volume."""
        return self.data + self.served * self.write_frac * WRITE_MIB

    def record(self, world: World, rows: np.ndarray) -> None:
        """Fill in the ``disk`` row of a committed batch (ticks × metrics × nodes)."""
        if not len(self.nodes):
            return
        served = np.maximum(rows[:, M.REQUESTS, self.nodes].astype(np.float64)
                            - rows[:, M.FAILED, self.nodes], 0.0)
        totals = self.served + np.cumsum(served, axis=0)  # sums of whole numbers: exact
        self.served = totals[-1]
        used = self.data + totals * self.write_frac * WRITE_MIB
        share = np.minimum(used / self.size, 1.0)
        share[:, world.effects.disk_full[self.nodes]] = 1.0
        rows[:, M.DISK, self.nodes] = share

    def share(self, node: int, world: World) -> float | None:
        """The share of a database's volume in use now (None for anything else)."""
        where = np.flatnonzero(self.nodes == node)
        if not len(where):
            return None
        i = int(where[0])
        return 1.0 if world.effects.disk_full[node] else min(self.used[i] / self.size[i], 1.0)
