"""Chaos experiments: started by a person or by the scenario's schedule, ended by their
duration, by ``chaos stop``, or (a bad config) by rolling the target back.

Every experiment is recorded with what it was and whom it hit (``record``): the ground truth
that grading and the judging of anomaly detection may read. Nothing that judges — analysis,
``explain``, alerts, the detector — reads it; they see only what the physics makes of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from ..commands import InjectFault
from ..faults import FAULTS
from .kinds import BEHAVIOURS

if TYPE_CHECKING:
    from ..events import Event
    from ..simulation import Simulation

__all__ = ["ChaosController", "Experiment"]

DEFAULT_DURATION_S = 300  # as Chaos Mesh asks for one, five minutes unless told
_KINDS = {f.name: f for f in FAULTS}
_KIND_OF = {"ext": "external"}


@dataclass
class Experiment:
    id: int
    fault: str
    target: str
    env: str
    node: int  # the target node (-1 when the target is a zone)
    zone: int | None
    peer: int | None
    latency_ms: float | None
    percent: float | None
    count: int | None
    started: int
    ends: int | None  # None: one-shot
    by: str
    affected: list[str] = field(default_factory=list)
    ended: int | None = None
    reason: str = ""
    hidden: bool = False  # scheduled by an exercise: only grading may know it

    @property
    def share(self) -> float:
        """The fault's magnitude as a share (its percent, or the catalogue's default)."""
        default = BEHAVIOURS[self.fault].percent
        value = self.percent if self.percent is not None else default or 100.0
        return min(max(value / 100, 0.0), 1.0)

    def summary(self) -> dict[str, object]:
        return {"id": self.id, "fault": self.fault, "target": self.target, "env": self.env,
                "started_s": self.started / 1000,
                "ends_s": None if self.ends is None else self.ends / 1000,
                "affected": list(self.affected), "by": self.by, "hidden": self.hidden}


class ChaosController:
    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.running: dict[int, Experiment] = {}
        self.record: list[Experiment] = []  # every experiment, for grading: ground truth
        self._next_id = 1
        sim.listeners.append(self._rolled_back)
        for planned in sim.spec.chaos:  # the scenario's schedule (partials: checkpoints copy)
            sim.schedule(planned.at, partial(self._planned, planned))

    def _planned(self, p) -> None:  # noqa: ANN001 - scenario.ChaosSpec
        result = self.start(InjectFault(p.fault, p.target, None if p.duration is None else
                                        p.duration // 1000, p.latency_ms, p.percent, p.count,
                                        p.peer, p.env), by="the scenario", hidden=p.hidden)
        if isinstance(result, str):  # a schedule that cannot run says so in the event stream
            self.sim.world.emit("chaos.refused", fault=p.fault, target=p.target, reason=result)

    # -- starting ----------------------------------------------------------------------------
    def refusal(self, cmd: InjectFault) -> str | None:
        """Why the fault cannot be injected (None: it can); changes nothing."""
        sim, world = self.sim, self.sim.world
        kind = _KINDS.get(cmd.fault)
        if kind is None or cmd.fault not in BEHAVIOURS:
            return f"no fault called {cmd.fault!r} (faults: {', '.join(_KINDS)})"
        env = cmd.env or sim.spec.primary_environment
        zone = cmd.target in sim.spec.zones
        node = world.topo.find(cmd.target, env) if not zone else -1
        if node is None:
            return f"there is no component or zone called {cmd.target} in {env}"
        what = "zone" if zone else _KIND_OF.get(str(world.topo.nodes[node].kind),
                                                str(world.topo.nodes[node].kind))
        if what not in kind.targets and not (zone and cmd.fault == "instance-kill"):
            return (f"{cmd.fault} acts on a {' or '.join(kind.targets)}, and {cmd.target} is a "
                    f"{what}")
        protected = _protected(sim)
        if cmd.target in protected:
            return f"{cmd.target} is protected in this scenario: {protected[cmd.target]}"
        if cmd.peer and world.topo.find(cmd.peer, env) is None:
            return f"there is no component called {cmd.peer} in {env}"
        if cmd.duration is not None and cmd.duration <= 0:
            return f"a fault lasts a positive time, not {cmd.duration}s"
        return None

    def start(self, cmd: InjectFault, by: str = "a person",
              hidden: bool = False) -> Experiment | str:
        """Begin an experiment, or say why it cannot run (nothing changes then)."""
        problem = self.refusal(cmd)
        if problem is not None:
            return problem
        sim, world = self.sim, self.sim.world
        env = cmd.env or sim.spec.primary_environment
        zone = sim.spec.zones.index(cmd.target) if cmd.target in sim.spec.zones else None
        node = world.topo.find(cmd.target, env) if zone is None else -1
        peer = world.topo.find(cmd.peer, env) if cmd.peer else None
        behaviour = BEHAVIOURS[cmd.fault]
        duration = cmd.duration if cmd.duration is not None else DEFAULT_DURATION_S
        now = sim.now
        exp = Experiment(self._next_id, cmd.fault, cmd.target, env, node, zone, peer,
                         cmd.latency_ms, cmd.percent, cmd.count, now,
                         None if behaviour.one_shot else now + duration * 1000, by,
                         hidden=hidden)
        self._next_id += 1
        self.record.append(exp)
        if behaviour.begin is not None:
            behaviour.begin(world, exp, now)
        self.running[exp.id] = exp
        self._rebuild()
        world.emit("chaos.started", **{**exp.summary(), "duration_s": None if exp.ends is None
                                       else duration})
        if exp.ends is None:
            self._end(exp, "one-shot")
        else:
            sim.schedule(exp.ends, partial(self._end, exp, "its duration is over"))
        return exp

    # -- ending ------------------------------------------------------------------------------
    def stop(self, ident: str | None = None, target: str | None = None) -> list[Experiment]:
        """End running experiments: one by id, those on a target, or (neither) all of them."""
        chosen = [e for e in self.running.values()
                  if (ident is None or str(e.id) == str(ident).lstrip("#"))
                  and (target is None or target in (e.target, self._peer_name(e)))]
        for exp in chosen:
            self._end(exp, "stopped by request")
        return chosen

    def _end(self, exp: Experiment, reason: str) -> None:
        if exp.id not in self.running:
            return
        del self.running[exp.id]
        exp.ended, exp.reason = self.sim.now, reason
        behaviour = BEHAVIOURS[exp.fault]
        if behaviour.end is not None:
            behaviour.end(self.sim.world, exp, self.sim.now)
        self._rebuild()
        self.sim.world.emit("chaos.ended", id=exp.id, fault=exp.fault, target=exp.target,
                            env=exp.env, reason=reason, hidden=exp.hidden)

    def _rolled_back(self, event: Event) -> None:
        """A bad config ends when its service is rolled back or a new version completes."""
        if event.type not in ("deploy.rolled_back", "deploy.completed"):
            return
        for exp in list(self.running.values()):
            if exp.fault == "config-error" and exp.target == event.data.get("service") and \
                    exp.env == event.data.get("env"):
                self._end(exp, f"{exp.target} was rolled back")

    def _rebuild(self) -> None:
        world = self.sim.world
        fx = world.effects
        fx.clear()
        for exp in self.running.values():
            effect = BEHAVIOURS[exp.fault].effect
            if effect is not None:
                effect(world, exp, fx)
        fx.version += 1
        world.roles_changed()

    def _peer_name(self, exp: Experiment) -> str | None:
        return None if exp.peer is None else self.sim.world.topo.nodes[exp.peer].name


def _protected(sim: Simulation) -> dict[str, str]:
    """Components the scenario protects from chaos, and why."""
    return dict(sim.spec.protected or {})
