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
        self.used = np.array([s.data for s in specs], dtype=np.float64)
        self.write_frac = topo.write_frac[self.nodes]

    def record(self, world: World, rows: np.ndarray) -> None:
        """Fill in the ``disk`` row of a committed batch (ticks × metrics × nodes)."""
        if not len(self.nodes):
            return
        served = rows[:, M.REQUESTS, self.nodes] - rows[:, M.FAILED, self.nodes]
        used = self.used + np.cumsum(np.maximum(served, 0.0) * self.write_frac, axis=0) \
            * WRITE_MIB
        self.used = used[-1]
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
