"""The validated scenario as frozen value objects: what the world is built from.

Units are fixed here so nothing downstream guesses: durations in integer milliseconds, sizes in
MiB, rates as fractions 0..1, capacities in requests (or queries) per second per instance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .spec_observe import AlertRuleSpec, SloSpec

__all__ = [
    "AutoscaleSpec", "BreakerSpec", "CacheSpec", "CallSpec", "ClusterSpec", "DeliverySpec",
    "DatabaseSpec", "DiurnalSpec", "EnvironmentSpec", "ExternalSpec", "FailoverSpec",
    "LivenessSpec", "MemorySpec", "NodeOverride", "QueueSpec", "ReplicationSpec",
    "ChaosSpec", "ResourcesSpec", "RestartSpec", "ScenarioSpec", "ServiceSpec", "SloSpec", "AlertRuleSpec", "SpikeSpec", "TrafficSpec",
    "VersionSpec",
]


@dataclass(frozen=True, slots=True)
class VersionSpec:
    error_rate: float
    latency_factor: float
    cpu_factor: float
    memory_leak: float
    crash_on_start: bool
    description: str


@dataclass(frozen=True, slots=True)
class MemorySpec:
    base: float
    per_rps: float
    limit: float


@dataclass(frozen=True, slots=True)
class RestartSpec:
    backoff: int
    max_backoff: int


@dataclass(frozen=True, slots=True)
class LivenessSpec:
    timeout: int
    failures: int
    period: int


@dataclass(frozen=True, slots=True)
class ResourcesSpec:
    cpu: float
    memory: float


@dataclass(frozen=True, slots=True)
class BreakerSpec:
    errors: float
    window: int
    min_calls: int
    open: int
    probes: int


@dataclass(frozen=True, slots=True)
class CallSpec:
    weight: float
    timeout: int | None
    retries: int
    backoff: int
    retry_budget: float
    mode: str | None
    breaker: BreakerSpec | None


@dataclass(frozen=True, slots=True)
class AutoscaleSpec:
    min: int
    max: int
    target_cpu: float | None
    target_memory: float | None
    target_rps: float | None
    target_p99: int | None
    stabilization: int
    sync: int
    tolerance: float
    predictive: bool
    horizon: int
    scale_up_window: int = 0  # ms: a scale-up needs the surge to last this long


@dataclass(frozen=True, slots=True)
class DeliverySpec:
    strategy: str
    canary_steps: tuple[float, ...]
    pause: int
    bake: int
    progress_deadline: int
    max_error_increase: float
    max_latency_ratio: float
    max_memory_growth: float
    confidence: float
    min_requests: int
    max_bake: int | None
    on_inconclusive: str


@dataclass(frozen=True, slots=True)
class ServiceSpec:
    name: str
    version: str
    replicas: int
    capacity: float
    workers: int
    latency: int
    timeout: int
    calls: dict[str, float]  # callee -> calls per request (the weight of call_policies[callee])
    call_policies: dict[str, CallSpec]  # callee -> how it is called; one entry per callee
    calls_mode: str
    pool_size: int
    consumes: str | None
    zones: tuple[str, ...]
    startup: int
    warmup: int
    cpu_idle: float
    memory: MemorySpec
    resources: ResourcesSpec
    restart: RestartSpec
    liveness: LivenessSpec | None
    autoscale: AutoscaleSpec | None
    delivery: DeliverySpec
    slo: SloSpec
    versions: dict[str, VersionSpec]
    port: int | None
    tech: str
    description: str


@dataclass(frozen=True, slots=True)
class ReplicationSpec:
    mode: str
    apply_rate: float
    base_lag: int


@dataclass(frozen=True, slots=True)
class FailoverSpec:
    automatic: bool
    detect: int
    promotion: int


@dataclass(frozen=True, slots=True)
class DatabaseSpec:
    name: str
    engine: str
    version: str
    replicas: int
    capacity: float
    latency: int
    timeout: int
    max_connections: int
    write_ratio: float
    reads_from_primary: bool
    replication: ReplicationSpec
    failover: FailoverSpec
    zones: tuple[str, ...]
    startup: int
    memory: MemorySpec
    port: int | None
    description: str
    data: float = 20_480.0  # MiB it holds: what a backup copies and a restore loads
    wal_archive: bool = False  # continuous archiving: point-in-time recovery
    disk: float | None = None  # MiB of volume (None: twice ``data``)


@dataclass(frozen=True, slots=True)
class CacheSpec:
    name: str
    engine: str
    nodes: int
    capacity: float
    latency: int
    hit_ratio: float
    backing: str | None
    warmup: int
    zones: tuple[str, ...]
    memory: MemorySpec
    working_set: float | None
    port: int | None
    description: str


@dataclass(frozen=True, slots=True)
class QueueSpec:
    name: str
    engine: str
    partitions: int
    brokers: int
    capacity: float
    latency: int
    retention: int
    zones: tuple[str, ...]
    port: int | None
    description: str


@dataclass(frozen=True, slots=True)
class ExternalSpec:
    name: str
    latency: int
    p99: int | None
    error_rate: float
    capacity: float
    timeout: int
    description: str


@dataclass(frozen=True, slots=True)
class ChaosSpec:
    """A fault the scenario injects on a schedule (hidden ones are for exercises to find)."""

    at: int
    fault: str
    target: str
    peer: str | None
    duration: int | None
    latency_ms: float | None
    percent: float | None
    count: int | None
    env: str | None
    hidden: bool


@dataclass(frozen=True, slots=True)
class SpikeSpec:
    at: int
    duration: int
    factor: float
    ramp: int


@dataclass(frozen=True, slots=True)
class DiurnalSpec:
    amplitude: float
    peak: int


@dataclass(frozen=True, slots=True)
class TrafficSpec:
    rps: float
    entry: dict[str, float]
    diurnal: DiurnalSpec
    noise: float
    spikes: tuple[SpikeSpec, ...]


@dataclass(frozen=True, slots=True)
class NodeOverride:
    replicas: int | None
    version: str | None


@dataclass(frozen=True, slots=True)
class EnvironmentSpec:
    name: str
    traffic: float
    replicas: int | None
    exclude: tuple[str, ...]
    overrides: dict[str, NodeOverride]
    description: str


@dataclass(frozen=True, slots=True)
class ClusterSpec:
    nodes: int
    cpu: float
    memory: float


@dataclass(frozen=True, slots=True)
class ScenarioSpec:
    name: str
    title: str
    description: str
    seed: int
    tick: int
    start: int
    zones: tuple[str, ...]
    environments: dict[str, EnvironmentSpec]
    traffic: TrafficSpec
    services: dict[str, ServiceSpec]
    databases: dict[str, DatabaseSpec]
    caches: dict[str, CacheSpec]
    queues: dict[str, QueueSpec]
    externals: dict[str, ExternalSpec]
    source: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    cluster: ClusterSpec | None = None  # None: capacity is unlimited
    chaos: tuple[ChaosSpec, ...] = ()  # faults injected on a schedule
    protected: dict[str, str] = field(default_factory=dict)  # component -> why no chaos
    alerts: dict[str, AlertRuleSpec] = field(default_factory=dict)  # the rules, by name
    default_alerts: bool = True

    @property
    def primary_environment(self) -> str:
        """The first environment declared: the one front ends show by default."""
        return next(iter(self.environments))

    def node_names(self) -> list[str]:
        """Every addressable component name, in declaration order."""
        return [*self.services, *self.databases, *self.caches, *self.queues, *self.externals]

    def kind_of(self, name: str) -> str | None:
        for kind, table in (("service", self.services), ("database", self.databases),
                            ("cache", self.caches), ("queue", self.queues),
                            ("external", self.externals)):
            if name in table:
                return kind
        return None
