"""What each fault of the catalogue does, registered by name (no chain of conditions).

A fault has up to three parts: ``effect`` adds what it does while it runs to the ``Effects``
the physics reads (rebuilt from every running experiment whenever one starts or ends);
``begin`` acts once when it starts (kills, flushes, stresses); ``end`` undoes what ``begin``
did. One-shot faults (a kill, a flush, a primary failure) end as they begin; the estate's own
defences (restarts, failover, the cache refilling) do the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..instances import Role, State

if TYPE_CHECKING:
    from ..world import World
    from .controller import Experiment
    from .effects import Effects

__all__ = ["BEHAVIOURS", "Behaviour"]

Effect = Callable[["World", "Experiment", "Effects"], None]
Action = Callable[["World", "Experiment", int], None]


@dataclass(frozen=True)
class Behaviour:
    effect: Effect | None = None
    begin: Action | None = None
    end: Action | None = None
    one_shot: bool = False
    percent: float | None = None  # the default magnitude, when the fault has one


BEHAVIOURS: dict[str, Behaviour] = {}


def behaves(name: str, **kw: object) -> Callable[[Effect], Effect]:
    def register(fn: Effect) -> Effect:
        BEHAVIOURS[name] = Behaviour(effect=fn, **kw)  # type: ignore[arg-type]
        return fn
    return register


def acts(name: str, **kw: object) -> Callable[[Action], Action]:
    def register(fn: Action) -> Action:
        BEHAVIOURS[name] = Behaviour(begin=fn, **kw)  # type: ignore[arg-type]
        return fn
    return register


# -- where a fault lands ------------------------------------------------------------------------
def into(world: World, exp: Experiment) -> np.ndarray:
    """The call edges a fault on the target (and its peer, if one is named) acts on: the
    calls between the two, or every call into the target."""
    topo = world.topo
    if exp.peer is not None:
        a, b = exp.node, exp.peer
        return np.flatnonzero(((topo.edge_src == a) & (topo.edge_dst == b))
                              | ((topo.edge_src == b) & (topo.edge_dst == a)))
    return np.flatnonzero(topo.edge_dst == exp.node)


def chosen_rows(world: World, exp: Experiment) -> np.ndarray:
    """The blast radius: ``count`` instances, or ``percent`` of them, or all (oldest first,
    ready ones before the rest), or every instance in the zone the fault targets."""
    inst = world.inst
    if exp.zone is not None:
        return np.flatnonzero(inst.zone == exp.zone)
    rows = inst.rows_of(exp.node)
    rows = rows[np.argsort(inst.state[rows] != State.READY, kind="stable")]
    if exp.count is not None:
        return rows[: exp.count]
    if exp.percent is not None and exp.fault not in _PERCENT_IS_MAGNITUDE:
        return rows[: max(1, int(round(len(rows) * exp.percent / 100)))]
    return rows


_PERCENT_IS_MAGNITUDE = {"error-injection", "config-error", "packet-loss", "dns-failure",
                         "cpu-stress", "traffic-spike", "replication-lag"}


# -- faults that shape requests -----------------------------------------------------------------
@behaves("latency")
def _latency(world: World, exp: Experiment, fx: Effects) -> None:
    seconds = (exp.latency_ms if exp.latency_ms is not None else 300.0) / 1000
    if exp.peer is not None:
        fx.edge_latency[into(world, exp)] += seconds
    else:
        fx.node_latency[exp.node] += seconds


@behaves("error-injection", percent=50.0)
def _errors(world: World, exp: Experiment, fx: Effects) -> None:
    fx.node_error[exp.node] = fx.combine(fx.node_error[exp.node], exp.share)


@behaves("config-error", percent=40.0)
def _config(world: World, exp: Experiment, fx: Effects) -> None:
    fx.node_error[exp.node] = fx.combine(fx.node_error[exp.node], exp.share)


@behaves("packet-loss", percent=20.0)
def _packets(world: World, exp: Experiment, fx: Effects) -> None:
    edges = into(world, exp)
    fx.edge_delay[edges] = fx.combine(fx.edge_delay[edges], exp.share)


@behaves("dns-failure", percent=100.0)
def _dns(world: World, exp: Experiment, fx: Effects) -> None:
    """The target's own lookups fail: its calls out (or to the peer) fail at once."""
    topo = world.topo
    edges = into(world, exp) if exp.peer is not None else \
        np.flatnonzero(topo.edge_src == exp.node)
    fx.edge_fail[edges] = fx.combine(fx.edge_fail[edges], exp.share)


@behaves("cert-expiry")
def _cert(world: World, exp: Experiment, fx: Effects) -> None:
    edges = into(world, exp)  # every TLS handshake to it fails at once
    fx.edge_fail[edges] = 1.0


@behaves("partition")
def _partition(world: World, exp: Experiment, fx: Effects) -> None:
    """Calls across the cut hang until their timeout: between target and peer, or every call
    into and out of the target."""
    topo = world.topo
    edges = into(world, exp) if exp.peer is not None else np.flatnonzero(
        (topo.edge_dst == exp.node) | (topo.edge_src == exp.node))
    fx.edge_cut[edges] = True


@behaves("dependency-outage")
def _outage(world: World, exp: Experiment, fx: Effects) -> None:
    fx.edge_cut[into(world, exp)] = True  # an API that hangs: calls wait for their timeout


@behaves("traffic-spike", percent=300.0)
def _spike(world: World, exp: Experiment, fx: Effects) -> None:
    entry = world.topo.entry_share > 0
    where = exp.node if entry[exp.node] else np.flatnonzero(entry)
    fx.traffic[where] *= (exp.percent if exp.percent is not None else 300.0) / 100


