"""A bake: what a rollout watches between steps, and the analysis at its end.

The bake starts with readings of both pools' counts; every tick of it samples the pools' mean
memory; at its end ``analysis.judge`` weighs what each pool served since it began. A failure
aborts the rollout; an inconclusive verdict bakes longer, up to ``max_bake``, then does what
``on_inconclusive`` says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..instances import State
from .analysis import FAIL, INCONCLUSIVE, Evidence, judge, pool_readings

if TYPE_CHECKING:
    from .controller import DeployController, Rollout

__all__ = ["analyse", "sample_memory", "start"]


def start(ctrl: DeployController, r: Rollout, t: int, duration: int) -> None:
    new, _ = ctrl._pools(r)
    r.bake_restarts = int(ctrl.sim.world.inst.restarts[new].sum())
    r.bake_counts = pool_readings(ctrl.sim.world, r.node, r.new_v)
    r.bake_started, r.memory = t, []
    r.phase, r.wait_until = "bake", t + duration


def sample_memory(ctrl: DeployController, r: Rollout, t: int) -> None:
    """Each pool's mean memory over its ready instances (one just starting, as the
    autoscaler adds them, is not yet what the version does under load)."""
    inst = ctrl.sim.world.inst
    new, old = ctrl._pools(r)
    new, old = (rows[inst.state[rows] == State.READY] for rows in (new, old))
    r.memory.append((t, float(inst.mem[new].mean()) if len(new) else 0.0,
                     float(inst.mem[old].mean()) if len(old) else 0.0))


def analyse(ctrl: DeployController, r: Rollout) -> bool:
    """Judge the bake; True to go on. A failure aborts; an inconclusive verdict bakes
    longer, up to ``max_bake``, then does what ``on_inconclusive`` says."""
    new, _ = ctrl._pools(r)
    d = ctrl._delivery(r)
    now = pool_readings(ctrl.sim.world, r.node, r.new_v)
    samples = np.array(r.memory) if r.memory else np.zeros((0, 3))
    minutes = (samples[:, 0] - r.bake_started) / 60_000
    pools = [Evidence(a[0] - b[0], a[1] - b[1], np.maximum(a[2] - b[2], 0.0), minutes,
                      samples[:, 1 + i])
             for i, (a, b) in enumerate(zip(now, r.bake_counts, strict=True))]
    restarts = int(ctrl.sim.world.inst.restarts[new].sum()) - r.bake_restarts
    verdict = judge(pools[0], pools[1], restarts, d)
    r.figures, r.evidence = verdict.figures, verdict.reason
    if verdict.outcome == FAIL:
        ctrl._abort(r, f"analysis failed: {verdict.reason}")
        return False
    if verdict.outcome == INCONCLUSIVE:
        limit = d.max_bake or 3 * ctrl._bake_length(r)
        if ctrl.sim.now - r.bake_started + ctrl._bake_length(r) <= limit:
            r.wait_until = ctrl.sim.now + ctrl._bake_length(r)
            ctrl._emit("deploy.step", r, step="baking longer", verdict=INCONCLUSIVE,
                       reason=verdict.reason, analysis=r.figures)
            return False
        if d.on_inconclusive == "abort":
            ctrl._abort(r, f"analysis inconclusive after {limit // 1000}s: {verdict.reason}")
            return False
        r.figures = {**r.figures, "verdict": "inconclusive, promoted"}
    return True
