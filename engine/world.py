"""The world's state: a few typed tables and nothing that moves them.

- ``topo`` (``Topology``): nodes and call edges with their constants, fixed for a run;
- ``inst`` (``Instances``): one row per instance, column-wise;
- ``flow`` (``FlowState``): this tick's counts per node and edge, and what carries to the next
  tick (retries owed, breakers, caches' warmth, queues' lag, replicas' unapplied writes);
- ``dist`` (``Distributions``): the latency and failure distributions last composed.

The tick is a pipeline of physics steps (``engine.tick``) that read and write these tables;
controllers (lifecycle, autoscaler, rollouts, failover) own what they change. This module
imports neither.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .chaos.effects import Effects
from .instances import Instances, Role, State
from .metrics import METRIC_COUNT
from .histogram import B
from .scenario.spec import ScenarioSpec, VersionSpec
from .topology import Kind, Topology, VersionTable

__all__ = ["Distributions", "FlowState", "Routing", "VersionCounts", "World"]

Emit = Callable[..., None]
WARMUP_STAGES = 4  # a starting instance's capacity steps up in quarters over its warm-up
_TINY = 1e-12


@dataclass(slots=True)
class FlowState:
    """What carries from one tick to the next, per node N, edge E or consumer group C (the
    counts of the ticks themselves live in the batch, ``engine.batch``)."""

    n: int
    e: int
    c: int = 0
    smooth: np.ndarray = field(init=False)  # N: admitted/s smoothed (what overloads)
    slow: np.ndarray = field(init=False)  # N: admitted/s smoothed over a minute
    admitted_recent: np.ndarray = field(init=False)  # the last minute's admitted, tick × N
    refused_share: np.ndarray = field(init=False)  # N: share refused in the last tick
    warm: np.ndarray = field(init=False)  # N, caches: share of the working set held
    queue_lag: np.ndarray = field(init=False)  # C: messages published, not yet consumed
    consumed: np.ndarray = field(init=False)  # C: messages pulled for the next tick
    conn_refused: np.ndarray = field(init=False)  # N: share of queries with no connection
    breaker_open_until: np.ndarray = field(init=False)  # E: ms (0 = closed)
    breaker_probes: np.ndarray = field(init=False)  # E: probes left while half-open
    window_calls: np.ndarray = field(init=False)  # E × seconds of the breaker window
    window_failed: np.ndarray = field(init=False)
    last: Any = None  # the last batch computed (``engine.batch.Batch``)

    def __post_init__(self) -> None:
        n, e, c = self.n, self.e, self.c
        self.smooth = np.zeros(n)
        self.slow = np.zeros(n)
        self.admitted_recent = np.zeros((0, n))
        self.refused_share = np.zeros(n)
        self.conn_refused = np.zeros(n)
        self.warm = np.ones(n)
        self.queue_lag = np.zeros(c)
        self.consumed = np.zeros(c)
        self.breaker_open_until = np.zeros(e, dtype=np.int64)
        self.breaker_probes = np.zeros(e, dtype=np.int64)
        self.window_calls = np.zeros((e, 60))
        self.window_failed = np.zeros((e, 60))


@dataclass(slots=True)
class VersionCounts:
    """Requests, failures and latency counts per deployed version since the start: a pool's
    observations over a window are the difference of two readings."""

    requests: np.ndarray = field(default_factory=lambda: np.zeros(0))
    failed: np.ndarray = field(default_factory=lambda: np.zeros(0))
    latency: np.ndarray = field(default_factory=lambda: np.zeros((0, 2 * B)))  # counts, sums

    def grow(self, size: int) -> None:
        extra = size - len(self.requests)
        self.requests = np.concatenate([self.requests, np.zeros(extra)])
        self.failed = np.concatenate([self.failed, np.zeros(extra)])
        self.latency = np.concatenate([self.latency, np.zeros((extra, 2 * B))])

    def reading(self, versions: list[int]) -> tuple[float, float, np.ndarray]:
        """(requests, failed, latency counts) summed over some versions, now."""
        known = [v for v in versions if v < len(self.requests)]
        if not known:
            return 0.0, 0.0, np.zeros(2 * B)
        return (float(self.requests[known].sum()), float(self.failed[known].sum()),
                self.latency[known].sum(axis=0))


@dataclass(slots=True)
class Distributions:
    """What one request meets, as last composed (``physics.compose``): per pool of instances
    (a node's instances of one version) and per node."""

    pool_pmf: np.ndarray  # P × B: end-to-end latency of a request admitted by the pool
    pool_fail: np.ndarray  # P: chance such a request fails (own errors, calls, timeout)
    node_pmf: np.ndarray  # N × B: the same, mixed over the node's pools by traffic
    node_fail: np.ndarray  # N
    attempt_fail: np.ndarray  # E: chance one attempt on the edge fails (error or timeout)
    composed_at: int = -1
    rho: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per pool, when composed
    hit: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per node, when composed
    backlog: bool = False  # some backlog when composed
    signature: np.ndarray = field(default_factory=lambda: np.zeros(0))  # the routing then
    rates: np.ndarray = field(default_factory=lambda: np.zeros(0))  # per node: admitted/s


@dataclass(frozen=True, slots=True)
class Routing:
    """Who takes traffic, derived from the instance table; rebuilt when it changes."""

    share: np.ndarray  # per instance: its share of its node's requests
    ready: np.ndarray  # per instance: 1.0 when ready
    ready_count: np.ndarray  # per node
    routable: np.ndarray  # per node: 1.0 when some instance can take its traffic
    pool: np.ndarray  # per instance: its pool index
    pool_node: np.ndarray  # per pool: its node
    pool_version: np.ndarray  # per pool: its version index
    pool_share: np.ndarray  # per pool: its share of its node's requests
    mu: np.ndarray  # per instance: service rate now (capacity, stress, version, warm-up)


class World:
    """All mutable simulation state. Front ends never see it; they get snapshots."""

    def __init__(self, spec: ScenarioSpec, seed: int, emit: Emit | None = None) -> None:
        self.spec = spec
        self.seed = seed
        self.dt_ms = spec.tick
        self.dt = spec.tick / 1000
        self.now = 0
        self._emit = emit or (lambda *a, **k: None)
        self.topo = topo = Topology(spec)
        self.versions = VersionTable()
        self.inst = Instances(topo.size)
        self.flow = FlowState(topo.size, len(topo.edge_src), len(topo.consumers))
        self.effects = Effects(topo.size, len(topo.edge_src))  # what running faults do
        self.writes_acked = np.zeros(topo.size)  # per database, over the run
        self.writes_lost = np.zeros(topo.size)  # per database, over the run (failovers)
        self.connections_wanted = np.zeros(topo.size)  # per database: the clients' pools
        self.version_counts = VersionCounts()
        self.serving: dict[int, int] = {}  # node -> version index of its latest completed revision
        # node -> (version index, share): a rollout's traffic split, as a mesh splits between
        # subsets: the version's ready instances share ``share`` of the node's traffic, the
        # others the rest (everyone alike when either side has no ready instance)
        self.splits: dict[int, tuple[int, float]] = {}
        self.dist: Distributions | None = None
        self.node_metrics = np.zeros((METRIC_COUNT, topo.size))  # one row per metric
        self.crash_reasons: dict[tuple[int, int], str] = {}  # (node, ordinal) -> last crash
        self.changed = 0  # bumped by every change of the instance table or its states
        self._routing: tuple[int, Routing] | None = None
        self.lifecycle: Any = None  # set by the simulation (controllers own their changes)
        self.failovers: Any = None
        self._populate()

    # -- construction ----------------------------------------------------------------------
    def _populate(self) -> None:
        """Create every node's instances in one batch (one table rebuild, not one per node)."""
        nodes, versions, zones, roles, states = [], [], [], [], []
        for info in self.topo.nodes:
            declared = getattr(info.spec, "versions", {})
            if info.kind == Kind.EXTERNAL:
                declared = {"": VersionSpec(info.spec.error_rate, 1.0, 1.0, 0.0, False, "")}
            version = self.versions.index(info.index, info.version, declared)
            spread = self.zones_of(info.index)
            n = info.replicas
            role = np.full(n, Role.MEMBER, dtype=np.int8)
            if info.kind == Kind.DATABASE and n:
                role[:] = Role.REPLICA
                role[0] = Role.PRIMARY
            # running from the start, except a version that crashes on start: it tries to
            # start like any other and fails when it would become ready
            state = State.STARTING if self.versions.crash_on_start[version] else State.READY
            nodes.append(np.full(n, info.index, dtype=np.intp))
            versions.append(np.full(n, version, dtype=np.intp))
            zones.append(np.array([spread[i % len(spread)] for i in range(n)], dtype=np.int16))
            roles.append(role)
            states.append(np.full(n, state, dtype=np.int8))
        node = np.concatenate(nodes)
        # instances present at the start have been up long enough to be warm
        self._add_rows(node, -10**12, version=np.concatenate(versions),
                       zone=np.concatenate(zones), role=np.concatenate(roles),
                       state=np.concatenate(states))
        self.inst.ready_at[:] = np.where(self.inst.state == State.READY, -10**12,
                                         self.topo.startup[self.inst.node])

    def add_instances(self, node: int, count: int, t: int, *, version: int,
                      zone: np.ndarray, role: Any = Role.MEMBER,
                      state: State = State.STARTING) -> None:
        """Start ``count`` new instances of one node at ``t``."""
        self._add_rows(np.full(count, node, dtype=np.intp), t, version=version, zone=zone,
                       role=role, state=state)

    def _add_rows(self, nodes: np.ndarray, t: int, **values: Any) -> None:
        topo = self.topo
        capacity = np.array([getattr(n.spec, "capacity", 1e9) for n in topo.nodes])
        if topo.is_external.any():  # an external's capacity is its rate limit, not a server
            capacity = np.where(topo.is_external, 1e9, capacity)
        self.inst.add_rows(nodes, since=t, ready_at=t + topo.startup[nodes],
                           capacity=capacity[nodes], **values)
        self.roles_changed()

    def roles_changed(self) -> None:
        """Note a structural change: instances added or removed, roles, versions, capacity,
        weights or stress changed. Everything derived is rebuilt before the next tick."""
        self.changed += 1
        if self.lifecycle is not None:
            self.lifecycle.refresh_due()

    def states_changed(self) -> None:
        """Note that some instance changed state."""
        self.changed += 1

    # -- derived views -----------------------------------------------------------------------
    def routing(self) -> Routing:
        """Who takes traffic now. Reads go to readers (replicas; the primary when none is
        ready), writes to the primary; new instances run slower while they warm up."""
        key = (self.changed, self.now if self._warming else None)
        if self._routing is not None and self._routing[0] == key:
            return self._routing[1]
        routing = self._build_routing()
        self._routing = ((self.changed, self.now if self._warming else None), routing)
        return routing

    def next_warmup_stage(self, t: int) -> int | None:
        """When the next warming instance steps up its capacity (ms), if any is warming."""
        if not self._warming:
            return None
        warmup_ms = self.topo.warmup[self.inst.node] * 1000
        warming = (warmup_ms > 0) & (t - self.inst.ready_at < warmup_ms)
        if not warming.any():
            return None
        step = warmup_ms[warming] / WARMUP_STAGES
        age = t - self.inst.ready_at[warming]
        nxt = self.inst.ready_at[warming] + np.ceil((age + 1) / step) * step
        return int(np.ceil(nxt.min()))

    def _build_routing(self) -> Routing:
        inst, topo, ver = self.inst, self.topo, self.versions
        node, size, role = inst.node, topo.size, inst.role
        ready = (inst.state == State.READY).astype(np.float64)
        ready_w = ready * self._split_weights(ready) if self.splits else ready
        if topo.is_db.any():
            is_primary = role == Role.PRIMARY
            has_replica = np.bincount(node, role == Role.REPLICA, size) > 0
            reads_primary = np.array([n.kind == Kind.DATABASE and n.spec.reads_from_primary
                                      for n in topo.nodes])
            reader = (~is_primary | reads_primary[node] | ~has_replica[node]).astype(float)
            rw = ready_w * reader
            readers = np.bincount(node, rw, size)
            no_reader = (readers <= 0) & topo.is_db
            if no_reader.any():
                rw = rw + ready_w * is_primary * no_reader[node]
                readers = np.bincount(node, rw, size)
            ww = ready_w * (role != Role.REPLICA)
            writers = np.bincount(node, ww, size)
            wf = topo.write_frac
            share = (rw * (topo.read_frac / np.maximum(readers, _TINY))[node]
                     + ww * (wf / np.maximum(writers, _TINY))[node])
            routable = 1.0 - (topo.read_frac * (readers <= 0) + wf * (writers <= 0))
        else:
            readers = np.bincount(node, ready_w, size)
            share = ready_w / np.maximum(readers, _TINY)[node]
            routable = (readers > 0) * 1.0
        keys = node.astype(np.int64) * (len(ver.names) + 1) + inst.version
        uniq, pool = np.unique(keys, return_inverse=True)
        pool_node = (uniq // (len(ver.names) + 1)).astype(np.intp)
        pool_version = (uniq % (len(ver.names) + 1)).astype(np.intp)
        # warm-up: capacity steps from 50 % to 100 % in WARMUP_STAGES equal steps over the
        # node's warm-up after it became ready
        warm = np.ones(len(inst))
        warmup = topo.warmup[node]
        self._warming = False
        if warmup.any():
            age = (self.now - inst.ready_at) / 1000
            done = np.floor(np.clip(age / np.maximum(warmup, 1e-9), 0, 1) * WARMUP_STAGES)
            warm = np.where(warmup > 0, 0.5 + 0.5 * done / WARMUP_STAGES, 1.0)
            self._warming = bool(np.any(warm < 1.0))
        mu = inst.capacity * warm * (1.0 - np.minimum(inst.stress, 0.99)) / \
            ver.cpu_factor[inst.version]
        return Routing(share=share, ready=ready, ready_count=np.bincount(node, ready, size),
                       routable=routable, pool=pool.astype(np.intp), pool_node=pool_node,
                       pool_version=pool_version,
                       pool_share=np.bincount(pool, share, len(uniq)), mu=mu)

    _warming = False

    def _split_weights(self, ready: np.ndarray) -> np.ndarray:
        """Each instance's weight among its node's ready ones under the rollouts' splits."""
        weight = np.ones(len(self.inst))
        for node, (version, share) in self.splits.items():
            rows = self.inst.rows_of(node)
            is_new = self.inst.version[rows] == version
            n_new = float(ready[rows][is_new].sum())
            n_old = float(ready[rows][~is_new].sum())
            if n_new and n_old:
                weight[rows] = np.where(is_new, share / n_new, (1.0 - share) / n_old)
        return weight

    # -- names -----------------------------------------------------------------------------
    def zones_of(self, node: int) -> list[int]:
        declared = getattr(self.topo.nodes[node].spec, "zones", ()) or self.spec.zones
        return [self.spec.zones.index(z) for z in declared]

    def instance_name(self, row: int) -> str:
        info = self.topo.nodes[int(self.inst.node[row])]
        return f"{info.name}-{int(self.inst.ordinal[row])}"

    # -- events ----------------------------------------------------------------------------
    def emit(self, type_: str, **fields: Any) -> None:
        self._emit(self.now, type_, fields)

    def emit_instance(self, type_: str, row: int, **fields: Any) -> None:
        info = self.topo.nodes[int(self.inst.node[row])]
        self.emit(type_, service=info.name, instance=self.instance_name(row), env=info.env,
                  **fields)
