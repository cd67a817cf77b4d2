"""``explain``: why a component looks the way it does, from what an operator can observe.

Nothing here reads the scenario's version table or anything else the trainee cannot see; only
the metric store, instance states, rollouts and revisions the trainee started, and the
estate's own recent past. The diagnosis:

1. The symptom: the target's errors over the last minute, or its p99 against its own p99 of
   the 12 minutes before the last 3 (its baseline).
2. The path: from the target along its calls, follow the callee that accounts for most of the
   failures (or of the extra latency over *its* baseline) until the node's own share dominates.
3. The cause at the end of the path, the strongest evidence first: no ready instance, a crash
   loop, a failover; a rollout of that node started before the symptom whose new pool does
   worse than the stable one; an open circuit breaker on its calls; a version that fails or is
   slower than another live version; saturation (whether its traffic rose, and its latest
   change of instance count from the event log); a database out of connections; replication
   lag. It says how sure it is and what points the other way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..commands import Explain, Reply
from ..histogram import B, quantile
from ..instances import State
from ..metrics import M
from ..topology import Kind
from .changes import LOOK_BACK_MS, changes, onset, timeline
from .explain_signals import with_signals
from .inspect import _figures
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

ERROR_NOTABLE = 0.01
SLOW_FACTOR = 1.5
NOW_MS, BEFORE_MS, GAP_MS = 60_000, 15 * 60_000, 3 * 60_000


@handles(Explain)
def explain(sim: Simulation, cmd: Explain) -> Reply:
    if cmd.target is None:
        from .explain_estate import explain_estate

        return explain_estate(sim, cmd.env)
    info = find_node(sim, cmd.target, cmd.env)
    if isinstance(info, Reply):
        return info
    node = info.index
    recent = sim.metrics.recent(NOW_MS, sim.now)
    base = _baseline_p99(sim)
    found = diagnose(sim, node, recent, base)
    if found is not None:
        message, data = found
        return with_signals(sim, Reply(True, message, data), data["path"])
    err = float(recent["error_rate"][node])
    f = _figures(sim, node, recent)
    change = _recent_rollout(sim, node, "errors")
    if change:  # a small canary can fail a lot before the whole service shows it
        return with_signals(sim, Reply(
            True, f"{info.name} fails {err:.2%} of requests overall, but {change}",
            {"target": info.name, "cause": info.name, "path": [info.name],
             "confidence": "likely", "evidence": change}), [info.name])
    below, injected = _injected_below(sim, node)
    if injected:  # a fault the trainee injected, before it stands out from the history
        return with_signals(sim, Reply(
            True, f"{info.name} (errors {f['error_rate']:.2%}, p99 {f['p99_ms']:.0f} ms) shows no "
                  f"clear symptom against its own history yet, but {injected}",
            {"target": info.name, "cause": below, "path": [info.name],
             "confidence": "possibly", "evidence": injected}), [info.name])
    usual = f" (earlier {base[node] * 1000:.0f} ms)" if base[node] > 0 else ""
    return with_signals(sim, Reply(True, f"{info.name} looks healthy: errors {f['error_rate']:.2%}, p99 "
                       f"{f['p99_ms']:.0f} ms{usual}, {f['ready']}/{f['desired']} ready",
                 {"target": info.name, "cause": None}), [info.name])


def diagnose(sim: Simulation, node: int, recent: dict,
             base: np.ndarray) -> tuple[str, dict] | None:
    """The node's symptom traced to its likely cause, in words and as data; None when it
    shows no symptom (errors under 1 %, p99 within 1.5× its own baseline)."""
    names = sim.world.topo.nodes
    info = names[node]
    err, p99 = float(recent["error_rate"][node]), float(recent["p99_ms"][node]) / 1000
    if err >= ERROR_NOTABLE:
        path = _path(sim, node, recent["error_rate"], np.zeros_like(base), own_share=True)
        symptom = f"{info.name} fails {err:.1%} of requests"
    elif base[node] > 0 and p99 > SLOW_FACTOR * base[node]:
        path = _path(sim, node, recent["p99_ms"] / 1000, base, own_share=False)
        symptom = f"{info.name} p99 is {p99 * 1000:.0f} ms against {base[node] * 1000:.0f} ms " \
                  "over the quarter hour before"
    else:
        return None
    cause = path[-1]
    via = " → ".join(names[n].name for n in path)
    kind = "errors" if err >= ERROR_NOTABLE else "latency"
    sure, why, against = _cause(sim, cause, kind, recent)
    began = onset(sim, node, kind, float(base[node]), ERROR_NOTABLE, SLOW_FACTOR)
    when = timeline(sim, began, {names[n].name for n in path}, info.env, node,
                    names[cause].name)
    message = symptom + (f"; it comes through {via}" if len(path) > 1 else "")
    message += f"; {sure}: {why}" + (f" (but {against})" if against else "")
    message += f". Timing: {when}" if when else ""
    return message, {"target": info.name, "cause": names[cause].name,
                     "path": [names[n].name for n in path], "confidence": sure,
                     "evidence": why, "began_ms": began, "timing": when, "symptom": symptom,
                     "kind": kind}


def _injected_below(sim: Simulation, node: int) -> tuple[str | None, str]:
    """A fault the trainee injected into the node or anything it calls, still running (from
    the event log): worth naming even before its effect stands out from the node's history."""
    topo = sim.world.topo
    names = {topo.nodes[n].name for n in topo.reachable(node, upstream=False) | {node}}
    logged = changes(sim, names, topo.nodes[node].env, sim.now - LOOK_BACK_MS)
    running = [c for c in logged if "was injected into" in c.text and not any(
        later.t >= c.t and later.text.startswith(f"the {c.text.split()[0]} on {c.subject}")
        for later in logged)]
    if not running:
        return None, ""
    c = running[-1]
    via = "" if c.subject == topo.nodes[node].name else f", which {topo.nodes[node].name} calls"
    return c.subject, f"{c.text} {(sim.now - c.t) // 1000}s ago{via}"


