"""Horizontal autoscaling in the manner of the Kubernetes HPA, plus an optional forecast.

Every ``sync`` period, for each metric with a target:  desired = ⌈current × value/target⌉,
ignored while |value/target − 1| ≤ tolerance; the largest wins. Instances still starting count
as idle when growing and as fully busy when shrinking (as the HPA treats unready pods). Scale-up is at most
max(100 %, 4 instances) per period; scale-down takes the highest recommendation of the last
``stabilization`` window, so a brief dip does not shed capacity. New instances need their
start-up time before they take traffic. With ``predictive: true`` the recommendation is also
raised to what the traffic forecast ``horizon`` ahead will need (``engine.forecast``).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from .metrics import M
from .topology import Kind

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["Autoscaler"]


class Autoscaler:
    """Decides instance counts for every node whose spec has ``autoscale``."""

    def __init__(self, sim: Simulation) -> None:
        self.sim = sim
        topo = sim.world.topo
        envs = sim.spec.environments
        # an environment that pins replica counts (``replicas:`` or an override) does not scale
        self.nodes = [n for n in topo.nodes if n.kind == Kind.SERVICE and n.spec.autoscale
                      and envs[n.env].replicas is None
                      and (n.name not in envs[n.env].overrides
                           or envs[n.env].overrides[n.name].replicas is None)]
        self.history: dict[int, deque[tuple[int, int]]] = {n.index: deque() for n in self.nodes}
        self.enabled: dict[int, bool] = {n.index: True for n in self.nodes}
        self.forecasters: dict[int, object] = {}
        self.next_sync: dict[int, int] = {n.index: n.spec.autoscale.sync for n in self.nodes}

        self.wake_at = min(self.next_sync.values(), default=0)

    def tick(self, t: int) -> None:
        if t < self.wake_at:
            return
        for info in self.nodes:
            if t >= self.next_sync[info.index]:
                self.next_sync[info.index] = t + info.spec.autoscale.sync
                if self.enabled[info.index]:
                    self._decide(info, t)
        self.wake_at = min(self.next_sync.values())

    def _decide(self, info, t: int) -> None:  # noqa: ANN001 - NodeInfo
        world, spec = self.sim.world, info.spec.autoscale
        node = info.index
        current = int(world.inst.counts[node])
        row = world.node_metrics[:, node]
        ready = max(int(row[M.READY]), 1)
        ratios: list[tuple[float, str]] = []
        if spec.target_cpu is not None:
            ratios.append((row[M.CPU] / spec.target_cpu, f"cpu {row[M.CPU]:.0%} vs target "
                           f"{spec.target_cpu:.0%}"))
        if spec.target_memory is not None:
            share = row[M.MEMORY] / info.spec.memory.limit
            ratios.append((share / spec.target_memory, f"memory {share:.0%} vs target "
                           f"{spec.target_memory:.0%}"))
        if spec.target_rps is not None:
            per = row[M.RPS] / ready
            ratios.append((per / spec.target_rps, f"{per:.0f} rps per instance vs target "
                           f"{spec.target_rps:g}"))
        if spec.target_p99 is not None:
            ratios.append((row[M.P99] / spec.target_p99, f"p99 {row[M.P99]:.0f}ms vs target "
                           f"{spec.target_p99}ms"))
        proposals: list[tuple[int, str]] = []
        starting = current - int(row[M.READY])
        for ratio, why in ratios:
            # like the HPA, instances not ready yet count as idle when deciding to grow and
            # as fully busy when deciding to shrink, so start-up never causes an overshoot
            if ratio > 1.0 and starting > 0:
                ratio = (ready * ratio) / max(current, 1)
            elif ratio < 1.0 and starting > 0:
                ratio = (ready * ratio + starting) / max(current, 1)
            if abs(ratio - 1.0) <= spec.tolerance:
                proposals.append((current, why))  # within tolerance: this metric votes to hold
            else:
                proposals.append((math.ceil(current * ratio - 1e-9) if current
                                  else math.ceil(ratio), why))
        # every metric votes and the largest recommendation wins, as in the HPA
        desired, reason = max(proposals, key=lambda p: p[0]) if proposals else (current, "")
        if spec.predictive:
            forecast = self._forecast(info, t)
            if forecast is not None and forecast[0] > desired:
                desired, reason = forecast
        desired = min(max(desired, spec.min), spec.max)
        history = self.history[node]
        history.append((t, desired))
        while history and history[0][0] < t - spec.stabilization:
            history.popleft()
        if desired < current:
            desired = min(current, max(d for _, d in history))
        if desired > current:
            desired = min(desired, max(current * 2, current + 4))
        if desired != current:
            world.lifecycle.scale(node, desired, t)
            direction = "up" if desired > current else "down"
            world.emit("scale", service=info.name, env=info.env, **{"from": current, "to": desired},
                       reason=f"autoscaler {direction}: {reason}")

    def _forecast(self, info, t: int) -> tuple[int, str] | None:  # noqa: ANN001
        from .forecast import TrafficForecaster

        node = info.index
        spec = info.spec.autoscale
        model = self.forecasters.get(node)
        if model is None:
            model = self.forecasters[node] = TrafficForecaster(spec.horizon)
        times, rps = self.sim.metrics.series(node, "rps", 6 * 3_600_000, t)
        predicted = model.predict(times, rps, t, self.sim.spec.start)  # type: ignore[attr-defined]
        if predicted is None:
            return None
        capacity = float(np.mean(self.sim.world.inst.capacity[self.sim.world.inst.rows_of(node)]))
        per_instance = spec.target_rps or capacity * (spec.target_cpu or 0.7)
        want = math.ceil(predicted / max(per_instance, 1e-9))
        minutes = spec.horizon // 60_000
        return want, f"forecast {predicted:.0f} rps in {minutes}m"
