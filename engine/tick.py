"""One tick of the world, as a pipeline of physics steps named here and run in this order.

    flow      traffic enters; admission, calls and retries down the graph   (physics.flow)
    servers   each instance's queue: utilisation and backlog                 (physics.servers)
    compose   latency and failure distributions along calls (when due)      (physics.compose)
    outcomes  failures, latency histograms, retries owed, breakers           (physics.outcomes)
    resources CPU, memory, leaks, OOM kills, liveness probes                 (physics.resources)
    databases connections, replication, failover                             (physics.databases)
    messaging queue lag, cache warmth                                        (physics.messaging)
    observe   the tick's metric row                                          (physics.observe)

Each step is a function ``step(world, tick, t)`` of the world's tables. ``Tick`` keeps what the
steps share and the world does not own: the random streams (one per step that draws, so a
change in one step never shifts another's draws), the traffic model, and constants derived from
the topology.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .grouping import Grouper
from .instances import Role
from .physics import compose, databases, flow, messaging, observe, outcomes, resources, servers
from .physics.histogram import quantile
from .physics.traffic import TrafficModel
from .topology import Kind
from .world import World

__all__ = ["STEPS", "Tick"]

Step = Callable[[World, "Tick", int], None]
STEPS: tuple[tuple[str, Step], ...] = (
    ("flow", flow.step),
    ("servers", servers.step),
    ("compose", compose.step),
    ("outcomes", outcomes.step),
    ("resources", resources.step),
    ("databases", databases.step),
    ("messaging", messaging.step),
    ("observe", observe.step),
)


class Tick:
    """Runs the steps over one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        topo, spec = world.topo, world.spec
        traffic_seed, flow_seed, outcome_seed = np.random.SeedSequence(world.seed).spawn(3)
        self.traffic = TrafficModel(spec.traffic, spec.start, spec.tick, topo.entry_share,
                                    np.random.default_rng(traffic_seed))
        self.rng_flow = np.random.default_rng(flow_seed)
        self.rng_outcomes = np.random.default_rng(outcome_seed)
        self.entry_nodes = np.flatnonzero(topo.entry_share > 0)
        self.levels = []
        for level in range(int(topo.level.max()) + 1 if topo.size else 0):
            nodes = np.flatnonzero(topo.level == level)
            edges = np.flatnonzero(np.isin(topo.edge_src, nodes))
            self.levels.append((nodes, edges))
        src = topo.edge_src
        first = np.searchsorted(src, src) if len(src) else np.zeros(0, dtype=np.intp)
        self.edge_slot = np.arange(len(src)) - first
        self.call_edges = np.flatnonzero(topo.edge_cache < 0)
        self.miss_edges = np.flatnonzero(topo.edge_cache >= 0)
        self.breaker_edges = [e for e, b in enumerate(topo.edge_breaker) if b is not None]
        self.consumer_queues = np.array([q for q, _ in topo.consumers], dtype=np.intp)
        self.consumer_nodes = np.array([c for _, c in topo.consumers], dtype=np.intp)
        self.partitions = np.array([topo.nodes[q].spec.partitions for q, _ in topo.consumers],
                                   dtype=np.float64)
        self.cache_nodes = np.flatnonzero(topo.is_cache)
        self.db_nodes = np.flatnonzero(topo.is_db)
        self.db_edges = np.flatnonzero(topo.is_db[topo.edge_dst]) if len(src) else src
        nodes = topo.nodes
        self.apply_rate = np.array([n.spec.replication.apply_rate if n.kind == Kind.DATABASE
                                    else 1.0 for n in nodes])
        self.base_lag = np.array([n.spec.replication.base_lag / 1000
                                  if n.kind == Kind.DATABASE else 0.0 for n in nodes])
        self.sync = np.array([n.kind == Kind.DATABASE and n.spec.replication.mode == "sync"
                              for n in nodes])
        self.liveness_nodes = [(n.index, n.spec.liveness) for n in nodes
                               if getattr(n.spec, "liveness", None) is not None]
        self.liveness_period = min((s.period for _, s in self.liveness_nodes), default=1)
        self.any_leak = bool(world.versions.memory_leak.any())
        self.composed_change = -1
        self.connections_change = -1
        self._grouped: tuple[int, Grouper, np.ndarray] | None = None
        self.warm_constant = np.ones(topo.size)
        self.baseline_p99 = np.zeros(topo.size)  # p99 (s) of the settled estate: "normally"

    @property
    def any_stress(self) -> bool:
        return bool(self.world.inst.stress.any())

    def group_sums(self, values: np.ndarray) -> np.ndarray:
        """Per-node sums of each row of a (k × instances) array."""
        world = self.world
        if self._grouped is None or self._grouped[0] != world.inst.structure_version:
            self._grouped = (world.inst.structure_version,
                             Grouper(world.inst.node, world.topo.size), np.zeros(0))
            self.any_leak = bool(world.versions.memory_leak[world.inst.version].any())
        return self._grouped[1].sum(values)

    def replica_rows(self, world: World) -> np.ndarray:
        return np.flatnonzero(world.inst.role == Role.REPLICA)

    def sync_standby(self, world: World, rows: np.ndarray) -> np.ndarray:
        """Per replica row: is it its cluster's synchronous standby (its first replica)?"""
        node = world.inst.node[rows]
        first = np.r_[True, node[1:] != node[:-1]] if len(rows) else np.zeros(0, dtype=bool)
        return self.sync[node] & first

    def __call__(self, t: int) -> None:
        world = self.world
        world.now = t
        for _, step in STEPS:
            step(world, self, t)

    def settle(self) -> None:
        """Before the first tick: warm the caches' recovery constants from normal traffic and
        start every distribution from a composed state."""
        world, topo = self.world, self.world.topo
        self(0)
        lookups = world.flow.arrivals / world.dt
        for e in self.miss_edges.tolist():
            cache = int(topo.edge_src[e])
            misses = max(lookups[cache] * (1 - topo.hit_target[cache]), 1e-3)
            self.warm_constant[cache] = max(misses * topo.cache_warmup[cache] / 3.0, 1.0)
        assert world.dist is not None
        self.baseline_p99 = quantile(world.dist.node_pmf, 0.99)
