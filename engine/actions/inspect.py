"""Status and explain: what a component looks like now, and why it looks that way.

``explain`` walks the call graph from the symptom toward its source: at each step it asks
whether the node's own behaviour or one of its callees accounts for most of the errors (or the
extra latency), follows the largest share, and stops where the node itself is the cause.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..commands import Explain, Reply, Status
from ..deploy.analysis import pool_readings
from ..durations import format_clock
from ..histogram import quantile
from ..instances import State
from ..metrics import M
from ..snapshot import Health, health_of
from ..topology import Kind, NodeInfo
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

ERROR_NOTABLE = 0.01
SLOW_FACTOR = 1.5
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
        return Reply(True, _line(info, figures, sim) + _rollout(sim, info.index),
                     {"target": info.name, **figures})
    recent = _recent(sim)
    rows = {n.name: _figures(sim, n.index, recent) for n in topo.nodes
            if n.env == env and n.kind != Kind.EXTERNAL}
    unhealthy = {k: v for k, v in rows.items() if v["health"] != Health.OK}
    entry = sum(float(recent["rps"][n.index]) for n in topo.nodes
                if n.env == env and topo.entry_share[n.index] > 0)
    head = f"{env} at {format_clock(sim.now)}: {len(rows)} components, {entry:.0f} rps in"
    if not unhealthy:
        message = f"{head}; all healthy"
    else:
        worst = sorted(unhealthy.items(), key=lambda kv: (-_rank(kv[1]["health"]),
                                                          -kv[1]["error_rate"]))
        listed = "; ".join(f"{k} {v['health']} ({v['ready']}/{v['desired']} ready, errors "
                           f"{v['error_rate']:.1%}, p99 {v['p99_ms']:.0f} ms)"
                           for k, v in worst[:4])
        more = f" and {len(worst) - 4} more" if len(worst) > 4 else ""
        message = f"{head}; {len(worst)} not healthy: {listed}{more}"
    return Reply(True, message, {"env": env, "components": rows})


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
        parts.append(f"{label}: {len(pool)} instances, {share:.0%} of traffic, errors "
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
    return Reply(True, f"{zone}: {ready}/{len(rows)} instances ready in {env}",
                 {"zone": zone, "ready": ready, "instances": len(rows)})


@handles(Explain)
def explain(sim: Simulation, cmd: Explain) -> Reply:
    info = find_node(sim, cmd.target, cmd.env)
    if isinstance(info, Reply):
        return info
    world = sim.world
    node = info.index
    recent = _recent(sim)
    err = float(recent["error_rate"][node])
    p99 = float(recent["p99_ms"][node]) / 1000
    base = float(sim.tick.baseline_p99[node])
    if err >= ERROR_NOTABLE:
        path = _error_path(sim, node, recent)
        cause = path[-1]
        symptom = f"{info.name} fails {err:.1%} of requests"
        via = " → ".join(world.topo.nodes[n].name for n in path)
        message = symptom if len(path) == 1 else f"{symptom}; the failures come through {via}"
        message += f"; likely cause: {_own_trouble(sim, cause, 'errors')}"
    elif p99 > SLOW_FACTOR * base:
        path = _latency_path(sim, node, recent)
        cause = path[-1]
        via = " → ".join(world.topo.nodes[n].name for n in path)
        message = f"{info.name} p99 is {p99 * 1000:.0f} ms against {base * 1000:.0f} ms normally"
        if len(path) > 1:
            message += f"; the extra time is spent in {via}"
        message += f"; likely cause: {_own_trouble(sim, cause, 'latency')}"
    else:
        figures = _figures(sim, node, recent)
        return Reply(True, f"{info.name} looks healthy: errors {figures['error_rate']:.2%}, p99 "
                           f"{figures['p99_ms']:.0f} ms (normally {base * 1000:.0f} ms), "
                           f"{figures['ready']}/{figures['desired']} ready",
                     {"target": info.name, "cause": None})
    return Reply(True, message, {"target": info.name, "cause": world.topo.nodes[cause].name,
                                 "path": [world.topo.nodes[n].name for n in path]})


def _callees(sim: Simulation, node: int) -> list[tuple[int, float]]:
    topo = sim.world.topo
    picks = np.flatnonzero(topo.edge_src == node)
    return [(int(topo.edge_dst[i]), float(topo.edge_weight[i])) for i in picks]


def _error_path(sim: Simulation, node: int, recent: dict[str, np.ndarray]) -> list[int]:
    """Follow the largest share of failures until a node's own errors dominate."""
    err, path = recent["error_rate"], [node]
    while len(path) < 16:
        shares = [(min(w, 1.0) * float(err[c]), c)  # ≈ the caller's failures through c
                  for c, w in _callees(sim, node)]
        own = float(err[node]) - sum(s for s, _ in shares)
        best = max(shares, default=(0.0, -1))
        if best[0] <= own or best[1] in path:
            break
        node = best[1]
        path.append(node)
    return path