@behaves("replication-lag", percent=100.0)
def _lag(world: World, exp: Experiment, fx: Effects) -> None:
    """Replicas apply that much slower; by default they stop applying (as
    ``pg_wal_replay_pause`` does), so lag builds however few the writes."""
    fx.apply_factor[exp.node] *= max(1.0 - exp.share, 1e-4)


@behaves("queue-backlog")
def _backlog(world: World, exp: Experiment, fx: Effects) -> None:
    fx.stalled[exp.node] = True


@behaves("crash-loop")
def _crash_loop(world: World, exp: Experiment, fx: Effects) -> None:
    fx.no_start[exp.node] = "crashed on start (injected crash loop)"


@behaves("disk-fill")
def _disk(world: World, exp: Experiment, fx: Effects) -> None:
    """A full disk: a database refuses its writes; anything else cannot start, and the
    instances running now fail what they must write (a third of requests)."""
    fx.disk_full[exp.node] = True
    if world.topo.is_db[exp.node]:
        fx.node_error[exp.node] = fx.combine(fx.node_error[exp.node],
                                             world.topo.write_frac[exp.node])
    else:
        fx.no_start[exp.node] = "no space left on device (disk full)"
        fx.node_error[exp.node] = fx.combine(fx.node_error[exp.node], 1 / 3)


@behaves("zone-outage")
def _zone(world: World, exp: Experiment, fx: Effects) -> None:
    fx.zones_down[int(exp.zone)] = f"{world.spec.zones[int(exp.zone)]} is down (zone outage)"


@behaves("memory-leak")
def _leak(world: World, exp: Experiment, fx: Effects) -> None:
    """Memory that grows on the target's instances from the fault's start (or their restart)
    until the OOM killer: by default a quarter of their headroom a minute."""
    topo = world.topo
    limit = float(topo.mem_limit[exp.node])
    headroom = max(limit - float(topo.mem_base[exp.node]), 1.0) if np.isfinite(limit) else 512.0
    fx.leak[exp.node] += exp.percent / 100 * headroom if exp.percent is not None \
        else headroom / 4


def _leak_begin(world: World, exp: Experiment, t: int) -> None:
    rows = chosen_rows(world, exp)
    exp.affected = [world.instance_name(r) for r in rows.tolist()]
    world.inst.leak_from[rows] = world.inst.run_ms[rows]  # it grows from now on


# -- faults that act once -----------------------------------------------------------------------
def _crash(world: World, rows: np.ndarray, t: int, reason: str) -> None:
    for row in rows.tolist():
        if world.inst.state[row] in (State.READY, State.STARTING):
            world.lifecycle.crash(row, t, reason)


@acts("instance-kill", one_shot=True)
def _kill(world: World, exp: Experiment, t: int) -> None:
    rows = chosen_rows(world, exp)
    exp.affected = [world.instance_name(r) for r in rows.tolist()]
    _crash(world, rows, t, "killed (instance-kill)")


@acts("db-primary-failure", one_shot=True)
def _primary(world: World, exp: Experiment, t: int) -> None:
    inst = world.inst
    rows = inst.rows_of(exp.node)
    primary = rows[inst.role[rows] == Role.PRIMARY]
    exp.affected = [world.instance_name(r) for r in primary.tolist()]
    _crash(world, primary, t, "primary failed (db-primary-failure)")


@acts("cache-flush", one_shot=True)
def _flush(world: World, exp: Experiment, t: int) -> None:
    world.flow.warm[exp.node] = 0.0  # every lookup misses until it refills
    world.roles_changed()


def _stress(world: World, exp: Experiment, t: int) -> None:
    rows = chosen_rows(world, exp)
    exp.affected = [world.instance_name(r) for r in rows.tolist()]
    world.inst.stress[rows] = np.minimum(world.inst.stress[rows] + exp.share, 0.99)
    world.roles_changed()


def _unstress(world: World, exp: Experiment, t: int) -> None:
    named = {world.instance_name(r): r for r in world.inst.rows_of(exp.node).tolist()}
    rows = np.array([named[n] for n in exp.affected if n in named], dtype=np.intp)
    world.inst.stress[rows] = np.maximum(world.inst.stress[rows] - exp.share, 0.0)
    world.roles_changed()


BEHAVIOURS["cpu-stress"] = Behaviour(begin=_stress, end=_unstress, percent=80.0)


def _crash_now(reason: str) -> Action:
    def begin(world: World, exp: Experiment, t: int) -> None:
        rows = chosen_rows(world, exp)
        exp.affected = [world.instance_name(r) for r in rows.tolist()]
        _crash(world, rows, t, reason)
    return begin


# a crash loop, a zone outage and a full disk also take down what runs now; their effect keeps
# it down (restarts fail) until the fault ends
for _name, _why in (("crash-loop", "crashed (injected crash loop)"),
                    ("zone-outage", "zone outage")):
    BEHAVIOURS[_name] = Behaviour(effect=BEHAVIOURS[_name].effect, begin=_crash_now(_why))


def _disk_begin(world: World, exp: Experiment, t: int) -> None:
    if not world.topo.is_db[exp.node]:  # a database refuses writes; a service falls over
        _crash_now("no space left on device (disk full)")(world, exp, t)


BEHAVIOURS["disk-fill"] = Behaviour(effect=BEHAVIOURS["disk-fill"].effect, begin=_disk_begin)
BEHAVIOURS["memory-leak"] = Behaviour(effect=_leak, begin=_leak_begin)
