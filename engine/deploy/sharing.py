"""One owner of a service's instance count while a rollout runs: the autoscaler.

As Argo Rollouts shares a rollout with an HPA, the autoscaler keeps deciding how many
instances the load needs, and the rollout only splits that count between its stacks:

- **canary**: the stable pool is sized to the count and the canary keeps
  ceil(stable × weight) instances of its own, taking its weight of the traffic; while the
  canary is promoted, the new pool grows to the stable pool's size.
- **rolling**: the count is shared by both versions; growth is split in proportion to how
  far the rollout has gone, shrinking takes old instances first; the batch being surged in
  is the rollout's and is not counted.
- **blue-green**: before the switch the live (old) stack is sized and the preview stack
  follows it, so the switch lands on a stack of the right size; after it the live (new) stack
  is sized while the old one waits to be removed.

The autoscaler measures the whole service (every ready instance, as an HPA selects every pod
of a rollout) and this module tells it which count its decision is about (``Scope``) and
applies the decision to the rollout's pools (``resize``). Scaling never removes the stack
that takes the traffic, and never an instance of a batch still being analysed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from ..instances import State
from .strategies import PREVIEW_SHARE

if TYPE_CHECKING:
    from .controller import DeployController, Rollout

__all__ = ["Scope", "resize", "scope", "settled"]


@dataclass(frozen=True)
class Scope:
    """The part of a service the autoscaler's count is about during a rollout."""

    count: int  # its size now
    starting: int  # of which not ready yet
    name: str  # in the scale event's reason: "stable pool", "live stack", …


def scope(ctrl: DeployController, node: int) -> Scope | None:
    """What the autoscaler sizes on a node with a rollout (None: no rollout, all of it)."""
    r = _rollout(ctrl, node)
    if r is None:
        return None
    new, old = ctrl._pools(r)
    if r.draining:  # an aborted rolling update whose new instances wait for replacements
        rows, name = old, "stable pool"
    elif r.finished_at is not None:  # a switched blue-green keeping its old stack
        rows, name = new, "live stack"
    elif r.strategy == "rolling":
        rows, name = settled(ctrl, r, new, old), "both versions"
    elif r.strategy == "canary":
        rows, name = old, "stable pool"
    else:
        rows, name = old, "live stack; the preview follows"
    ready = int(np.count_nonzero(ctrl.sim.world.inst.state[rows] == State.READY))
    return Scope(len(rows), len(rows) - ready, name)


def resize(ctrl: DeployController, node: int, count: int, t: int) -> None:
    """Apply the autoscaler's count to the pools of the node's rollout."""
    r = _rollout(ctrl, node)
    assert r is not None
    world = ctrl.sim.world
    new, old = ctrl._pools(r)
    stable = world.lifecycle.serving_version(node)
    if r.draining:
        world.lifecycle.resize(node, old, stable, count, t)
    elif r.finished_at is not None:
        world.lifecycle.resize(node, new, r.new_v, count, t)
        ctrl._weights(node, r.new_v, 1.0)
    elif r.strategy == "rolling":
        _resize_rolling(ctrl, r, count, t, stable)
    elif r.strategy == "canary":
        world.lifecycle.resize(node, old, stable, count, t)
        new, old = ctrl._pools(r)
        if r.phase in ("full", "replace"):  # promoting: the new pool takes the stable's size
            want = len(old)
        else:
            want = max(1, math.ceil(len(old) * r.steps[min(r.step, len(r.steps) - 1)] / 100))
        if len(new) < want:
            world.lifecycle.add(node, want - len(new), t, r.new_v)
        if r.phase == "bake":
            ctrl._weights(node, r.new_v, r.steps[r.step] / 100)
    else:  # blue-green before the switch: the preview follows the live stack
        world.lifecycle.resize(node, old, stable, count, t)
        new, _ = ctrl._pools(r)
        world.lifecycle.resize(node, new, r.new_v, count, t)
        ctrl._weights(node, r.new_v, _preview_share(r))


def _rollout(ctrl: DeployController, node: int) -> Rollout | None:
    r = ctrl.active.get(node)
    if r is not None:
        return r
    return next((r for r in ctrl.finished if r.node == node
                 and (r.keep_old_until is not None or r.draining)), None)


def settled(ctrl: DeployController, r: Rollout, new: np.ndarray, old: np.ndarray) -> np.ndarray:
    """A rolling update's instances apart from the batch being surged in and analysed."""
    if r.phase not in ("surge", "bake"):
        return np.concatenate([new, old])
    ordinal = ctrl.sim.world.inst.ordinal[new]
    first, end = r.surging
    return np.concatenate([new[(ordinal < first) | (ordinal >= end)], old])


def _resize_rolling(ctrl: DeployController, r: Rollout, count: int, t: int,
                    stable: int) -> None:
    """Growth split between the versions in proportion to the settled instances (as a
    Deployment scales its ReplicaSets proportionally); shrinking removes old, not-ready
    and newest instances first."""
    world, inst = ctrl.sim.world, ctrl.sim.world.inst
    new, old = ctrl._pools(r)
    counted = settled(ctrl, r, new, old)
    change = count - len(counted)
    if change > 0:
        to_new = round(change * int(np.isin(counted, new).sum()) / max(len(counted), 1))
        if to_new:
            world.lifecycle.add(r.node, to_new, t, r.new_v)
        if change - to_new:
            world.lifecycle.add(r.node, change - to_new, t, stable)
    elif change < 0:
        order = sorted(counted.tolist(), key=lambda row: (inst.version[row] == r.new_v,
                                                          inst.state[row] == State.READY,
                                                          -inst.ordinal[row]))
        inst.remove(np.array(order[:-change]))
        world.roles_changed()


def _preview_share(r: Rollout) -> float:
    return 0.0 if r.phase in ("start", "preview") else PREVIEW_SHARE
