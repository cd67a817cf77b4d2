"""Status: what a component looks like now (``explain``, why, is in ``actions.explain``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..commands import Reply, Status
from ..wording import counted, plural
from ..deploy.analysis import pool_readings
from ..durations import format_clock
from ..instances import State
from ..metrics import M
from ..snapshot import Health, health_of
from ..topology import Kind, NodeInfo
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

WINDOW_MS = 60_000  # what status and explain look back over, as a one-minute dashboard does


def _recent(sim: Simulation) -> dict[str, np.ndarray]:
    return sim.metrics.recent(WINDOW_MS, sim.now)


def _figures(sim: Simulation, node: int, recent: dict[str, np.ndarray] | None = None,
             ) -> dict[str, Any]:
    recent = recent or _recent(sim)
    row = sim.world.node_metrics[:, node]
    ready, desired = int(row[M.READY]), int(sim.world.inst.counts[node])
    err, rps = float(recent["error_rate"][node]), float(recent["rps"][node])
    return {
        "rps": round(rps, 2), "p99_ms": round(float(recent["p99_ms"][node]), 1),
        "error_rate": round(err, 5), "ready": ready, "desired": desired,
        "cpu": round(float(row[M.CPU]), 3),
        "health": health_of(err, 1.0 - err, float(row[M.SATURATION]), ready, desired,
                            rps).value,
    }


def _line(info: NodeInfo, f: dict[str, Any], sim: Simulation) -> str:
    versions = sorted({sim.world.versions.names[v] for v in
                       sim.world.inst.version[sim.world.inst.rows_of(info.index)].tolist()})
    version = "/".join(versions) or info.version
    head = f"{info.name} {version}".strip()
    return (f"{head} · {f['ready']}/{f['desired']} ready · {f['rps']:.0f} rps · "
            f"p99 {f['p99_ms']:.0f} ms · errors {f['error_rate']:.2%} · cpu {f['cpu']:.0%} · "
            f"{f['health']}")


@handles(Status)
def status(sim: Simulation, cmd: Status) -> Reply:
    topo = sim.world.topo
    env = cmd.env or sim.spec.primary_environment
    if cmd.target is not None:
        if cmd.target in sim.spec.zones:
            return _zone_status(sim, cmd.target, env)
        info = find_node(sim, cmd.target, env)
        if isinstance(info, Reply):
            return info
        figures = _figures(sim, info.index)
        if info.kind == Kind.DATABASE:
            return _database_status(sim, info, figures)
        slo, slo_data = _slo(sim, info.index)
        return Reply(True, _line(info, figures, sim) + slo + _rollout(sim, info.index),
                     {"target": info.name, **figures, **slo_data})
    recent = _recent(sim)
    rows = {n.name: _figures(sim, n.index, recent) for n in topo.nodes
            if n.env == env and n.kind != Kind.EXTERNAL}
    unhealthy = {k: v for k, v in rows.items() if v["health"] != Health.OK}
    entry = sum(float(recent["rps"][n.index]) for n in topo.nodes
                if n.env == env and topo.entry_share[n.index] > 0)
    head = f"{env} at {format_clock(sim.now)}: {counted(len(rows), 'component')}, {entry:.0f} rps in"
    if not unhealthy:
        message = f"{head}; all healthy"
        return Reply(True, message + _alerting(sim, env), {"env": env, "components": rows})
    else:
        worst = sorted(unhealthy.items(), key=lambda kv: (-_rank(kv[1]["health"]),
                                                          -kv[1]["error_rate"]))
        listed = "; ".join(f"{k} {v['health']} ({v['ready']}/{v['desired']} ready, errors "
                           f"{v['error_rate']:.1%}, p99 {v['p99_ms']:.0f} ms)"
                           for k, v in worst[:4])
        more = f" and {len(worst) - 4} more" if len(worst) > 4 else ""
        message = f"{head}; {len(worst)} not healthy: {listed}{more}"
    return Reply(True, message + _alerting(sim, env), {"env": env, "components": rows})


def _slo(sim: Simulation, node: int) -> tuple[str, dict[str, Any]]:
    """' · SLO 99.9% avail: 97% of budget left, burning 0.4× · 500 ms at 99%: 100% left'."""
    book = sim.slo
    i = book.row(node)
    if i is None:
        return "", {}
    spec, left, burn = book.specs[node], book.left()[i], book.burn_rate(3_600_000)[i]
    text = (f" · SLO {spec.availability:.2%} available: {left[0]:.0%} of its budget left, "
            f"burning {burn[0]:.1f}×; {spec.latency} ms for {spec.latency_target:.0%}: "
            f"{left[1]:.0%} left, burning {burn[1]:.1f}× (1h)")
    return text, {"budget_left": {"availability": round(float(left[0]), 4),
                                  "latency": round(float(left[1]), 4)},
                  "burn_1h": {"availability": round(float(burn[0]), 3),
                              "latency": round(float(burn[1]), 3)}}


def _alerting(sim: Simulation, env: str) -> str:
    """'; 3 alerts firing (2 critical): HighErrorRate ×2, …; budgets below half: checkout 31%'."""
    firing = [a for a in sim.alerts.firing() if a.env in (env, None) and not a.muted]
    text = ""
    if firing:
        critical = sum(a.severity == "critical" for a in firing)
        names: dict[str, int] = {}
        for a in firing:
            names[a.name] = names.get(a.name, 0) + 1
        listed = ", ".join(f"{n} ×{c}" if c > 1 else n for n, c in names.items())
        text += (f"; {len(firing)} alert{'s' * (len(firing) != 1)} firing"
                 f"{f' ({critical} critical)' if critical else ''}: {listed}")
    book, topo = sim.slo, sim.world.topo
    low = [(topo.nodes[n].name, float(book.left()[i].min())) for i, n in
           enumerate(book.nodes.tolist()) if topo.nodes[n].env == env
           and book.left()[i].min() < 0.5]
    if low:
        text += "; error budgets below half: " + ", ".join(f"{n} {v:.0%}" for n, v in low)
    return text


def _rollout(sim: Simulation, node: int) -> str:
    """During a rollout: the new and the stable pool, side by side."""
    from ..deploy.analysis import pool_figures

    rollout = sim.deploys.active.get(node)
    if rollout is None:
        return ""
    inst = sim.world.inst
    rows = inst.rows_of(node)
    new = rows[inst.version[rows] == rollout.new_v]
    old = rows[inst.version[rows] != rollout.new_v]
    readings = pool_readings(sim.world, rollout.node, rollout.new_v)
    start = rollout.bake_counts or ((0.0, 0.0, np.zeros_like(readings[0][2])),) * 2
    total = max(readings[0][0] - start[0][0] + readings[1][0] - start[1][0], 1e-9)
    parts = []
    for label, pool, now, then in ((rollout.to_version, new, readings[0], start[0]),
                                   (rollout.from_version, old, readings[1], start[1])):
        err, (_, p99) = pool_figures(*now, *then)
        share = (now[0] - then[0]) / total
        parts.append(f"{label}: {counted(len(pool), 'instance')}, {share:.0%} of traffic, errors "
                     f"{err:.2%}, p99 {p99 * 1000:.0f} ms")
    return f" · rolling out ({rollout.strategy}, {rollout.step_label}) — " + "; ".join(parts)


def _rank(health: str) -> int:
    return {"ok": 0, "degraded": 1, "failing": 2, "down": 3}[health]


def _database_status(sim: Simulation, info: NodeInfo, figures: dict[str, Any]) -> Reply:
    world, inst = sim.world, sim.world.inst
    nodes = []
    for row in inst.rows_of(info.index).tolist():
        role = "primary" if inst.role[row] == 1 else "replica"
        state = State(inst.state[row]).name.lower()
        lag = f", lag {inst.lag[row] * 1000:.0f} ms" if role == "replica" else ""
        nodes.append(f"{world.instance_name(row)} {role} {state}{lag}")
    pending = " · failing over" if info.index in world.failovers.pending else ""
    disk = sim.disks.share(info.index, world)
    pending += f" · disk {disk:.0%} used" if disk is not None else ""
    message = (f"{info.name} ({info.spec.engine} {info.version}) · {figures['rps']:.0f} qps · "
               f"p99 {figures['p99_ms']:.1f} ms · errors {figures['error_rate']:.2%} · "
               f"{'; '.join(nodes)}{pending}")
    return Reply(True, message, {"target": info.name, **figures, "nodes": nodes})


def _zone_status(sim: Simulation, zone: str, env: str) -> Reply:
    inst, topo = sim.world.inst, sim.world.topo
    z = sim.spec.zones.index(zone)
    rows = [r for r in np.flatnonzero(inst.zone == z).tolist()
            if topo.nodes[int(inst.node[r])].env == env]
    ready = sum(1 for r in rows if inst.state[r] == State.READY)
    return Reply(True, f"{zone}: {ready}/{len(rows)} {plural('instance', len(rows))} ready in {env}",
                 {"zone": zone, "ready": ready, "instances": len(rows)})
