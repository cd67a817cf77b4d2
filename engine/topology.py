"""The estate as a graph: one node per component per environment, call edges between them.

Built once from a ``ScenarioSpec``. Nodes carry the constants the physics needs as arrays
(indexed by node); edges are sorted by caller so per-caller sums are one ``bincount``. The
version table maps (node, version string) to behaviour columns; unknown versions are healthy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .scenario.spec import ScenarioSpec, VersionSpec

__all__ = ["Kind", "NodeInfo", "Topology", "VersionTable"]

HEALTHY = VersionSpec(0.0, 1.0, 1.0, 0.0, False, "")


class Kind:
    SERVICE = "service"
    DATABASE = "database"
    CACHE = "cache"
    QUEUE = "queue"
    EXTERNAL = "external"


@dataclass(frozen=True, slots=True)
class NodeInfo:
    index: int
    env: str
    name: str
    kind: str
    spec: Any
    replicas: int
    version: str


class VersionTable:
    """Behaviour columns per (node, version); instances store a row index into it."""

    def __init__(self) -> None:
        self._index: dict[tuple[int, str], int] = {}
        self.names: list[str] = []
        self.specs: list[VersionSpec] = []
        self._refresh()

    def index(self, node: int, version: str, declared: dict[str, VersionSpec]) -> int:
        key = (node, version)
        if key not in self._index:
            self._index[key] = len(self.names)
            self.names.append(version)
            self.specs.append(declared.get(version, HEALTHY))
            self._refresh()
        return self._index[key]

    def _refresh(self) -> None:
        specs = self.specs or [HEALTHY]
        self.error_rate = np.array([v.error_rate for v in specs])
        self.latency_factor = np.array([v.latency_factor for v in specs])
        self.cpu_factor = np.array([v.cpu_factor for v in specs])
        self.memory_leak = np.array([v.memory_leak for v in specs])
        self.crash_on_start = np.array([v.crash_on_start for v in specs])


class Topology:
    """Nodes, edges and per-node constants for every environment of a scenario."""

    def __init__(self, spec: ScenarioSpec) -> None:
        self.spec = spec
        self.envs = list(spec.environments)
        self.nodes: list[NodeInfo] = []
        self.by_key: dict[tuple[str, str], int] = {}
        tables = [(Kind.SERVICE, spec.services), (Kind.DATABASE, spec.databases),
                  (Kind.CACHE, spec.caches), (Kind.QUEUE, spec.queues),
                  (Kind.EXTERNAL, spec.externals)]
        for env_name, env in spec.environments.items():
            for kind, table in tables:
                for name, comp in table.items():
                    if name in env.exclude:
                        continue
                    override = env.overrides.get(name)
                    replicas = _replicas(kind, comp)
                    if env.replicas is not None and kind != Kind.EXTERNAL:
                        replicas = max(env.replicas, 1 if kind == Kind.DATABASE else 0)
                    if override is not None and override.replicas is not None:
                        # a database's "replicas" count read replicas, as in its spec
                        extra = 1 if kind == Kind.DATABASE else 0
                        replicas = override.replicas + extra
                    version = getattr(comp, "version", "")
                    if override is not None and override.version is not None:
                        version = override.version
                    info = NodeInfo(len(self.nodes), env_name, name, kind, comp, replicas, version)
                    self.by_key[(env_name, name)] = info.index
                    self.nodes.append(info)
        self.size = len(self.nodes)
        self._constants()
        self._edges()

    def find(self, name: str, env: str | None = None) -> int | None:
        return self.by_key.get((env or self.envs[0], name))

    def reachable(self, node: int, *, upstream: bool) -> set[int]:
        """Every node that calls ``node`` directly or through others (``upstream``), or that
        it calls; ``node`` itself excluded."""
        near, far = (self.edge_dst, self.edge_src) if upstream else (self.edge_src, self.edge_dst)
        seen: set[int] = set()
        frontier = {node}
        while frontier:
            found = {int(n) for n in far[np.isin(near, list(frontier))]} - seen - {node}
            seen |= found
            frontier = found
        return seen

    def names_in(self, env: str, kind: str | None = None) -> list[str]:
        return [n.name for n in self.nodes if n.env == env and (kind is None or n.kind == kind)]

    # -- per-node constants ----------------------------------------------------------------
    def _constants(self) -> None:
        spec, size = self.spec, self.size
        self.kind = np.array([n.kind for n in self.nodes])
        self.is_db = self.kind == Kind.DATABASE
        self.env_index = np.array([self.envs.index(n.env) for n in self.nodes])
        self.base_latency = np.array([n.spec.latency / 1000 for n in self.nodes])  # seconds
        self.timeout = np.array([n.spec.timeout / 1000 if hasattr(n.spec, "timeout") else 60.0
                                 for n in self.nodes])
        self.write_frac = np.array([n.spec.write_ratio if n.kind == Kind.DATABASE else 0.0
                                    for n in self.nodes])
        self.read_frac = 1.0 - self.write_frac
        entry = dict(spec.traffic.entry)
        if not entry:
            called = {c for s in spec.services.values() for c in s.calls}
            roots = [n for n, s in spec.services.items() if n not in called and not s.consumes]
            entry = {n: 1.0 for n in roots}
        total = sum(entry.values()) or 1.0
        self.entry_share = np.zeros(size)
        for n in self.nodes:
            if n.name in entry:
                self.entry_share[n.index] = entry[n.name] / total * spec.environments[n.env].traffic
        mem = [getattr(n.spec, "memory", None) for n in self.nodes]
        self.mem_base = np.array([m.base if m else 0.0 for m in mem])
        self.mem_per_rps = np.array([m.per_rps if m else 0.0 for m in mem])
        self.mem_limit = np.array([m.limit if m else np.inf for m in mem])
        self.cpu_idle = np.array([getattr(n.spec, "cpu_idle", 0.02) for n in self.nodes])
        self.startup = np.array([getattr(n.spec, "startup", 0) for n in self.nodes], dtype=np.int64)
        self.workers = np.array([max(int(getattr(n.spec, "workers", 1) or 1), 1)
                                 for n in self.nodes], dtype=np.float64)
        self.warmup = np.array([getattr(n.spec, "warmup", 0) / 1000 for n in self.nodes])
        self.is_cache = self.kind == Kind.CACHE
        self.is_queue = self.kind == Kind.QUEUE
        self.is_external = self.kind == Kind.EXTERNAL
        # externals: latency is the median; p99 defaults to four times it
        self.ext_p99 = np.array([(getattr(n.spec, "p99", None) or 4 * n.spec.latency) / 1000
                                 if n.kind == Kind.EXTERNAL else 0.0 for n in self.nodes])
        self.rate_limit = np.array([n.spec.capacity if n.kind == Kind.EXTERNAL else np.inf
                                    for n in self.nodes])
        # a cache whose hot keys do not fit evicts: it holds room/working_set of them
        self.hit_target = np.array([n.spec.hit_ratio * _held(n.spec) if n.kind == Kind.CACHE
                                    else 0.0 for n in self.nodes])
        self.cache_warmup = np.array([n.spec.warmup / 1000 if n.kind == Kind.CACHE else 1.0
                                      for n in self.nodes])
        self.parallel = np.array([getattr(n.spec, "calls_mode", "sequential") == "parallel"
                                  for n in self.nodes])
        self.pool_size = np.array([float(getattr(n.spec, "pool_size", 10)) for n in self.nodes])
        self.max_connections = np.array([float(n.spec.max_connections)
                                         if n.kind == Kind.DATABASE else np.inf
                                         for n in self.nodes])

    def _edges(self) -> None:
        rows: list[tuple[int, int, float, int, Any]] = []  # src, dst, weight, cache, policy
        self.consumers: list[tuple[int, int]] = []  # (queue node, consumer node)
        for n in self.nodes:
            if n.kind == Kind.SERVICE:
                policies = getattr(n.spec, "call_policies", {}) or {}
                for callee, w in n.spec.calls.items():
                    j = self.by_key.get((n.env, callee))
                    if j is not None:
                        rows.append((n.index, j, w, -1, policies.get(callee)))
                if n.spec.consumes:
                    q = self.by_key.get((n.env, n.spec.consumes))
                    if q is not None:
                        self.consumers.append((q, n.index))
            elif n.kind == Kind.CACHE and n.spec.backing:
                j = self.by_key.get((n.env, n.spec.backing))
                if j is not None:
                    rows.append((n.index, j, 1 - n.spec.hit_ratio, n.index, None))
        rows.sort(key=lambda r: r[0])
        self.edge_src = np.array([r[0] for r in rows], dtype=np.int64)
        self.edge_dst = np.array([r[1] for r in rows], dtype=np.int64)
        self.edge_weight = np.array([r[2] for r in rows], dtype=np.float64)
        self.edge_cache = np.array([r[3] for r in rows], dtype=np.int64)
        policy = [r[4] for r in rows]
        callee_timeout = self.timeout[self.edge_dst] if rows else np.zeros(0)
        self.edge_timeout = np.array([
            (p.timeout / 1000 if p is not None and p.timeout is not None else float(ct))
            for p, ct in zip(policy, callee_timeout, strict=True)])
        self.edge_retries = np.array([p.retries if p is not None else 0 for p in policy],
                                     dtype=np.int64)
        self.edge_backoff = np.array([p.backoff / 1000 if p is not None else 0.05
                                      for p in policy])
        self.edge_budget = np.array([p.retry_budget if p is not None else 0.2 for p in policy])
        self.edge_parallel = np.array([
            (p.mode == "parallel") if p is not None and p.mode is not None
            else bool(self.parallel[s]) for p, s in zip(policy, self.edge_src.tolist(),
                                                         strict=True)], dtype=bool)
        self.edge_breaker = [p.breaker if p is not None else None for p in policy]
        self.depth = self._depth()
        self.level = self._levels()

    def _levels(self) -> np.ndarray:
        """Each node's distance from the entry points along calls (and cache misses, and from a
        queue to its consumers): callers always come before their callees and a queue before
        its consumers, so load can flow down a tick in one pass."""
        level = np.zeros(self.size, dtype=np.int64)
        src = np.concatenate([self.edge_src, [q for q, _ in self.consumers]]).astype(np.intp)
        dst = np.concatenate([self.edge_dst, [c for _, c in self.consumers]]).astype(np.intp)
        for _ in range(self.size):
            if not len(src):
                break
            pushed = np.maximum(level[dst], level[src] + 1)
            new = level.copy()
            np.maximum.at(new, dst, pushed)
            if np.array_equal(new, level):
                break
            level = new
        return level

    def _depth(self) -> int:
        """Longest call chain, in hops: how many ticks a change needs to cross the estate."""
        children: dict[int, list[int]] = {}
        for s, d in zip(self.edge_src.tolist(), self.edge_dst.tolist(), strict=True):
            children.setdefault(s, []).append(d)
        memo: dict[int, int] = {}

        def height(i: int) -> int:
            if i not in memo:
                memo[i] = 1 + max((height(c) for c in children.get(i, ())), default=0)
            return memo[i]

        return max((height(i) for i in range(self.size)), default=1)


def _held(cache: Any) -> float:
    """The share of a cache's working set its nodes can hold (1 when it fits)."""
    if cache.working_set is None:
        return 1.0
    room = cache.nodes * max(cache.memory.limit - cache.memory.base, 0.0)
    return min(1.0, room / cache.working_set)


def _replicas(kind: str, comp: Any) -> int:
    if kind == Kind.DATABASE:
        return comp.replicas + 1
    if kind == Kind.CACHE:
        return comp.nodes
    if kind == Kind.QUEUE:
        return comp.brokers
    if kind == Kind.EXTERNAL:
        return 1
    return comp.replicas
