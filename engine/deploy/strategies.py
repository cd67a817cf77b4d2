"""The three strategies, one step at a time: each advances a rollout by its phase.

- **rolling**: add ``surge`` new instances (25 %, at least one), wait until they are ready,
  bake and analyse, then remove as many old ones; repeat.
- **canary**: run a few new instances with a share of the traffic (10 % → 25 % → 50 %),
  analysing after each pause; then grow the new pool to the stable one's size and replace it.
- **blue-green**: a full preview stack takes a sliver of traffic for analysis; once it is all
  ready, all traffic switches at once and the old stack is kept for an instant rollback.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .controller import DeployController, Rollout

__all__ = ["PHASES"]

SURGE = 0.25  # rolling: share of instances replaced per batch (max unavailable is 0)
PREVIEW_SHARE = 0.05  # blue-green: traffic the preview stack takes for its analysis
KEEP_OLD_MS = 300_000  # blue-green: how long the old stack stays up after the switch


def rolling(ctrl: DeployController, r: Rollout, t: int) -> None:
    new, old = ctrl._pools(r)
    if r.phase == "start":
        if not len(old):
            return ctrl._complete(r)
        size = len(new) + len(old)
        r.batch = min(max(1, math.ceil(size * SURGE)), len(old))
        first = int(ctrl.sim.world.inst.next_ordinal[r.node])
        r.surging = (first, first + r.batch)
        ctrl.sim.world.lifecycle.add(r.node, r.batch, t, r.new_v)
        r.phase, r.deadline = "surge", t + ctrl._deadline(r)
    elif r.phase == "surge":
        if ctrl._all_ready(new):
            ctrl._bake(r, t, ctrl._delivery(r).bake)
        elif t >= r.deadline:
            ctrl._abort(r, "progress deadline exceeded: new instances did not become "
                           f"ready in {ctrl._deadline(r) // 1000}s")
    elif r.phase == "bake" and t >= r.wait_until:
        if ctrl._analyse(r):
            ctrl._remove_oldest(r.node, r.new_v, r.batch)
            r.step += 1
            ctrl._emit("deploy.step", r, step=f"batch {r.step}", verdict="passed",
                       reason=r.evidence, analysis=r.figures)
            r.phase = "start"

def canary(ctrl: DeployController, r: Rollout, t: int) -> None:
    new, old = ctrl._pools(r)
    size = len(old) or len(new)
    if r.phase == "start":
        weight = r.steps[r.step] / 100
        want = max(1, math.ceil(size * weight))
        if len(new) < want:
            ctrl.sim.world.lifecycle.add(r.node, want - len(new), t, r.new_v)
        r.phase, r.deadline = "grow", t + ctrl._deadline(r)
    elif r.phase == "grow":
        if ctrl._all_ready(new):
            ctrl._weights(r.node, r.new_v, r.steps[r.step] / 100)
            ctrl._emit("deploy.step", r, step=f"{r.steps[r.step]:g}% canary",
                       weight=r.steps[r.step])
            ctrl._bake(r, t, ctrl._delivery(r).pause)
        elif t >= r.deadline:
            ctrl._abort(r, "progress deadline exceeded: canary instances did not become "
                           "ready")
    elif r.phase == "bake" and t >= r.wait_until:
        if ctrl._analyse(r):
            ctrl._emit("deploy.step", r, step=f"{r.steps[r.step]:g}% canary",
                       verdict="passed", reason=r.evidence, analysis=r.figures)
            r.step += 1
            r.phase = "start" if r.step < len(r.steps) else "full"
    elif r.phase == "full":
        if len(new) < size:
            ctrl.sim.world.lifecycle.add(r.node, size - len(new), t, r.new_v)
        r.phase, r.deadline = "replace", t + ctrl._deadline(r)
    elif r.phase == "replace":
        if ctrl._all_ready(new):
            ctrl._remove(r.node, new=False, rollout=r)
            ctrl._weights(r.node, r.new_v, None)
            ctrl._complete(r)
        elif t >= r.deadline:
            ctrl._abort(r, "progress deadline exceeded while promoting")

def blue_green(ctrl: DeployController, r: Rollout, t: int) -> None:
    new, old = ctrl._pools(r)
    if r.phase == "start":
        ctrl.sim.world.lifecycle.add(r.node, len(old), t, r.new_v)
        ctrl._weights(r.node, r.new_v, 0.0)
        r.phase, r.deadline = "preview", t + ctrl._deadline(r)
    elif r.phase == "preview":
        if ctrl._all_ready(new):
            ctrl._weights(r.node, r.new_v, PREVIEW_SHARE)
            ctrl._emit("deploy.step", r, step="preview", weight=PREVIEW_SHARE * 100)
            ctrl._bake(r, t, 2 * ctrl._delivery(r).bake)
        elif t >= r.deadline:
            ctrl._abort(r, "progress deadline exceeded: the preview stack did not become "
                           "ready")
    elif r.phase == "bake" and t >= r.wait_until:
        if ctrl._analyse(r):
            r.phase, r.deadline = "switch", t + ctrl._deadline(r)
    if r.phase == "switch":
        if not ctrl._all_ready(ctrl._pools(r)[0]):  # it grew with the live stack
            if t >= r.deadline:
                ctrl._abort(r, "progress deadline exceeded: the preview stack did not "
                               "become ready to switch")
            return
        ctrl._weights(r.node, r.new_v, 1.0)
        ctrl._emit("deploy.step", r, step="switched", verdict="passed",
                   reason=r.evidence, analysis=r.figures)
        r.keep_old_until = t + KEEP_OLD_MS
        r.phase = "switched"
        ctrl._complete(r)


PHASES: dict[str, Callable[[DeployController, Rollout, int], None]] = {
    "rolling": rolling, "canary": canary, "blue-green": blue_green}
