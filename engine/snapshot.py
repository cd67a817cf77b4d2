"""Immutable views of the world for front ends: what a pane may read, and nothing more.

A snapshot copies plain numbers out of the world's arrays; holding one never keeps engine state
alive or lets a widget change it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np

from .durations import format_clock
from .instances import Role, State
from .metrics import M
from .topology import Kind

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["AlertRow", "SloRow", "CacheRow", "DeploymentRow", "DatabaseNodeRow", "DatabaseRow", "Health", "InstanceRow", "QueueRow",
           "ServiceRow", "Snapshot", "take_snapshot"]


class Health(StrEnum):
    OK = "ok"
    DEGRADED = "degraded"
    FAILING = "failing"
    DOWN = "down"


@dataclass(frozen=True, slots=True)
class ServiceRow:
    name: str
    env: str
    kind: str
    version: str
    versions: tuple[str, ...]
    ready: int
    desired: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    error_rate: float
    cpu: float
    memory_mib: float
    saturation: float
    availability: float
    health: Health


@dataclass(frozen=True, slots=True)
class InstanceRow:
    name: str
    node: str
    env: str
    version: str
    zone: str
    state: str
    role: str
    rps: float
    cpu: float
    memory_mib: float
    restarts: int
    since_ms: int


@dataclass(frozen=True, slots=True)
class DatabaseNodeRow:
    name: str
    role: str
    state: str
    lag_s: float
    connections: float
    max_connections: int
    qps: float


@dataclass(frozen=True, slots=True)
class DatabaseRow:
    name: str
    env: str
    engine: str
    version: str
    qps: float
    p99_ms: float
    error_rate: float
    nodes: tuple[DatabaseNodeRow, ...]
    status: str
    failovers: int = 0  # since the start
    backup_point_ms: int | None = None  # the newest backup's recovery point
    backing_up: bool = False
    restoring: bool = False


@dataclass(frozen=True, slots=True)
class CacheRow:
    name: str
    env: str
    ops: float
    hit_ratio: float
    target_hit_ratio: float


@dataclass(frozen=True, slots=True)
class QueueRow:
    name: str
    env: str
    publish_rate: float
    consumer_lag: float


@dataclass(frozen=True, slots=True)
class AlertRow:
    name: str
    severity: str
    target: str | None
    state: str  # pending, firing, acknowledged, silenced, inhibited
    since_ms: int
    id: int = 0
    summary: str = ""
    env: str | None = None


@dataclass(frozen=True, slots=True)
class SloRow:
    service: str
    env: str
    availability: float  # the objective
    latency_ms: int
    latency_target: float
    availability_left: float  # share of the budget left
    latency_left: float
    burn_1h: float  # the availability budget's burn rate over the last hour


@dataclass(frozen=True, slots=True)
class DeploymentRow:
    service: str
    env: str
    from_version: str
    to_version: str
    strategy: str
    progress: float  # 0..1
    step: str
    verdict: str
    steps_done: int = 0  # steps of the plan passed (a canary's weights and its promotion, a
    steps: int = 0  # rolling update's batches, blue-green's preview, analysis and switch)


@dataclass(frozen=True, slots=True)
class Snapshot:
    t_ms: int
    clock: str
    time_of_day: str
    scenario: str
    seed: int
    primary_env: str
    environments: tuple[str, ...]
    traffic_factor: float
    services: tuple[ServiceRow, ...]
    databases: tuple[DatabaseRow, ...]
    caches: tuple[CacheRow, ...]
    queues: tuple[QueueRow, ...]
    instances: tuple[InstanceRow, ...]
    alerts: tuple[AlertRow, ...] = ()  # live alerts, worst first
    alert_rules: int = 0
    alerts_watched: int = 0  # components the rules watch
    alerts_evaluated: bool = False  # has any rule been evaluated yet?
    slos: tuple[SloRow, ...] = ()
    deployments: tuple[DeploymentRow, ...] = ()  # filled once rollouts are simulated
    paused: bool = False
    speed: float = 1.0

    def service(self, name: str, env: str | None = None) -> ServiceRow | None:
        env = env or self.primary_env
        return next((s for s in self.services if s.name == name and s.env == env), None)

    def database(self, name: str, env: str | None = None) -> DatabaseRow | None:
        env = env or self.primary_env
        return next((d for d in self.databases if d.name == name and d.env == env), None)


def health_of(error_rate: float, availability: float, saturation: float, ready: int,
              desired: int, rps: float) -> Health:
    """A traffic light for a component: the rule the panes colour by."""
    if ready == 0 and (desired > 0 or rps > 0):
        return Health.DOWN
    if error_rate >= 0.05 or availability < 0.95:
        return Health.FAILING
    if error_rate >= 0.01 or saturation >= 0.85 or ready < desired:
        return Health.DEGRADED
    return Health.OK


def take_snapshot(sim: Simulation, instances_of: set[str] | None = None) -> Snapshot:
    """The current state; instance rows for every node, or only for ``instances_of``."""
    world = sim.world
    topo, inst, metrics = world.topo, world.inst, world.node_metrics
    versions = world.versions.names
    zones = sim.spec.zones
    services: list[ServiceRow] = []
    databases: list[DatabaseRow] = []
    caches: list[CacheRow] = []
    queues: list[QueueRow] = []
    instances: list[InstanceRow] = []
    for info in topo.nodes:
        row = metrics[:, info.index]
        rows = inst.rows_of(info.index)
        for r in rows.tolist() if instances_of is None or info.name in instances_of else ():
            instances.append(InstanceRow(
                world.instance_name(r), info.name, info.env, versions[inst.version[r]],
                zones[inst.zone[r]], State(inst.state[r]).name.lower(),
                Role(inst.role[r]).name.lower(), float(inst.lam[r]), float(inst.cpu[r]),
                float(inst.mem[r]), int(inst.restarts[r]), int(inst.since[r])))
        names = [versions[v] for v in inst.version[rows].tolist()]
        main = max(set(names), key=names.count) if names else info.version
        ready, desired = int(row[M.READY]), len(rows)
        if info.kind == Kind.DATABASE:
            nodes = tuple(DatabaseNodeRow(
                world.instance_name(r), Role(inst.role[r]).name.lower(),
                State(inst.state[r]).name.lower(), float(inst.lag[r]),
                float(min(world.connections_wanted[info.index] / max(len(rows), 1),
                          info.spec.max_connections)),
                int(info.spec.max_connections), float(inst.lam[r]))
                for r in rows.tolist())
            status = "failing over" if info.index in world.failovers.pending else (
                health_of(float(row[M.ERROR_RATE]), float(row[M.AVAILABILITY]),
                          float(row[M.SATURATION]), ready, desired, float(row[M.RPS])).value)
            backups = sim.backups.done.get(info.index)
            status = "restoring" if info.index in sim.backups.restoring else status
            databases.append(DatabaseRow(info.name, info.env, info.spec.engine, info.version,
                                         float(row[M.RPS]), float(row[M.P99]),
                                         float(row[M.ERROR_RATE]), nodes, status,
                                         world.failovers.done.get(info.index, 0),
                                         backups[-1].point if backups else None,
                                         info.index in sim.backups.running,
                                         info.index in sim.backups.restoring))
            continue
        if info.kind == Kind.CACHE:
            caches.append(CacheRow(info.name, info.env, float(row[M.RPS]),
                                   float(row[M.HIT_RATIO]), float(info.spec.hit_ratio)))
        elif info.kind == Kind.QUEUE:
            queues.append(QueueRow(info.name, info.env, float(row[M.RPS]),
                                   float(row[M.QUEUE_LAG])))
        services.append(ServiceRow(
            info.name, info.env, info.kind, main, tuple(sorted(set(names))), ready, desired,
            float(row[M.RPS]), float(row[M.P50]), float(row[M.P95]), float(row[M.P99]),
            float(row[M.ERROR_RATE]), float(row[M.CPU]), float(row[M.MEMORY]),
            float(row[M.SATURATION]), float(row[M.AVAILABILITY]),
            health_of(float(row[M.ERROR_RATE]), float(row[M.AVAILABILITY]),
                      float(row[M.SATURATION]), ready, desired, float(row[M.RPS]))))
    deployments = tuple(
        DeploymentRow(r.service, r.env, r.from_version, r.to_version, r.strategy, r.progress,
                      r.step_label if r.finished_at is None else (r.reason or r.verdict)[:40],
                      r.verdict, *_steps(sim, r))
        for r in (*sim.deploys.active.values(), *reversed(sim.deploys.finished)))
    tod = (sim.spec.start + sim.clock.now) % 86_400_000
    return Snapshot(
        t_ms=sim.clock.now, clock=format_clock(sim.clock.now), time_of_day=format_clock(tod),
        scenario=sim.spec.name, seed=sim.seed, primary_env=sim.spec.primary_environment,
        environments=tuple(topo.envs), traffic_factor=float(np.round(sim.tick.traffic.factor, 4)),
        services=tuple(services), databases=tuple(databases), caches=tuple(caches),
        queues=tuple(queues), instances=tuple(instances), deployments=deployments,
        paused=sim.paused, speed=sim.speed, alerts=_alerts(sim), alert_rules=len(sim.alerts.rules),
        alerts_watched=sim.alerts.watched, alerts_evaluated=bool(sim.alerts.evaluated),
        slos=_slos(sim))


def _steps(sim: Any, r: Any) -> tuple[int, int]:
    """A rollout's (steps passed, steps planned): a canary's weights then its promotion; a
    rolling update's batches (from the instance count less the batch surging in, so the count
    holds while a batch is added); blue-green's preview, analysis and switch."""
    from .deploy.strategies import SURGE

    done = r.step
    if r.strategy == "canary":
        total = len(r.steps) + 1
    elif r.strategy == "rolling":
        size = len(sim.world.inst.rows_of(r.node))
        if r.finished_at is None and r.phase in ("surge", "bake"):
            size -= r.batch
        total = max(math.ceil(size / max(1, math.ceil(size * SURGE))), done, 1)
    else:
        done = {"bake": 1, "switch": 2, "switched": 3}.get(r.phase, 0)
        total = 3
    if r.verdict == "completed":
        done = total
    return min(done, total), total


def _alerts(sim: Any) -> tuple[AlertRow, ...]:
    order = {"critical": 0, "warning": 1, "info": 2}
    live = sorted(sim.alerts.live.values(), key=lambda a: (
        a.state != "firing", a.muted, order.get(a.severity, 3), a.id))
    return tuple(AlertRow(a.name, a.severity, a.component, a.shown_state,
                          a.starts_at if a.starts_at is not None else a.active_at, a.id,
                          a.summary, a.env) for a in live)


def _slos(sim: Any) -> tuple[SloRow, ...]:
    book, topo = sim.slo, sim.world.topo
    left, burn = book.left(), book.burn_rate(3_600_000)
    rows = []
    for i, node in enumerate(book.nodes.tolist()):
        info, spec = topo.nodes[node], book.specs[node]
        rows.append(SloRow(info.name, info.env, spec.availability, spec.latency,
                           spec.latency_target, float(left[i, 0]), float(left[i, 1]),
                           float(burn[i, 0])))
    return tuple(rows)