def _baseline_p99(sim: Simulation) -> np.ndarray:
    """Each node's p99 (s) over [now − 15 min, now − 3 min], or up to the start of a rollout
    in that time (the estate before the change): its own recent normal (0 where the run is
    younger than that or the node served nothing)."""
    starts = [r.started for r in (*sim.deploys.active.values(), *sim.deploys.finished)
              if r.started > sim.now - BEFORE_MS]
    gap = max(GAP_MS, sim.now - min(starts, default=sim.now))
    if sim.now < BEFORE_MS or gap >= BEFORE_MS - 60_000:
        return np.zeros(sim.world.topo.size)
    older = sim.metrics.window_counts(BEFORE_MS, sim.now)[:, :B]
    newer = sim.metrics.window_counts(gap, sim.now)[:, :B]
    return quantile(np.maximum(older - newer, 0.0), 0.99)


def _path(sim: Simulation, node: int, value: np.ndarray, base: np.ndarray,
          own_share: bool) -> list[int]:
    """Follow the callee that accounts for most of the symptom until the node's own part is
    the largest (errors: a call of weight w passes on w × the callee's error rate; latency:
    the callee's p99 above its own baseline)."""
    topo, path = sim.world.topo, [node]
    while len(path) < 16:
        edges = np.flatnonzero(topo.edge_src == node)
        shares = [((min(float(topo.edge_weight[e]), 1.0) * float(value[topo.edge_dst[e]]))
                   if own_share else float(value[topo.edge_dst[e]] - base[topo.edge_dst[e]]),
                   int(topo.edge_dst[e])) for e in edges]
        if own_share:
            own = float(value[node]) - sum(s for s, _ in shares)
        else:
            own = float(value[node] - base[node]) - max((s for s, _ in shares), default=0.0)
        best = max(shares, default=(0.0, -1))
        if best[0] <= own or best[1] in path or best[0] <= 0:
            break
        node = best[1]
        path.append(node)
    return path


