"""Ticks of the world, as a pipeline of physics steps named here and run in this order.

    flow      traffic enters; admission, calls and retries down the graph   (physics.flow)
    servers   each node's smoothed load; each instance's backlog            (physics.servers)
    outcomes  failures and latency histograms, per pool                     (physics.outcomes)
    breakers  circuit breakers' windows and state                           (physics.breakers)
    resources CPU, memory, leaks, OOM kills, liveness probes                 (physics.resources)
    databases replication; failover                                          (physics.databases)
    messaging queue lag, cache warmth                                        (physics.messaging)
    observe   the ticks' metric rows                                         (physics.observe)

Before them, at the start of a run of ticks, the latency distributions are composed when due
(``physics.compose``) and the databases' connections are counted when the instance table
changed. Each step is a function ``step(world, tick, batch)`` that computes K ticks at once
(``engine.batch``) without changing the world, and leaves what it changes as commits; a step
that finds the state between two ticks was not what the batch assumed limits it, and the
pipeline computes the shorter batch again from the same random numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .batch import Batch, Streams
from .instances import Role
from .metrics import M
from .physics import (breakers, compose, databases, flow, messaging, observe, outcomes,
                      resources, servers)
from .histogram import quantile
from .physics.traffic import TrafficModel
from .topology import Kind
from .world import World

__all__ = ["MAX_BATCH", "STEPS", "Coefficients", "Tick"]

Step = Callable[[World, "Tick", Batch], None]
STEPS: tuple[tuple[str, Step], ...] = (
    ("flow", flow.step),
    ("servers", servers.step),
    ("outcomes", outcomes.step),
    ("breakers", breakers.step),
    ("resources", resources.step),
    ("databases", databases.step),
    ("messaging", messaging.step),
    ("observe", observe.step),
)
MAX_BATCH = 120  # ticks computed at once at most
CELLS = 4_000_000  # and at most this many (tick × instance) cells


@dataclass(frozen=True, slots=True)
class Coefficients:
    """Per node sums over instances (``physics.resources``)."""

    cpu_a: np.ndarray
    cpu_b: np.ndarray
    sat_b: np.ndarray
    mem_a: np.ndarray
    mem_b: np.ndarray
    per_mu: np.ndarray  # max share/μ: λ·per_mu > 1 means some instance is saturated


def _max_by(node: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    out = np.full(size, -np.inf)
    np.maximum.at(out, node, values)
    return out


class Tick:
    """Runs the steps over one world."""

    def __init__(self, world: World) -> None:
        self.world = world
        topo, spec = world.topo, world.spec
        self.streams = Streams(world.seed)
        self.traffic = TrafficModel(spec.traffic, spec.start, spec.tick, topo.entry_share,
                                    self.streams("traffic"))
        self.traffic.boost = world.effects.traffic
        self.entry_nodes = np.flatnonzero(topo.entry_share > 0)
        src = topo.edge_src
        first = np.searchsorted(src, src) if len(src) else np.zeros(0, dtype=np.intp)
        self.edge_slot = np.arange(len(src)) - first  # each edge's rank among its caller's
        self.consumer_queues = np.array([q for q, _ in topo.consumers], dtype=np.intp)
        self.consumer_nodes = np.array([c for _, c in topo.consumers], dtype=np.intp)
        self.levels, self.consumers_at = [], []
        for level in range(int(topo.level.max()) + 1 if topo.size else 0):
            nodes = np.flatnonzero(topo.level == level)
            self.levels.append((nodes, np.flatnonzero(np.isin(src, nodes))))
            groups = np.flatnonzero(topo.level[self.consumer_nodes] == level)
            self.consumers_at.append(groups if len(groups) else None)
        self.call_edges = np.flatnonzero(topo.edge_cache < 0)
        self.miss_edges = np.flatnonzero(topo.edge_cache >= 0)
        self.breaker_edges = [e for e, b in enumerate(topo.edge_breaker) if b is not None]
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
        self.composed_change = -1
        self.smooth_ticks = (max(1, round(servers.SMOOTH_S / world.dt)),
                             max(1, round(servers.SETTLED_S / world.dt)))
        world.flow.admitted_recent = np.zeros((self.smooth_ticks[1], topo.size))
        self._derived: dict[str, tuple[int, object]] = {}
        self.warm_constant = np.ones(topo.size)
        self.baseline_p99 = np.zeros(topo.size)  # p99 (s) of the settled estate: "normally"
        self.checks: list[Callable[[Batch], None]] = []  # controllers' checks of a batch
        self.cells: tuple[object, tuple[np.ndarray, ...]] | None = None  # physics.outcomes

    # -- what the steps share, derived from the instance table -------------------------------
    def _cached(self, name: str, build: Callable[[], object]) -> object:
        key = self.world.changed
        hit = self._derived.get(name)
        if hit is None or hit[0] != key:
            hit = self._derived[name] = (key, build())
        return hit[1]

    @property
    def any_leak(self) -> bool:
        world = self.world
        return bool(self._cached("leak", lambda: bool(
            world.versions.memory_leak[world.inst.version].any() or world.effects.leak.any())))

    @property
    def any_stress(self) -> bool:
        return bool(self.world.inst.stress.any())

    def node_sums(self, values: np.ndarray) -> np.ndarray:
        """Per-node sums over instances of (… × instances) arrays, in row order whatever the
        leading shape (the instance table is sorted by node)."""
        inst, size = self.world.inst, self.world.topo.size
        present = np.flatnonzero(inst.counts)
        lead = values.shape[:-1]
        out = np.zeros((*lead, size))
        if len(present):
            flat = values.reshape(-1, values.shape[-1])
            out.reshape(-1, size)[:, present] = np.add.reduceat(flat, inst.starts[present], axis=1)
        return out

    def resource_coefficients(self) -> Coefficients:
        """Per node, the sums over its instances that make CPU, memory and saturation linear
        in the node's rate while no instance is saturated."""
        def build() -> Coefficients:
            world, routing = self.world, self.world.routing()
            inst, topo, size = world.inst, world.topo, world.topo.size
            node, ready, share = inst.node, routing.ready, routing.share
            running = ready + (inst.state == 0)
            per_mu = share / np.maximum(routing.mu, 1e-12)
            idle = topo.cpu_idle
            ready_sum = np.bincount(node, ready, size)
            per_ready = np.bincount(node, ready * per_mu, size)
            return Coefficients(
                cpu_a=idle * ready_sum, cpu_b=(1.0 - idle) * per_ready, sat_b=per_ready,
                mem_a=topo.mem_base * np.bincount(node, running, size),
                mem_b=topo.mem_per_rps * np.bincount(node, running * share, size),
                per_mu=np.where(np.isfinite(_max_by(node, per_mu * ready, size)),
                                _max_by(node, per_mu * ready, size), 0.0))
        return self._cached("resources", build)  # type: ignore[return-value]

    def overload_threshold(self) -> np.ndarray:
        """Per node: the smoothed admitted rate past which some instance's queue grows."""
        def build() -> np.ndarray:
            world, routing = self.world, self.world.routing()
            per = np.where(routing.share > 0, routing.mu / np.maximum(routing.share, 1e-12),
                           np.inf)
            out = np.full(world.topo.size, np.inf)
            np.minimum.at(out, world.inst.node, per)
            return out
        return self._cached("overload", build)  # type: ignore[return-value]

    def pool_ranks(self) -> tuple[list[np.ndarray], np.ndarray]:
        """Pools grouped by their rank within their node (so each group has one pool per node),
        and each pool's share of what its node has left when its turn comes."""
        def build() -> tuple[list[np.ndarray], np.ndarray]:
            routing = self.world.routing()
            node, share = routing.pool_node, routing.pool_share
            first = np.searchsorted(node, node)
            rank = np.arange(len(node)) - first
            ranks = [np.flatnonzero(rank == r) for r in range(int(rank.max()) + 1 if len(rank)
                                                                else 0)]
            total = np.bincount(node, share, self.world.topo.size)[node]
            before = np.cumsum(share) - share - (np.cumsum(share) - share)[first]
            left = total - before
            cond = np.where(left > 1e-12, np.clip(share / np.maximum(left, 1e-300), 0, 1), 1.0)
            last = np.r_[node[1:] != node[:-1], True] if len(node) else np.zeros(0, bool)
            return ranks, np.where(last, 1.0, cond)
        return self._cached("ranks", build)  # type: ignore[return-value]

    def consumer_capacity(self, world: World) -> np.ndarray:
        """Per consumer group: the most its ready consumers can pull a tick."""
        def build() -> np.ndarray:
            routing, topo = world.routing(), world.topo
            consumer = self.consumer_nodes
            rows_ready = routing.ready_count[consumer]
            capacity = np.bincount(world.inst.node, routing.mu * routing.ready, topo.size)
            per = capacity[consumer] / np.maximum(rows_ready, 1.0)
            return np.floor(0.9 * per * np.minimum(rows_ready, self.partitions) * world.dt)
        return self._cached("consumers", build)  # type: ignore[return-value]

    def replica_rows(self, world: World) -> np.ndarray:
        return np.flatnonzero(world.inst.role == Role.REPLICA)

    def sync_standby(self, world: World, rows: np.ndarray) -> np.ndarray:
        """Per replica row: is it its cluster's synchronous standby (its first replica)?"""
        node = world.inst.node[rows]
        first = np.r_[True, node[1:] != node[:-1]] if len(rows) else np.zeros(0, dtype=bool)
        return self.sync[node] & first

    # -- running ticks ----------------------------------------------------------------------
    def quiet(self) -> bool:
        """Can the next ticks be computed together? Not while a queue, a backlog, a refusal,
        a half-open breaker, a warming cache or a failover carries from tick to tick."""
        world = self.world
        flow, inst = world.flow, world.inst
        if inst.backlog.any() or flow.refused_share.any() or flow.breaker_probes.any():
            return False
        if world.failovers.pending:
            return False
        if self.cache_nodes.size:
            warm = flow.warm[self.cache_nodes]
            routable = world.routing().routable[self.cache_nodes] > 0
            if np.any(np.where(routable, warm < 1.0, warm > 0.0)):
                return False
        if self.db_nodes.size:
            primary = np.bincount(inst.node, (inst.role == Role.PRIMARY) & (inst.state == 1),
                                  world.topo.size)
            if np.any(primary[self.db_nodes] == 0):
                return False
        return True

    def plan(self, t0: int, most: int) -> int:
        """How many ticks from ``t0`` to compute together (at most ``most``)."""
        if most <= 1 or not self.quiet():
            return 1
        world = self.world
        k = min(most, MAX_BATCH, max(1, CELLS // max(len(world.inst), 1)))
        dt = world.dt_ms
        opens = world.flow.breaker_open_until
        later = opens[opens > t0]
        if len(later):  # a breaker half-opens
            k = min(k, max(1, int((later.min() - t0) // dt)))
        stage = world.next_warmup_stage(t0)
        if stage is not None:
            k = min(k, max(1, int((stage - t0) // dt)))
        return k

    def run(self, t0: int, k: int) -> Batch:
        """Compute up to ``k`` ticks from ``t0``; commit as many as are exact and return them."""
        world = self.world
        world.now = t0
        if compose.due(world, self, t0):
            compose.step(world, self, t0)
        if self.db_nodes.size and self._derived.get("conn", (None,))[0] != world.changed:
            databases.connections(world, self)
            self._derived["conn"] = (world.changed, None)
        saved = (self.streams.save(), self.traffic.save()) if k > 1 else None
        batch = self._compute(t0, k)
        while batch.exact < batch.k:  # forget it and compute the exact ticks again
            assert saved is not None
            self.streams.restore(saved[0])
            self.traffic.restore(saved[1])
            batch = self._compute(t0, batch.exact)
        world.now = batch.last
        for commit in batch.commits:
            commit()
        world.flow.refused_share = batch.rejected[-1] / np.maximum(batch.arrivals[-1], 1.0)
        world.flow.last = batch
        world.node_metrics = last = batch.rows[-1].copy()
        last[M.P50:M.P99 + 1] = batch.extra["last_percentiles"]
        return batch

    def _compute(self, t0: int, k: int) -> Batch:
        world = self.world
        times = t0 + np.arange(k, dtype=np.int64) * world.dt_ms
        batch = Batch(times, world.topo.size, len(world.topo.edge_src))
        for name, step in STEPS:
            step(world, self, batch)
            if name == "servers" and k > 1:
                self._compose_inside(batch)
            if batch.exact < k:
                return batch  # no need to go on: it will be computed again, shorter
        for check in self.checks:
            check(batch)
        return batch

    def _compose_inside(self, batch: Batch) -> None:
        """A composition due inside the batch starts the next one."""
        times = batch.times
        grid = np.flatnonzero((times % compose.COMPOSE_MS == 0) & (np.arange(batch.k) > 0))
        for j in grid.tolist():
            if compose.moved(self.world, self, batch.slow[j - 1]):
                batch.limit(j)
                return

    def expected_rates(self) -> np.ndarray:
        """Requests/s each node would take at the start with every call made as its weight
        says (no noise, nothing shed): entry traffic carried down the calls."""
        world, topo = self.world, self.world.topo
        rate = topo.entry_share * world.spec.traffic.rps * self.traffic.multiplier(0)
        hit = topo.hit_target * world.flow.warm
        for level, (nodes, edges) in enumerate(self.levels):
            groups = self.consumers_at[level]
            if groups is not None:
                np.add.at(rate, self.consumer_nodes[groups], rate[self.consumer_queues[groups]])
            src = topo.edge_src[edges]
            w = np.where(topo.edge_cache[edges] >= 0, 1.0 - hit[src], topo.edge_weight[edges])
            np.add.at(rate, topo.edge_dst[edges], rate[src] * w)
        return rate

    def settle(self) -> None:
        """Before the first tick: warm the caches' recovery constants from normal traffic and
        start every distribution from a composed state."""
        world, topo = self.world, self.world.topo
        self.run(0, 1)
        # as if it had run at the expected rates for a while: the last minute's counts are
        # whole numbers that add up to them (moving sums of whole counts stay exact)
        rate = self.expected_rates()
        per_tick = rate * world.dt
        held = len(world.flow.admitted_recent)
        steps = np.floor(np.arange(held + 1)[:, None] * per_tick[None, :] + 1e-9)
        world.flow.admitted_recent[:] = np.diff(steps, axis=0)
        world.flow.smooth = world.flow.admitted_recent[-self.smooth_ticks[0]:].sum(axis=0) / (
            self.smooth_ticks[0] * world.dt)
        world.flow.slow = world.flow.admitted_recent.sum(axis=0) / (held * world.dt)
        compose.step(world, self, 0)
        lookups = rate
        for e in self.miss_edges.tolist():
            cache = int(topo.edge_src[e])
            misses = max(lookups[cache] * (1 - topo.hit_target[cache]), 1e-3)
            self.warm_constant[cache] = max(misses * topo.cache_warmup[cache] / 3.0, 1.0)
        assert world.dist is not None
        self.baseline_p99 = quantile(world.dist.node_pmf, 0.99)
