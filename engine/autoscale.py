"""Horizontal autoscaling in the manner of the Kubernetes HPA, plus an optional forecast.

Every ``sync`` period, for each metric with a target:  desired = ⌈current × value/target⌉,
the value being what the metrics showed over that period (means; the p99 of the merged latency
histograms), not one noisy tick;
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
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .metrics import M
from .histogram import quantiles
from .topology import Kind

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["Autoscaler"]

HISTORY_MS = 26 * 3_600_000  # what the forecast learns from: a day and some (yesterday matters)


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
        self.enabled: dict[int, bool] = {n.index: True for n in self.nodes}  # the user's say
        # does some node scale on a forecast (which reads the metric history, so its syncs
        # cannot be checked inside a batch of ticks)?
        self.foresees = any(n.spec.autoscale.predictive for n in self.nodes)
        self.forecasters: dict[int, object] = {}
        self.next_sync: dict[int, int] = {n.index: n.spec.autoscale.sync for n in self.nodes}
        # each node's policy: the scenario's, until a person changes its bounds or target
        self.policies = {n.index: n.spec.autoscale for n in self.nodes}

        self.wake_at = min(self.next_sync.values(), default=0)

    def tick(self, t: int) -> None:
        if t < self.wake_at:
            return
        seen: dict[int, np.ndarray] = {}
        for info in self.nodes:
            if t >= self.next_sync[info.index]:
                self.next_sync[info.index] = t + info.spec.autoscale.sync
                if self.enabled[info.index]:
                    scope = self.sim.deploys.scope(info.index)
                    row = self._observed(info, seen)
                    history = self.history[info.index]
                    desired, reason = self._desired(info, t, row, history, scope)
                    self._act(info, t, desired, reason, scope)
        self.wake_at = min(self.next_sync.values())

    def check(self, batch) -> None:  # noqa: ANN001 - engine.batch.Batch
        """Decide, for the syncs inside a batch of ticks, whether any would scale; if one
        would, the batch ends at that tick so the decision is taken with the world as it is
        then. Syncs that hold are remembered (for the scale-down window) when it commits."""
        if not self.nodes or self.foresees:
            return
        times = batch.times[:-1]
        if not len(times) or int(times[-1]) < self.wake_at:
            return
        next_sync = dict(self.next_sync)
        histories = {n: deque(h) for n, h in self.history.items()}
        for k, t in enumerate(times.tolist()):
            seen: dict[int, np.ndarray] = {}
            for info in self.nodes:
                node = info.index
                if t < next_sync[node]:
                    continue
                next_sync[node] = t + info.spec.autoscale.sync
                if not self.enabled[node] or self.sim.deploys.scope(node) is not None:
                    continue  # (a rollout steps one tick at a time: no batch to check)
                row = self._observed(info, seen, batch, k)
                desired, _ = self._desired(info, t, row, histories[node])
                if desired != int(self.sim.world.inst.counts[node]):
                    batch.limit(k + 1)
                    return

        def commit() -> None:
            self.history.update(histories)
            self.next_sync.update(next_sync)
            self.wake_at = min(self.next_sync.values())

        batch.commit(commit)

    def _observed(self, info, seen: dict[int, np.ndarray], batch=None,  # noqa: ANN001
                  k: int = 0) -> np.ndarray:
        """What the node's metrics showed over the last sync period, as the HPA reads a
        metrics window rather than one scrape: the mean of each metric, and the p99 of the
        merged latency histograms. Inside a batch (``batch``, tick ``k``) the ticks not yet
        recorded come from the batch, as the store will keep them (float32). ``seen`` keeps
        the means of every node per window length, for the other nodes of the same tick."""
        node = info.index
        span = max(1, info.spec.autoscale.sync // self.sim.spec.tick)
        if span not in seen:
            rows = self._window(span, lambda b, first, last: b.rows[first:last],
                                lambda ring, s: ring.data[s % ring.length], batch, k)
            seen[span] = rows.astype(np.float64).mean(axis=0) if len(rows) else \
                self.sim.world.node_metrics
        mean = seen[span][:, node].copy()
        if self.policies[info.index].target_p99 is not None:
            hist = self._window(span, lambda b, first, last: b.latency[first:last, node],
                                lambda ring, s: ring.hist[s % ring.hist_length, node],
                                batch, k)
            if len(hist):
                mean[M.P99] = quantiles(hist.astype(np.float64).sum(axis=0), (0.99,))[0, 0] \
                    * 1000
        return mean

    def _window(self, span: int, from_batch, from_ring, batch, k: int) -> np.ndarray:  # noqa: ANN001
        """The last ``span`` ticks of something recorded, oldest first, as float32."""
        ring = self.sim.metrics.rings[0]
        parts = []
        taken = 0
        if batch is not None:
            first = max(0, k + 1 - span)
            parts.append(from_batch(batch, first, k + 1).astype(np.float32))
            taken = k + 1 - first
        need = min(span - taken, ring.written)
        if need:
            parts.insert(0, from_ring(ring, np.arange(ring.written - need, ring.written)))
        if not parts:
            return np.zeros(0, dtype=np.float32)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def _desired(self, info, t: int, row: np.ndarray,  # noqa: ANN001 - NodeInfo
                 history: deque, scope=None) -> tuple[int, str]:  # noqa: ANN001
        """The count this node should have now, and why; ``history`` gets this decision
        (the caller's copy while a batch is being checked). During a rollout ``scope`` is
        the part of the service whose count the decision is about (``engine.deploy.sharing``):
        the load is measured over every instance, as an HPA selects every pod of a rollout,
        and the instances it needs are compared with the scope's count."""
        world, spec = self.sim.world, self.policies[info.index]
        node = info.index
        total = int(world.inst.counts[node])
        current = total if scope is None else scope.count
        ready = max(int(row[M.READY]), 1)
        # (the reasons are written out only when the decision is reported); each metric
        # says whether it adds up over instances (load) or is a property of each (latency)
        ratios: list[tuple[float, Callable[[], str], bool]] = []
        cpu, mem, rps, p99 = (float(row[M.CPU]), float(row[M.MEMORY]), float(row[M.RPS]),
                              float(row[M.P99]))
        if spec.target_cpu is not None:
            ratios.append((cpu / spec.target_cpu,
                           lambda: f"cpu {cpu:.0%} vs target {spec.target_cpu:.0%}", True))
        if spec.target_memory is not None:
            share = mem / info.spec.memory.limit
            ratios.append((share / spec.target_memory,
                           lambda: f"memory {share:.0%} vs target {spec.target_memory:.0%}",
                           True))
        if spec.target_rps is not None:
            per = rps / ready
            ratios.append((per / spec.target_rps, lambda: f"{per:.0f} rps per instance vs "
                           f"target {spec.target_rps:g}", True))
        if spec.target_p99 is not None:
            ratios.append((p99 / spec.target_p99,
                           lambda: f"p99 {p99:.0f}ms vs target {spec.target_p99}ms", False))
        proposals: list[tuple[int, Callable[[], str]]] = []
        starting = total - int(row[M.READY]) if scope is None else scope.starting
        for ratio, why, adds_up in ratios:
            # like the HPA, instances not ready yet count as idle when deciding to grow and
            # as fully busy when deciding to shrink, so start-up never causes an overshoot
            if adds_up and scope is not None:  # the load of all, carried by the scope
                need = ready * ratio
                ratio = (need if need >= current else need + starting) / max(current, 1)
            elif ratio > 1.0 and starting > 0:
                ratio = (ready * ratio) / max(current, 1)
            elif ratio < 1.0 and starting > 0:
                ratio = (ready * ratio + starting) / max(current, 1)
            if abs(ratio - 1.0) <= spec.tolerance:
                proposals.append((current, why))  # within tolerance: this metric votes to hold
            else:
                proposals.append((math.ceil(current * ratio - 1e-9) if current
                                  else math.ceil(ratio), why))
        # every metric votes and the largest recommendation wins, as in the HPA
        desired, why = max(proposals, key=lambda p: p[0]) if proposals else (current, str)
        if spec.predictive:
            forecast = self._forecast(info, t)
            if forecast is not None and forecast[0] > desired:
                desired, why = forecast[0], (lambda text=forecast[1]: text)
        desired = min(max(desired, spec.min), spec.max)
        history.append((t, desired))
        while history and history[0][0] < t - max(spec.stabilization, spec.scale_up_window):
            history.popleft()
        if desired < current:
            desired = min(current, max(d for s, d in history if s >= t - spec.stabilization))
        elif desired > current and spec.scale_up_window:
            # a surge must last the window: the lowest recommendation in it decides
            desired = max(current, min(d for s, d in history if s >= t - spec.scale_up_window))
        if desired > current:
            desired = min(desired, max(current * 2, current + 4))
        return desired, why() if desired != current else ""

    def _act(self, info, t: int, desired: int, reason: str,  # noqa: ANN001
             scope=None) -> None:  # noqa: ANN001
        world = self.sim.world
        current = int(world.inst.counts[info.index]) if scope is None else scope.count
        if desired == current:
            return
        if scope is None:
            world.lifecycle.scale(info.index, desired, t)
        else:  # the rollout splits the count between its stacks
            self.sim.deploys.resize(info.index, desired, t)
        direction = "up" if desired > current else "down"
        # during a rollout the load measured over every instance (a surge or a preview
        # included) is what the scope's count must carry: say so, not just the mean
        pool = "" if scope is None else \
            f" ({scope.name}, sized for the load on all {int(world.inst.counts[info.index])})"
        world.emit("scale", service=info.name, env=info.env, **{"from": current, "to": desired},
                   reason=f"autoscaler {direction}{pool}: {reason}")

    def set_policy(self, node: int, low: int | None, high: int | None,
                   target_cpu: float | None, predictive: bool | None = None) -> str | None:
        """Change a node's bounds, CPU target or forecasting (None keeps one); None, or why
        not."""
        import dataclasses

        spec = self.policies[node]
        low = spec.min if low is None else low
        high = spec.max if high is None else high
        if low < 1 or high < low:
            return f"the bounds must satisfy 1 ≤ min ≤ max, not min {low} and max {high}"
        if target_cpu is not None and not 0 < target_cpu <= 1:
            return f"a CPU target is a share above 0 and at most 100%, not {target_cpu:.0%}"
        self.policies[node] = dataclasses.replace(
            spec, min=low, max=high,
            target_cpu=spec.target_cpu if target_cpu is None else target_cpu,
            predictive=spec.predictive if predictive is None else predictive)
        self.foresees = any(p.predictive for p in self.policies.values())
        return None

    def _forecast(self, info, t: int) -> tuple[int, str] | None:  # noqa: ANN001
        from .forecast import TrafficForecaster

        node = info.index
        spec = self.policies[info.index]
        model = self.forecasters.get(node)
        if model is None:
            model = self.forecasters[node] = TrafficForecaster(spec.horizon)
        times, rps = self.sim.metrics.series(node, "rps", HISTORY_MS, t)
        predicted = model.predict(times, rps, t, self.sim.spec.start)  # type: ignore[attr-defined]
        if predicted is None:
            return None
        capacity = float(np.mean(self.sim.world.inst.capacity[self.sim.world.inst.rows_of(node)]))
        per_instance = spec.target_rps or capacity * (spec.target_cpu or 0.7)
        want = math.ceil(predicted / max(per_instance, 1e-9))
        minutes = spec.horizon // 60_000
        return want, f"forecast {predicted:.0f} rps in {minutes}m"