def _cause(sim: Simulation, node: int, kind: str, recent: dict) -> tuple[str, str, str]:
    """(how sure, the evidence, what points the other way) for the node at the end."""
    world, inst = sim.world, sim.world.inst
    info = world.topo.nodes[node]
    rows = inst.rows_of(node)
    ready = int((inst.state[rows] == State.READY).sum())
    crashed = [r for r in rows.tolist() if inst.state[r] == State.CRASHED]
    reasons = sorted({world.crash_reasons.get((node, int(inst.ordinal[r])), "")
                      for r in crashed} - {""})
    why = f" ({'; '.join(reasons)})" if reasons else ""
    if ready == 0:
        return "certain", f"{info.name} has no ready instance{why}", ""
    if node in world.failovers.pending:
        return "certain", (f"{info.name} is failing over: writes have no primary until a "
                           "replica is promoted"), ""
    if crashed:
        return "likely", (f"{info.name} is crash-looping: {len(crashed)} of {len(rows)} "
                          f"instances down{why}"), ""
    logged = changes(sim, {info.name}, info.env, sim.now - LOOK_BACK_MS)
    injected = [c for c in logged if "was injected into" in c.text and not any(
        later.t >= c.t and later.text.startswith(f"the {c.text.split()[0]} on ")
        for later in logged)]
    if injected:  # a fault the trainee injected, still running
        return "likely", f"{injected[-1].text} {(sim.now - injected[-1].t) // 1000}s ago", ""
    failover = [c for c in logged if "failed over" in c.text]
    if failover:
        return "likely", (f"{failover[-1].text} {(sim.now - failover[-1].t) // 1000}s ago: "
                          "writes fail while it has no primary"), ""
    change = _recent_rollout(sim, node, kind)
    if change:
        return "likely", change, ""
    opened = _open_breakers(sim, node)
    if opened:
        return "likely", opened, ""
    busy, pool, on = _busiest_pool(sim, node)
    if busy >= 0.95:
        scaled = _last_scale(sim, info)
        rise = _traffic_note(sim, node, recent)
        return "likely", (f"{info.name}{pool} is saturated ({busy:.0%} busy on {on} ready "
                          f"instances): queueing, then shedding load — add capacity"
                          + (f"; {rise}" if rise else "") + scaled), \
            "" if rise else "its traffic did not rise, so something made each request costlier"
    version = _worse_version(sim, node, kind)
    if version:
        return "likely", version, ""
    row = world.node_metrics[:, node]
    saturation = float(row[M.SATURATION])
    if info.kind == Kind.DATABASE:
        conns, limit = float(row[M.CONNECTIONS]), float(info.spec.max_connections) * ready
        if conns >= limit * 0.999:
            return "likely", (f"{info.name} is out of connections: {conns:.0f} of {limit:.0f} "
                              "in use, queries beyond them are refused"), ""
        if float(row[M.REPLICATION_LAG]) > 1.0:
            return "possibly", (f"{info.name}'s replicas lag {float(row[M.REPLICATION_LAG]):.1f}"
                                " s behind"), ""
    if info.kind == Kind.EXTERNAL:
        return "possibly", f"{info.name} (an external dependency) is slow or failing", ""
    return "possibly", (f"{info.name} itself: nothing changed that can be seen "
                        f"({saturation:.0%} busy, {ready}/{len(rows)} ready)"), \
        _traffic_note(sim, node, recent)


def _open_breakers(sim: Simulation, node: int) -> str:
    """The node's circuit breakers that are open now: its calls through them fail at once."""
    topo, flow = sim.world.topo, sim.world.flow
    edges = np.flatnonzero((topo.edge_src == node) & (flow.breaker_open_until > sim.now))
    if not len(edges):
        return ""
    callees = ", ".join(topo.nodes[int(topo.edge_dst[e])].name for e in edges)
    down = [topo.nodes[int(topo.edge_dst[e])].name for e in edges
            if not (sim.world.inst.state[sim.world.inst.rows_of(int(topo.edge_dst[e]))]
                    == State.READY).any()]
    behind = f"; behind it, {', '.join(down)} has no ready instance" if down else ""
    return (f"the circuit breaker from {topo.nodes[node].name} to {callees} is open: those "
            f"calls fail at once (it opened after too many of them failed){behind}")


def _recent_rollout(sim: Simulation, node: int, kind: str) -> str:
    """A rollout of the node still running or finished in the last quarter hour, whose new
    pool did worse than the rest since it started."""
    rollouts = [r for r in (*sim.deploys.active.values(), *sim.deploys.finished)
                if r.node == node and sim.now - r.started <= BEFORE_MS]
    if not rollouts:
        return ""
    r = rollouts[-1]
    served = _served_by_version(sim, node)
    new, rest = served.get(r.to_version), [v for k, v in served.items() if k != r.to_version]
    rest = rest or [sim.world.version_counts.reading(
        [sim.world.versions.index(node, r.from_version, {})])]
    if new is None or new[0] <= 0 or rest[0][0] <= 0:
        return ""
    old = (sum(v[0] for v in rest), sum(v[1] for v in rest))
    started = f"the {r.strategy} of {r.service} {r.to_version}, started " \
              f"{(sim.now - r.started) // 1000}s ago"
    if kind == "errors" and new[1] / new[0] > 2 * old[1] / max(old[0], 1.0) + ERROR_NOTABLE / 2:
        return (f"{started}: its pool fails {new[1]:,.0f} of {new[0]:,.0f} requests against "
                f"{old[1]:,.0f} of {old[0]:,.0f} on the others")
    if kind == "latency":
        slow = float(quantile(new[2], 0.5)[0])
        before = float(quantile(sum(v[2] for v in rest), 0.5)[0])
        if slow > 1.2 * before:
            return (f"{started}: its pool's median is {slow * 1000:.0f} ms against "
                    f"{before * 1000:.0f} ms on the version before")
    return ""


