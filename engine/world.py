"""The world: the column-wise state of every instance and node, advanced one tick at a time.

``World.step`` is the hot path. It runs the physics modules in a fixed order, each a few
vector operations over all instances or all nodes, never a Python loop over instances:

1. lifecycle transitions (start → ready, crash → restart);
2. entry traffic, consumer demand, and traffic along calls (``physics.propagation``);
3. routing to ready instances — reads to replicas, writes to primaries (``weight`` splits);
4. every instance's queue (``physics.queueing``), its errors and its connection limit;
5. per-node aggregates, end-to-end latency and errors along calls, timeouts;
6. CPU, memory, leaks and OOM kills;
7. replication lag, failover, queue lag and cache warmth (``physics.databases/messaging``);
8. the per-node metric row handed to the metric store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .grouping import Grouper
from .instances import Instances, Role, State
from .lifecycle import Lifecycle
from .metrics import METRIC_COUNT, M
from .physics.databases import Failovers, replication_lag
from .physics.messaging import CacheWarmth, ConsumerGroups
from .physics.propagation import Edges, timeout_share
from .physics.queueing import QUEUE_SHARE, serve
from .physics.traffic import TrafficModel
from .scenario.spec import ScenarioSpec, VersionSpec
from .topology import Kind, Topology, VersionTable

__all__ = ["World"]

Emit = Callable[..., None]
_TINY = 1e-12
READY, STARTING = int(State.READY), int(State.STARTING)
_ROWS = 10  # rows of the per-instance reduction buffer


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
        root = np.random.SeedSequence(seed)
        traffic_seed, self._misc_seed = root.spawn(2)
        self.traffic = TrafficModel(spec.traffic, spec.start, spec.tick, topo.entry_share,
                                    np.random.default_rng(traffic_seed))
        self.versions = VersionTable()
        self.inst = Instances(topo.size)
        self.lifecycle = Lifecycle(self)
        self.edges = Edges(topo.edge_src, topo.edge_dst, topo.edge_weight, topo.size)
        self.consumers = ConsumerGroups(topo.consumers, topo.size)
        self.caches = CacheWarmth(self._cache_targets(), self._cache_warmup(), topo.edge_cache)
        self.failovers = Failovers(self)
        self._db_constants()
        size = topo.size
        self.node_lam = np.zeros(size)
        self.routed = np.ones(size)
        self.e2e = np.tile(topo.base_latency, (4, 1))  # mean, p50, p95, p99 (s) per node
        self.ready_capacity = np.zeros(size)
        self.e2e_err = np.zeros(size)
        self.own_err = np.zeros(size)
        self.ready_count = np.zeros(size)
        self.primary_ready = np.zeros(size)
        self.node_metrics = np.zeros((METRIC_COUNT, size))  # one row per metric
        self._populate()
        self.roles_changed()
        self.crash_reasons: dict[tuple[int, int], str] = {}  # (node, ordinal) -> last crash
        for _ in range(topo.depth + 2):  # let traffic and latency settle across the graph
            self._physics(0, settle=True)
        self.baseline_e2e = self.e2e.copy()  # what healthy looks like, for explanations

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
        self._add_rows(node, 0, version=np.concatenate(versions), zone=np.concatenate(zones),
                       role=np.concatenate(roles), state=np.concatenate(states))

    def add_instances(self, node: int, count: int, t: int, *, version: int,
                      zone: np.ndarray, role: Any = Role.MEMBER,
                      state: State = State.STARTING) -> None:
        """Start ``count`` new instances of one node at ``t``."""
        self._add_rows(np.full(count, node, dtype=np.intp), t, version=version, zone=zone,
                       role=role, state=state)

    def _add_rows(self, nodes: np.ndarray, t: int, **values: Any) -> None:
        topo = self.topo
        capacity = np.array([getattr(n.spec, "capacity", 1e9) for n in topo.nodes])
        limit = np.array([float(n.spec.max_connections) if n.kind == Kind.DATABASE else np.inf
                          for n in topo.nodes])
        self.inst.add_rows(nodes, since=t, ready_at=t + topo.startup[nodes],
                           capacity=capacity[nodes], conn_limit=limit[nodes], **values)
        self.roles_changed()

    def _cache_targets(self) -> np.ndarray:
        return np.array([n.spec.hit_ratio if n.kind == Kind.CACHE else 0.0
                         for n in self.topo.nodes])

    def _cache_warmup(self) -> np.ndarray:
        return np.array([n.spec.warmup / 1000 if n.kind == Kind.CACHE else 1.0
                         for n in self.topo.nodes])

    def _db_constants(self) -> None:
        nodes = self.topo.nodes
        self.apply_rate = np.array([n.spec.replication.apply_rate if n.kind == Kind.DATABASE
                                    else 1.0 for n in nodes])
        self.base_lag = np.array([n.spec.replication.base_lag / 1000 if n.kind == Kind.DATABASE
                                  else 0.0 for n in nodes])
        self.reads_primary = np.array([n.kind == Kind.DATABASE and n.spec.reads_from_primary
                                       for n in nodes])
        self.has_db = bool(self.topo.is_db.any())

    def roles_changed(self) -> None:
        """Recompute routing masks and cached per-instance constants after a structural change:
        instances added or removed, roles, versions, capacity, weights or stress changed."""
        inst, topo, ver = self.inst, self.topo, self.versions
        role, node, v = inst.role, inst.node, inst.version
        self.is_primary = (role == Role.PRIMARY).astype(np.float64)
        has_replica = np.bincount(node, role == Role.REPLICA, topo.size) > 0
        self.reader = ((role != Role.PRIMARY) | self.reads_primary[node]
                       | ~has_replica[node]).astype(np.float64)
        self.writer = (role != Role.REPLICA).astype(np.float64)
        self.group = Grouper(node, topo.size)
        self.i_mu = inst.capacity * (1.0 - np.minimum(inst.stress, 0.99)) / ver.cpu_factor[v]
        self.i_cap = self.i_mu * topo.timeout[node] * QUEUE_SHARE  # queue bound before shedding
        self.i_base = topo.base_latency[node] * ver.latency_factor[v]
        self.i_ok = 1.0 - ver.error_rate[v]
        self.i_leak = ver.memory_leak[v] / 60.0
        self.any_leak = bool(self.i_leak.any())
        self.any_stress = bool(inst.stress.any())
        self.uniform_weight = bool(np.all(inst.weight == 1.0))
        self.i_idle = topo.cpu_idle[node]
        self.i_busy = 1.0 - self.i_idle
        self.i_mem_base = topo.mem_base[node]
        self.i_mem_rps = topo.mem_per_rps[node]
        self.i_mem_limit = topo.mem_limit[node]
        self.replica_rows = np.flatnonzero(role == Role.REPLICA)
        self.replica_node = node[self.replica_rows]
        self.replica_apply = self.apply_rate[self.replica_node]
        self.replica_base_lag = self.base_lag[self.replica_node]
        self._buf = np.empty((_ROWS, len(inst)))
        self.lag_nodes = np.flatnonzero(topo.is_db & (inst.counts > 0))
        self.lag_starts = inst.starts[self.lag_nodes]
        self.node_metrics[M.REPLICATION_LAG] = 0.0
        self.lifecycle.refresh_due()
        self.states_changed()

    def states_changed(self) -> None:
        """Note that some instance changed state; routing is recomputed before the next tick."""
        self._routing_stale = True

    def _route(self) -> None:
        """Who takes traffic: each instance's share of its node's requests, and per node the
        share nobody can take. Reads go to readers (replicas; the primary when there are none
        ready), writes to the primary. Changes only when states or roles change."""
        inst, topo = self.inst, self.topo
        node, size = inst.node, topo.size
        ready = (inst.state == READY).astype(np.float64)
        ready_w = ready * inst.weight
        if self.has_db:
            rw = ready_w * self.reader
            readers = np.bincount(node, rw, size)
            no_reader = (readers <= 0) & topo.is_db
            if no_reader.any():
                rw = rw + ready_w * self.is_primary * no_reader[node]
                readers = np.bincount(node, rw, size)
            ww = ready_w * self.writer
            writers = np.bincount(node, ww, size)
            wf = topo.write_frac
            self.share = (rw * (topo.read_frac / np.maximum(readers, _TINY))[node]
                          + ww * (wf / np.maximum(writers, _TINY))[node])
            self.unrouted = topo.read_frac * (readers <= 0) + wf * (writers <= 0)
            self.primary_ready = np.bincount(node, ready * self.is_primary, size)
            self.no_primary = bool((self.primary_ready[self.failovers.db_nodes] == 0).any())
        else:
            readers = np.bincount(node, ready_w, size)
            self.share = ready_w / np.maximum(readers, _TINY)[node]
            self.unrouted = (readers <= 0) * 1.0
        self.routed = 1.0 - self.unrouted
        self.ready = ready
        self.running = ready + (inst.state == STARTING)
        self.ready_capacity = np.bincount(node, self.i_mu * ready, size)
        self.ready_count = np.bincount(node, ready, size)
        self.running_count = np.maximum(np.bincount(node, self.running, size), 1.0)
        self.node_metrics[M.READY] = self.ready_count
        self.idle_latency = self.topo.base_latency * (self.ready_count <= 0)
        self._routing_stale = False

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

    # -- the tick --------------------------------------------------------------------------
    def step(self, t: int) -> None:
        """Advance the world to ``t`` (ms), one tick after the previous step."""
        self.now = t
        self.lifecycle.tick(t)
        self._physics(t)

    def _physics(self, t: int, settle: bool = False) -> None:
        if self._routing_stale:
            self._route()
        topo, inst, dt, buf = self.topo, self.inst, self.dt, self._buf
        node = inst.node
        ready, running = self.ready, self.running

        # 2. traffic: entry + queue consumers + calls (last tick's callers), then routing
        if settle:
            entry = topo.entry_share * (self.spec.traffic.rps * self.traffic.multiplier(t))
        else:
            entry = self.traffic.entry_rps(t)
        if self.consumers:
            entry = entry + self.consumers.demand(self.node_lam, self.ready_capacity)
        lam_node = self.edges.traffic(entry, self.node_lam, self.routed)
        lam = self.share * lam_node[node]

        # 4. queues, version errors and connection limits per instance
        mu = self.i_mu
        rho, latency, overflow, in_flight = serve(
            lam, mu, inst.backlog, self.i_base, self.i_cap, 0.0 if settle else dt)
        ok = self.i_ok if overflow is None else self.i_ok * (1.0 - overflow)
        if self.has_db:
            ok = ok * np.minimum(inst.conn_limit / np.maximum(in_flight, _TINY), 1.0)

        # 6. CPU and memory per instance (before aggregation, so one reduction covers all)
        busy = np.minimum(rho, 1.0)
        cpu = (self.i_idle + self.i_busy * busy) * ready
        if self.any_stress:
            cpu = np.minimum(cpu + inst.stress * ready, 1.0)
        if self.any_leak and not settle:
            inst.leaked += self.i_leak * (dt * running)
        mem = (self.i_mem_base + self.i_mem_rps * lam + inst.leaked) * running
        inst.lam, inst.rho, inst.in_flight, inst.cpu, inst.mem = lam, rho, in_flight, cpu, mem
        inst.p50, inst.p99 = latency[1], latency[3]
        inst.err = 1.0 - ok

        # 5. per-node aggregates (traffic-weighted) and end-to-end figures
        weight = lam + _TINY * ready
        buf[0] = weight
        np.multiply(latency, weight, out=buf[1:5])
        np.multiply(lam, ok, out=buf[5])
        buf[6] = cpu
        buf[7] = mem
        np.multiply(busy, ready, out=buf[8])
        buf[9] = in_flight
        sums = self.group.sum(buf)
        total = sums[0]
        own = sums[1:5] / np.maximum(total, _TINY) + self.idle_latency
        own_ok = (sums[5] + _TINY) / (lam_node * self.routed + _TINY)  # 1 when nothing came
        e2e = self.edges.latency(own, self.e2e)
        success = own_ok * self.routed
        if (e2e[3] > topo.timeout * 0.2).any():  # below that the tail past the timeout is < 1e-7
            success = success * (1.0 - timeout_share(e2e[1], e2e[3], topo.timeout))
        own_ls = np.log(np.maximum(success, 1e-300))
        e2e_err = np.maximum(-np.expm1(self.edges.log_success(own_ls, self.e2e_err)), 0.0)
        self.node_lam, self.e2e, self.e2e_err, self.own = lam_node, e2e, e2e_err, own
        self.own_err = 1.0 - own_ok

        if not settle:
            oom = mem > self.i_mem_limit
            if oom.any():
                for row in np.flatnonzero(oom).tolist():
                    self.lifecycle.crash(row, t, "OOMKilled (memory limit exceeded)")
            # 7. databases, queues, caches
            if self.has_db:
                if len(self.replica_rows):
                    rows = self.replica_rows
                    inst.lag[rows] = replication_lag(
                        inst.lag[rows], ready[rows], (lam_node * topo.write_frac)[self.replica_node],
                        self.replica_apply, self.replica_base_lag, dt)
                if self.no_primary or self.failovers.pending:
                    self.failovers.tick(t, self.primary_ready)
            if self.consumers:
                self.consumers.settle(lam_node, e2e_err, dt)
            if self.caches.advance(dt):
                self.edges.set_weights(self.caches.edge_weights(self.edges.weight))

        # 8. the metric row
        row = self.node_metrics
        per_ready = np.maximum(self.ready_count, 1.0)
        row[M.RPS] = lam_node
        row[M.ERROR_RATE] = e2e_err
        np.multiply(e2e, 1000.0, out=row[M.LATENCY_MEAN:M.P99 + 1])
        np.divide(sums[6], per_ready, out=row[M.CPU])
        np.divide(sums[7], self.running_count, out=row[M.MEMORY])
        np.divide(sums[8], per_ready, out=row[M.SATURATION])
        np.subtract(1.0, e2e_err, out=row[M.AVAILABILITY])
        row[M.IN_FLIGHT] = sums[9] + lam_node * self.routed * (e2e[0] - own[0])
        if self.has_db:  # nodes' rows are contiguous; lag is 0 except on replicas
            row[M.REPLICATION_LAG, self.lag_nodes] = np.maximum.reduceat(inst.lag, self.lag_starts)
        if self.consumers:
            self.consumers.per_queue(row[M.QUEUE_LAG])
        if self.caches.cold or settle:
            row[M.HIT_RATIO] = self.caches.hit
