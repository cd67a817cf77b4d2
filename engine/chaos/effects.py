"""What the running faults do, as the physics reads it: per node and per call edge.

Rebuilt from the running experiments whenever one starts or ends (``ChaosController``), so
several faults on one target add up and stopping one leaves the others. The composition of
latency and failures (``physics.compose``) reads the node and edge columns, the traffic
model the entry multiplier, the databases the replicas' apply rate, the queues the stalls,
and the lifecycle whether an instance may start at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Effects", "RETRANSMIT_S"]

RETRANSMIT_S = 0.2  # a lost packet costs a TCP retransmission timeout


@dataclass
class Effects:
    nodes: int
    edges: int
    node_latency: np.ndarray = field(init=False)  # s added to each request's own time
    node_error: np.ndarray = field(init=False)  # share of requests the node fails itself
    edge_latency: np.ndarray = field(init=False)  # s added to each attempt on the edge
    edge_fail: np.ndarray = field(init=False)  # share of attempts that fail at once
    edge_delay: np.ndarray = field(init=False)  # share of attempts delayed by a retransmit
    edge_cut: np.ndarray = field(init=False)  # every attempt on the edge times out
    traffic: np.ndarray = field(init=False)  # multiplier on the traffic entering each node
    apply_factor: np.ndarray = field(init=False)  # replicas' apply rate multiplier
    stalled: np.ndarray = field(init=False)  # queues whose consumers pull nothing
    leak: np.ndarray = field(init=False)  # MiB a minute leaked by each instance of a node
    no_start: dict[int, str] = field(default_factory=dict)  # node -> why it cannot start
    zones_down: dict[int, str] = field(default_factory=dict)  # zone index -> why
    version: int = 0  # bumped on every rebuild, so the composition knows to redo its work

    def __post_init__(self) -> None:
        n, e = self.nodes, self.edges
        self.node_latency, self.node_error = np.zeros(n), np.zeros(n)
        self.edge_latency, self.edge_fail = np.zeros(e), np.zeros(e)
        self.edge_delay, self.edge_cut = np.zeros(e), np.zeros(e, dtype=bool)
        self.traffic, self.apply_factor = np.ones(n), np.ones(n)
        self.stalled = np.zeros(n, dtype=bool)
        self.leak = np.zeros(n)
        self.disk_full = np.zeros(n, dtype=bool)

    def clear(self) -> None:
        """No fault at all (in place: the physics keeps references to these arrays)."""
        for column in (self.node_latency, self.node_error, self.edge_latency, self.edge_fail,
                       self.edge_delay, self.leak):
            column[:] = 0.0
        self.edge_cut[:] = False
        self.stalled[:] = False
        self.disk_full[:] = False
        self.traffic[:] = 1.0
        self.apply_factor[:] = 1.0
        self.no_start.clear()
        self.zones_down.clear()

    @property
    def on_edges(self) -> bool:
        return bool(self.edge_cut.any() or self.edge_fail.any() or self.edge_delay.any()
                    or self.edge_latency.any())

    def start_blocked(self, node: int, zone: int) -> str | None:
        """Why an instance of ``node`` in ``zone`` cannot start now (None: it can)."""
        return self.zones_down.get(zone) or self.no_start.get(node)

    @staticmethod
    def combine(share: np.ndarray, more: float | np.ndarray) -> np.ndarray:
        """Two independent shares of failure as one: 1 − (1 − a)(1 − b)."""
        return 1.0 - (1.0 - share) * (1.0 - np.asarray(more))