def _busiest_pool(sim: Simulation, node: int) -> tuple[float, str, int]:
    """The busiest version pool of a node by its ready instances' CPU (as a per-pod CPU
    panel shows it; a quiet canary does not dilute a saturated stable pool): how busy, the
    pool in words when there are several, and how many ready instances it has."""
    world, inst = sim.world, sim.world.inst
    rows = inst.rows_of(node)
    rows = rows[inst.state[rows] == State.READY]
    if not len(rows):
        return 0.0, "", 0
    idle = float(world.topo.cpu_idle[node])
    versions = inst.version[rows]
    pools = {int(v): rows[versions == v] for v in np.unique(versions)}
    v, pool = max(pools.items(), key=lambda p: float(inst.cpu[p[1]].mean()))
    busy = (float(inst.cpu[pool].mean()) - idle) / max(1.0 - idle, 1e-9)
    name = f" ({world.versions.names[v]} pool)" if len(pools) > 1 else ""
    return min(max(busy, 0.0), 1.0), name, len(pool)


def _worse_version(sim: Simulation, node: int, kind: str) -> str:
    """A live version that fails or is slower than another live version of the node (a
    comparison: one version alone is not evidence against itself)."""
    served = _served_by_version(sim, node)
    info = sim.world.topo.nodes[node]
    if len(served) < 2:
        return ""
    if kind == "errors":
        rates = {v: (f / n, n, f) for v, (n, f, _) in served.items() if n > 0}
        if len(rates) < 2:
            return ""
        worst, best = max(rates, key=lambda v: rates[v][0]), min(rates, key=lambda v: rates[v][0])
        rate, n, failed = rates[worst]
        if rate >= ERROR_NOTABLE and rate > 2 * rates[best][0] + ERROR_NOTABLE / 2:
            return (f"{info.name} version {worst} fails {rate:.1%} of the requests it serves "
                    f"({failed:,.0f} of {n:,.0f} since it started) against "
                    f"{rates[best][0]:.1%} on {best}")
    elif len(served) > 1:
        medians = {v: float(quantile(h, 0.5)[0]) for v, (n, _, h) in served.items() if n > 0}
        slow, fast = max(medians, key=medians.get), min(medians, key=medians.get)
        if medians[slow] > 1.2 * medians[fast]:
            return (f"{info.name} version {slow} is slower than {fast}: median "
                    f"{medians[slow] * 1000:.0f} ms against {medians[fast] * 1000:.0f} ms")
    return ""


def _served_by_version(sim: Simulation, node: int) -> dict[str, tuple[float, float, np.ndarray]]:
    """Requests, failures and latency histogram each live version of a node has served since
    it started (observed counts, not what the version is declared to do)."""
    world, inst = sim.world, sim.world.inst
    rows = inst.rows_of(node)
    return {world.versions.names[v]: world.version_counts.reading([v])
            for v in sorted({int(v) for v in inst.version[rows].tolist()})}


def _last_scale(sim: Simulation, info) -> str:  # noqa: ANN001 - NodeInfo
    """The node's latest change of instance count in the last quarter hour, from the log."""
    scaled = [c for c in changes(sim, {info.name}, info.env, sim.now - LOOK_BACK_MS)
              if " was scaled " in c.text]
    return f"; {scaled[-1].text} {(sim.now - scaled[-1].t) // 1000}s ago" if scaled else ""


def _traffic_note(sim: Simulation, node: int, recent: dict) -> str:
    """Whether the node's traffic rose against its quarter hour before (a spike, not a fault)."""
    if sim.now < BEFORE_MS:
        return ""
    earlier = sim.metrics.recent(BEFORE_MS, sim.now)["requests"][node]
    later = sim.metrics.recent(GAP_MS, sim.now)["requests"][node]
    before = (earlier - later) / ((BEFORE_MS - GAP_MS) / 1000)
    now = float(recent["rps"][node])
    if before > 0 and now > 1.3 * before:
        return f"its traffic rose from {before:.0f} to {now:.0f} rps"
    return ""
