"""Sharing a service's instance count between a rollout and the autoscaler.

As Argo Rollouts does with an HPA: while a canary runs, the autoscaler sizes the stable pool
and the canary keeps ceil(stable × weight) instances of its own, taking its weight of the
traffic; after a blue-green switch the autoscaler sizes the live stack while the old one waits
to be removed. During a rolling update or a blue-green preview the rollout owns the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .controller import DeployController

__all__ = ["Scope", "reweight", "scope"]


@dataclass(frozen=True)
class Scope:
    """A pool of a node the autoscaler may size during a rollout."""

    rows: np.ndarray
    version: int
    name: str


def scope(ctrl: DeployController, node: int) -> Scope | None:
    """The pool of a node the autoscaler may size while a rollout holds the node: a
    canary's stable pool (the canary is sized from it), a switched blue-green's live stack
    (the old one is the rollout's until it goes); None while the rollout owns it all."""
    r = ctrl.active.get(node)
    if r is not None:
        if r.strategy == "canary" and r.phase in ("start", "grow", "bake"):
            _, old = ctrl._pools(r)
            return Scope(old, ctrl.sim.world.lifecycle._current_version(node), "stable pool")
        return None
    for r in ctrl.finished:
        if r.node == node and r.keep_old_until is not None:
            new, _ = ctrl._pools(r)
            return Scope(new, r.new_v, "live stack")
    return None


def reweight(ctrl: DeployController, node: int) -> None:
    """After the autoscaler resized a pool: a canary grows to its share of the stable
    pool again (ceil(stable × weight), as Argo Rollouts keeps it), and the traffic is
    split again."""
    r = ctrl.active.get(node)
    if r is not None and r.strategy == "canary" and r.phase == "bake":
        new, old = ctrl._pools(r)
        weight = r.steps[r.step] / 100
        want = max(1, math.ceil(len(old) * weight))
        if len(new) < want:
            ctrl.sim.world.lifecycle.add(node, want - len(new), ctrl.sim.now, r.new_v)
        ctrl._weights(node, r.new_v, weight)
        return
    for r in ctrl.finished:
        if r.node == node and r.keep_old_until is not None:
            ctrl._weights(node, r.new_v, 1.0)