def _latency_path(sim: Simulation, node: int, recent: dict[str, np.ndarray]) -> list[int]:
    """Follow the largest increase in p99 over its usual value."""
    p99, base, path = recent["p99_ms"] / 1000, sim.tick.baseline_p99, [node]
    while len(path) < 16:
        shares = [(float(p99[c]) - float(base[c]), c) for c, w in _callees(sim, node)]
        own_extra = float(p99[node]) - float(base[node]) - max((s for s, _ in shares),
                                                               default=0.0)
        best = max(shares, default=(0.0, -1))
        if best[0] <= own_extra or best[1] in path:
            break
        node = best[1]
        path.append(node)
    return path


def _served_by_version(sim: Simulation, node: int) -> dict[str, tuple[float, float, np.ndarray]]:
    """Requests, failures and latency histogram each live version of a node has served since
    it started (observed counts, not what the version is declared to do)."""
    world, inst = sim.world, sim.world.inst
    rows = inst.rows_of(node)
    out = {}
    for v in sorted({int(v) for v in inst.version[rows].tolist()}):
        n, failed, hist = world.version_counts.reading([v])
        out[world.versions.names[v]] = (n, failed, hist)
    return out


def _own_trouble(sim: Simulation, node: int, kind: str) -> str:
    """What is wrong with the node itself, in words."""
    world, inst = sim.world, sim.world.inst
    info = world.topo.nodes[node]
    rows = inst.rows_of(node)
    ready = int((inst.state[rows] == State.READY).sum())
    crashed = [r for r in rows.tolist() if inst.state[r] == State.CRASHED]
    reasons = {world.crash_reasons.get((node, int(inst.ordinal[r])), "") for r in crashed}
    reasons.discard("")
    if ready == 0:
        why = f" ({'; '.join(sorted(reasons))})" if reasons else ""
        return f"{info.name} has no ready instance{why}"
    if node in world.failovers.pending:
        return f"{info.name} is failing over: writes have no primary until a replica is promoted"
    if crashed:
        return (f"{info.name} is crash-looping: {len(crashed)} of {len(rows)} instances down"
                + (f" ({'; '.join(sorted(reasons))})" if reasons else ""))
    saturation = float(world.node_metrics[M.SATURATION, node])
    served = _served_by_version(sim, node)  # what each live version was seen doing
    if kind == "errors" and served:
        name, (n, failed, _) = max(served.items(), key=lambda v: v[1][1] / max(v[1][0], 1.0))
        if n > 0 and failed / n >= ERROR_NOTABLE:
            return (f"{info.name} version {name} fails {failed / n:.0%} of the requests it "
                    f"serves ({failed:,.0f} of {n:,.0f} since it started)")
    if info.kind == Kind.DATABASE and world.flow.conn_refused[node] > 0:
        return (f"{info.name} is out of connections: its clients' pools want "
                f"{world.connections_wanted[node]:.0f}, it accepts "
                f"{int(info.spec.max_connections)} a node")
    if saturation >= 0.95:
        return (f"{info.name} is saturated ({saturation:.0%} utilisation on {ready} ready "
                "instances): queueing, then shedding load — add capacity")
    if kind == "latency" and len(served) > 1:
        medians = {v: float(quantile(h, 0.5)[0]) for v, (n, _, h) in served.items() if n > 0}
        slow, fast = max(medians, key=medians.get), min(medians, key=medians.get)
        if medians[slow] > 1.2 * medians[fast]:
            return (f"{info.name} version {slow} is slower than {fast}: median "
                    f"{medians[slow] * 1000:.0f} ms against {medians[fast] * 1000:.0f} ms")
    if info.kind == Kind.EXTERNAL:
        return f"{info.name} (an external dependency) is slow or failing"
    return f"{info.name} itself ({saturation:.0%} busy, {ready}/{len(rows)} ready)"
