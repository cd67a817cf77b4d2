"""Per-instance state held column-wise: one numpy array per attribute, rows sorted by node.

A tick touches every instance with a handful of vector operations, so the table must stay
contiguous and grouped by node (``starts``/``counts``). Adding or removing instances is rare
(scaling, deploys) and rebuilds the arrays; reading and updating them is the hot path.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np

__all__ = ["Instances", "Role", "State"]


class State(IntEnum):
    """Lifecycle of an instance (values are stored in an int8 column)."""

    STARTING = 0
    READY = 1
    CRASHED = 2  # waiting for its back-off before the restart
    STOPPED = 3  # fenced (e.g. a demoted primary) — holds no traffic until restarted
    PENDING = 4  # not scheduled: no machine of the cluster has room (engine.scheduling)


class Role(IntEnum):
    MEMBER = 0  # an interchangeable instance of a service, cache, queue or external
    PRIMARY = 1
    REPLICA = 2


# name -> (dtype, initial value) of every column
_COLUMNS: dict[str, tuple[type, float]] = {
    "node": (np.intp, 0),  # intp: gathers and bincounts with other index types pay a cast
    "ordinal": (np.int64, 0),
    "version": (np.intp, 0),
    "zone": (np.int16, 0),
    "machine": (np.int32, -1),  # the cluster machine it runs on (-1: none, engine.scheduling)
    "state": (np.int8, State.STARTING),
    "role": (np.int8, Role.MEMBER),
    "since": (np.int64, 0),  # ms of the last state change
    "ready_at": (np.int64, 0),
    "restart_at": (np.int64, 0),
    "restarts": (np.int32, 0),
    "backoff": (np.int64, 0),
    "capacity": (np.float64, 1.0),  # requests/s at 100% CPU
    "stress": (np.float64, 0.0),  # CPU taken by something else (0..1)
    "run_ms": (np.int64, 0),  # ms running since its last start (what a leak grows with)
    "leak_from": (np.int64, 0),  # run_ms when an injected leak began on it
    "backlog": (np.float64, 0.0),  # requests queued beyond the stationary queue
    "lag": (np.float64, 0.0),  # replication lag in seconds (replicas)
    "unapplied": (np.float64, 0.0),  # writes acknowledged by the primary, not applied here
    "probe_failures": (np.int32, 0),  # consecutive failed liveness probes
    # outputs of the last tick
    "lam": (np.float64, 0.0),
    "rho": (np.float64, 0.0),
    "cpu": (np.float64, 0.0),
    "mem": (np.float64, 0.0),
}


class Instances:
    """The instance table. Columns are attributes named as in ``_COLUMNS``."""

    node: np.ndarray
    ordinal: np.ndarray
    version: np.ndarray
    zone: np.ndarray
    machine: np.ndarray
    state: np.ndarray
    role: np.ndarray
    since: np.ndarray
    ready_at: np.ndarray
    restart_at: np.ndarray
    restarts: np.ndarray
    backoff: np.ndarray
    capacity: np.ndarray
    stress: np.ndarray
    run_ms: np.ndarray
    leak_from: np.ndarray
    backlog: np.ndarray
    lag: np.ndarray
    unapplied: np.ndarray
    probe_failures: np.ndarray
    lam: np.ndarray
    rho: np.ndarray
    cpu: np.ndarray
    mem: np.ndarray

    def __init__(self, node_count: int) -> None:
        self.node_count = node_count
        for name, (dtype, _) in _COLUMNS.items():
            setattr(self, name, np.zeros(0, dtype=dtype))
        self.next_ordinal = np.zeros(node_count, dtype=np.int64)
        self._regroup()

    def __len__(self) -> int:
        return len(self.node)

    def add(self, node: int, count: int, **values: float | int | np.ndarray) -> None:
        """Append ``count`` instances of ``node``."""
        self.add_rows(np.full(count, node, dtype=np.intp), **values)

    def add_rows(self, nodes: np.ndarray, **values: float | int | np.ndarray) -> None:
        """Append one instance per entry of ``nodes`` (any order), numbering each node's new
        instances after its existing ones; the table is regrouped once."""
        count = len(nodes)
        per_node = np.bincount(nodes, minlength=self.node_count)
        order = np.argsort(nodes, kind="stable")
        rank = np.empty(count, dtype=np.int64)
        rank[order] = np.arange(count) - (np.cumsum(per_node) - per_node)[nodes[order]]
        new = {"node": nodes, "ordinal": self.next_ordinal[nodes] + rank, **values}
        self.next_ordinal += per_node
        for name, (dtype, initial) in _COLUMNS.items():
            column = np.empty(count, dtype=dtype)
            column[:] = new.get(name, initial)
            setattr(self, name, np.concatenate([getattr(self, name), column]))
        self._regroup()

    def remove(self, rows: np.ndarray) -> None:
        """Drop the given row indices."""
        keep = np.ones(len(self), dtype=bool)
        keep[rows] = False
        for name in _COLUMNS:
            setattr(self, name, getattr(self, name)[keep])
        self._regroup()

    def rows_of(self, node: int) -> np.ndarray:
        """Row indices of one node's instances (they are contiguous)."""
        start = self.starts[node]
        return np.arange(start, start + self.counts[node])

    def find(self, node: int, ordinal: int) -> int | None:
        rows = self.rows_of(node)
        hit = rows[self.ordinal[rows] == ordinal]
        return int(hit[0]) if len(hit) else None

    def _regroup(self) -> None:
        order = np.lexsort((self.ordinal, self.node))
        if len(order) and np.any(order != np.arange(len(order))):
            for name in _COLUMNS:
                setattr(self, name, getattr(self, name)[order])
        self.counts = np.bincount(self.node, minlength=self.node_count)
        self.starts = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)
        self.structure_version = getattr(self, "structure_version", 0) + 1
