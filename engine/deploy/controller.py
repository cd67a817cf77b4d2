"""Rollouts as small state machines over the instance table, one per service at a time: the
controller starts, advances (``engine.deploy.strategies``), aborts and promotes them, and keeps
each service's revisions. Nothing is removed before its replacement is ready (max unavailable
0), so a healthy rollout never dents availability.

A failed analysis, a crash, or a batch that is not ready by the progress deadline aborts the
rollout and rolls back: new instances go, the traffic split returns to the stable pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..instances import State
from . import bake, sharing, strategies

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["DeployController", "Revision", "Rollout"]

KEEP_FINISHED_MS = 600_000  # finished rollouts stay listed this long


@dataclass(frozen=True, slots=True)
class Revision:
    number: int
    version: str
    at_ms: int  # when it started
    strategy: str
    outcome: str  # running, completed, aborted, rolled back
    by: str = "the scenario"  # who started it
    ended_ms: int | None = None
    evidence: str = ""  # the last analysis' verdict in words


@dataclass
class Rollout:
    node: int
    service: str
    env: str
    strategy: str
    from_version: str
    to_version: str
    new_v: int
    started: int
    steps: tuple[float, ...] = ()
    step: int = 0
    phase: str = "start"
    wait_until: int = 0
    deadline: int = 0
    verdict: str = "progressing"
    reason: str = ""
    rollback: bool = False
    finished_at: int | None = None
    batch: int = 0
    surging: tuple[int, int] = (0, 0)  # rolling: ordinals of the batch being surged in
    bake_counts: tuple = ()  # readings of the new and stable pools' counts at the bake's start
    bake_started: int = 0
    memory: list = field(default_factory=list)  # (ms, new pool's mean MiB, stable's) in a bake
    bake_restarts: int = 0
    keep_old_until: int | None = None  # blue-green: the old stack stays up until then
    draining: bool = False  # an aborted rolling update: the new instances go once replaced
    figures: dict[str, float] = field(default_factory=dict)
    evidence: str = ""  # the last analysis' verdict in words

    @property
    def progress(self) -> float:
        if self.finished_at is not None:
            return 1.0 if self.verdict == "completed" else 0.0
        if self.strategy == "canary":
            return min(self.step / (len(self.steps) + 1), 1.0)
        return {"start": 0.0, "switched": 0.9}.get(self.phase, 0.5)

    @property
    def step_label(self) -> str:
        if self.strategy == "canary" and self.phase in ("bake", "start", "grow"):
            return f"{self.steps[min(self.step, len(self.steps) - 1)]:g}% canary"
        return self.phase


class DeployController:
    """Starts, advances, aborts and promotes rollouts; keeps each service's revisions."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        self.active: dict[int, Rollout] = {}
        self.finished: list[Rollout] = []
        self.history: dict[int, list[Revision]] = {}
        for info in sim.world.topo.nodes:
            if info.kind == "service":
                self.history[info.index] = [Revision(1, info.version, 0, "initial", "completed")]

    # -- requests ----------------------------------------------------------------------------
    def start(self, node: int, version: str, strategy: str, weight: float | None = None,
              rollback: bool = False) -> Rollout | str:
        """Begin a rollout, or say why not."""
        world, info = self.sim.world, self.sim.world.topo.nodes[node]
        if node in self.active:
            r = self.active[node]
            return (f"{info.name} is already rolling out {r.to_version} ({r.strategy}, "
                    f"{r.step_label}); 'abort {info.name}' to stop it, or wait for it")
        rows = world.inst.rows_of(node)
        versions = {world.versions.names[v] for v in world.inst.version[rows].tolist()}
        current = self.current_version(node)
        if versions == {version}:
            return f"{info.name} already runs {version}; nothing to deploy"
        if not len(rows):
            return f"{info.name} has no instances (scale it up first)"
        delivery = info.spec.delivery
        steps = ((weight, 50.0) if weight is not None and weight < 50 else (weight,)) \
            if weight is not None else delivery.canary_steps
        new_v = world.versions.index(node, version, info.spec.versions)
        rollout = Rollout(node, info.name, info.env, strategy, current, version, new_v,
                          self.sim.now, tuple(float(s) for s in steps), rollback=rollback,
                          deadline=self.sim.now + delivery.progress_deadline)
        self.active[node] = rollout
        revisions = self.history.setdefault(node, [])
        revisions.append(Revision(len(revisions) + 1, version, self.sim.now, strategy, "running",
                                  "a person (roll back)" if rollback else "a person"))
        self._emit("deploy.started", rollout, **{"from": current})
        self.tick(self.sim.now)
        return rollout

    def abort(self, node: int, reason: str) -> str | None:
        rollout = self.active.get(node)
        if rollout is None:
            return f"{self.sim.world.topo.nodes[node].name} has no rollout in progress"
        self._abort(rollout, reason)
        return None

    def promote(self, node: int) -> str | None:
        rollout = self.active.get(node)
        if rollout is None:
            return f"{self.sim.world.topo.nodes[node].name} has no rollout in progress"
        if rollout.strategy == "rolling":
            return "a rolling update has no pause to promote past; it is already going"
        if rollout.phase == "switched":
            return "it has already switched; the old stack is only kept for a rollback"
        rollout.phase = "full" if rollout.strategy == "canary" else "switch"
        rollout.wait_until = self.sim.now
        rollout.deadline = self.sim.now + self._deadline(rollout)
        self.tick(self.sim.now)
        return None

    def current_version(self, node: int) -> str:
        done = [r for r in self.history.get(node, []) if r.outcome == "completed"]
        return done[-1].version if done else self.sim.world.topo.nodes[node].version

    def previous_version(self, node: int) -> str | None:
        done = [r for r in self.history.get(node, []) if r.outcome == "completed"]
        return done[-2].version if len(done) >= 2 else None

    def switch_back(self, node: int) -> bool:
        """Blue-green inside its keep window: send traffic back to the old stack at once."""
        rollout = next((r for r in self.finished if r.node == node and r.keep_old_until
                        and r.keep_old_until > self.sim.now), None)
        if rollout is None:
            return False
        self._remove(node, new=True, rollout=rollout)
        self._weights(node, rollout.new_v, None)
        rollout.keep_old_until = None
        self._close(rollout, "rolled back", "rolled back to the kept stack")
        self._emit("deploy.rolled_back", rollout, to=rollout.from_version, instant=True)
        return True

    # -- the clock ---------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return bool(self.active or self.finished)

    def tick(self, t: int) -> None:
        for rollout in list(self.active.values()):
            if rollout.phase == "bake":
                bake.sample_memory(self, rollout, t)
            strategies.PHASES[rollout.strategy](self, rollout, t)
        for rollout in self.finished:
            if rollout.keep_old_until is not None and t >= rollout.keep_old_until:
                self._remove(rollout.node, new=False, rollout=rollout)
                self._weights(rollout.node, rollout.new_v, None)
                rollout.keep_old_until = None
                self._emit("deploy.step", rollout, step="old stack removed")
            elif rollout.draining and (self._all_ready(self._pools(rollout)[1])
                                       or t >= rollout.deadline):
                self._remove(rollout.node, new=True, rollout=rollout)
                rollout.draining = False
                self._emit("deploy.rolled_back", rollout, to=rollout.from_version)
        self.finished = [r for r in self.finished if r.keep_old_until is not None
                         or r.draining or t - (r.finished_at or t) < KEEP_FINISHED_MS]

    # -- sharing the instance count with the autoscaler (engine.deploy.sharing) -----------
    def scope(self, node: int) -> sharing.Scope | None:
        return sharing.scope(self, node)

    def resize(self, node: int, count: int, t: int) -> None:
        sharing.resize(self, node, count, t)

    # -- mechanics ---------------------------------------------------------------------------
    def _pools(self, r: Rollout) -> tuple[np.ndarray, np.ndarray]:
        inst = self.sim.world.inst
        rows = inst.rows_of(r.node)
        mask = inst.version[rows] == r.new_v
        return rows[mask], rows[~mask]

    def _all_ready(self, rows: np.ndarray) -> bool:
        return bool(len(rows)) and bool(np.all(self.sim.world.inst.state[rows] == State.READY))

    def _bake(self, r: Rollout, t: int, duration: int) -> None:
        bake.start(self, r, t, duration)

    def _analyse(self, r: Rollout) -> bool:
        return bake.analyse(self, r)

    def _delivery(self, r: Rollout):  # noqa: ANN202 - DeliverySpec
        return self.sim.world.topo.nodes[r.node].spec.delivery

    def _deadline(self, r: Rollout) -> int:
        return int(self._delivery(r).progress_deadline)

    def _bake_length(self, r: Rollout) -> int:
        d = self._delivery(r)
        return {"rolling": d.bake, "canary": d.pause}.get(r.strategy, 2 * d.bake)

    def _weights(self, node: int, new_v: int, new_share: float | None) -> None:
        """Split the node's traffic: ``new_share`` to the new version's ready instances
        (None: everyone alike)."""
        world = self.sim.world
        if new_share is None:
            world.splits.pop(node, None)
        else:
            world.splits[node] = (new_v, new_share)
        world.roles_changed()

    def _remove(self, node: int, *, new: bool, rollout: Rollout) -> None:
        world = self.sim.world
        rows = world.inst.rows_of(node)
        mask = world.inst.version[rows] == rollout.new_v
        doomed = rows[mask] if new else rows[~mask]
        if len(doomed):
            world.inst.remove(doomed)
            world.roles_changed()

    def _remove_oldest(self, node: int, new_v: int, count: int) -> None:
        world = self.sim.world
        rows = world.inst.rows_of(node)
        old = rows[world.inst.version[rows] != new_v]
        order = sorted(old.tolist(), key=lambda r: (world.inst.state[r] == State.READY,
                                                    world.inst.ordinal[r]))
        if order[:count]:
            world.inst.remove(np.array(order[:count]))
            world.roles_changed()

    def _abort(self, r: Rollout, reason: str) -> None:
        """Stop, and put the stable version back. A canary's or a preview's instances go at
        once (the stable pool has the full count); a rolling update's earlier batches carry
        a share of the load, so, as Argo Rollouts scales the stable set back up before the
        new one down, they are replaced first and go once the replacements are ready."""
        new, old = self._pools(r)
        if r.strategy == "rolling":
            settled = sharing.settled(self, r, new, old)
            surging = np.setdiff1d(new, settled)
            if len(surging):
                self.sim.world.inst.remove(surging)
                self.sim.world.roles_changed()
            replace = len(settled) - len(old)
            if replace > 0:
                self.sim.world.lifecycle.add(r.node, replace, self.sim.now,
                                             self.sim.world.lifecycle.serving_version(r.node))
                r.draining, r.deadline = True, self.sim.now + self._deadline(r)
        if not r.draining:
            self._remove(r.node, new=True, rollout=r)
        self._weights(r.node, r.new_v, None)
        self._close(r, "aborted", reason)
        self._emit("deploy.aborted", r, reason=reason, analysis=r.figures)
        if not r.draining:
            self._emit("deploy.rolled_back", r, to=r.from_version)

    def _complete(self, r: Rollout) -> None:
        self._close(r, "completed", "")
        if r.rollback:
            self._emit("deploy.rolled_back", r, to=r.to_version)
        else:
            self._emit("deploy.completed", r)

    def _close(self, r: Rollout, verdict: str, reason: str) -> None:
        r.verdict, r.reason, r.finished_at = verdict, reason, self.sim.now
        if verdict == "completed":
            self.sim.world.serving[r.node] = r.new_v  # what scaling adds from now on
        self.active.pop(r.node, None)
        self.finished.append(r)
        revisions = self.history[r.node]
        for i in range(len(revisions) - 1, -1, -1):
            if revisions[i].outcome in ("running", "completed") and \
                    revisions[i].version == r.to_version and revisions[i].at_ms == r.started:
                outcome = "completed" if verdict == "completed" else verdict
                revisions[i] = Revision(revisions[i].number, r.to_version, r.started,
                                        r.strategy, outcome, revisions[i].by, self.sim.now,
                                        reason or r.evidence)
                break

    def _emit(self, type_: str, r: Rollout, **fields: object) -> None:
        self.sim.world.emit(type_, service=r.service, env=r.env, version=r.to_version,
                            strategy=r.strategy, **fields)
