"""Requests entering the estate: a daily curve, a slow random wander and scheduled spikes.

    λ_entry(t) = rps · share · D(t) · N(t) · S(t)

- D(t) = 1 + a·cos(2π (tod(t) − peak) / 24h): the diurnal curve, mean 1, busiest at ``peak``.
- N(t) = exp(x_t − σ²/2) with x an AR(1) process, x_t = φ·x_{t−1} + σ·√(1−φ²)·ε_t and
  φ = exp(−dt/τ), τ = 5 min: traffic wanders smoothly instead of jittering each tick (mean 1).
  Each entry node adds its own small white noise on top.
- S(t): each spike is a trapezoid — it climbs over ``ramp`` from ``at``, holds ``factor`` for
  ``duration``, then falls back over ``ramp``.
"""

from __future__ import annotations

import math

import numpy as np

from ..scenario.spec import TrafficSpec

__all__ = ["TrafficModel"]

DAY_MS = 86_400_000
WANDER_TAU_S = 300.0
BLOCK = 4096


class TrafficModel:
    """Entry traffic per node; draws all its randomness from its own generator.

    The curve is computed ``BLOCK`` ticks at a time (the AR(1) recursion in plain Python, the
    rest vectorised), so a tick costs one lookup and two array operations.
    """

    def __init__(self, spec: TrafficSpec, start_ms: int, tick_ms: int, entry_share: np.ndarray,
                 rng: np.random.Generator) -> None:
        self.spec = spec
        self.start_ms = start_ms
        self.tick_ms = tick_ms
        self.entry_share = entry_share
        self.entry_nodes = np.flatnonzero(entry_share > 0)
        self.rng = rng
        dt = tick_ms / 1000
        self.phi = math.exp(-dt / WANDER_TAU_S)
        self.sigma = spec.noise
        self.innovation = self.sigma * math.sqrt(1 - self.phi**2)
        self.wander = 0.0
        self._factors = np.empty(0)
        self._white = np.empty((0, 0))
        self._i = 0
        self._next_tick = 1  # entry_rps is asked for ticks 1, 2, 3, …
        self.factor = 1.0  # the last multiplier applied, for display
        self.boost: np.ndarray | None = None  # per node, set by the chaos effects

    def multiplier(self, t_ms: int) -> float:
        """D(t)·S(t): the deterministic part of the curve at time ``t_ms``."""
        return float(self._deterministic(np.array([t_ms], dtype=np.float64))[0])

    def _deterministic(self, t: np.ndarray) -> np.ndarray:
        d = self.spec.diurnal
        tod = (self.start_ms + t) % DAY_MS
        value = 1 + d.amplitude * np.cos(2 * np.pi * (tod - d.peak) / DAY_MS)
        for spike in self.spec.spikes:
            value = value * _spike(spike.at, spike.ramp, spike.duration, spike.factor, t)
        return value

    def _fill(self) -> None:
        first = self._next_tick
        t = (first + np.arange(BLOCK)) * float(self.tick_ms)
        shocks = self.rng.standard_normal(BLOCK)
        wander = np.empty(BLOCK)
        x, phi, innovation = self.wander, self.phi, self.innovation
        for j, shock in enumerate(shocks.tolist()):
            x = phi * x + innovation * shock
            wander[j] = x
        self.wander = x
        noise = np.exp(wander - self.sigma**2 / 2)
        self._factors = self._deterministic(t) * noise
        white = self.rng.standard_normal((BLOCK, len(self.entry_nodes)))
        self._white = np.maximum(1 + (self.sigma * 0.3) * white, 0.0)
        self._i = 0

    def entry_rps(self, t_ms: int) -> np.ndarray:
        """Requests/s entering each node at the next tick (zero for non-entry nodes)."""
        return self.entry_rps_many(1)[0]

    def entry_rps_many(self, k: int) -> np.ndarray:
        """Requests/s entering each node at each of the next ``k`` ticks (k × nodes)."""
        factors, white = [], []
        need = k
        while need:
            if self._i >= len(self._factors):
                self._fill()
            take = min(need, len(self._factors) - self._i)
            factors.append(self._factors[self._i:self._i + take])
            white.append(self._white[self._i:self._i + take])
            self._i += take
            self._next_tick += take
            need -= take
        factor = np.concatenate(factors) if len(factors) > 1 else factors[0]
        out = np.outer(factor * self.spec.rps, self.entry_share)
        if self.boost is not None and (self.boost != 1.0).any():
            out *= self.boost  # a traffic spike injected on purpose
        if len(self.entry_nodes):
            out[:, self.entry_nodes] *= np.concatenate(white) if len(white) > 1 else white[0]
        self.factor = float(factor[-1])
        return out

    def save(self) -> tuple:
        return (self._i, self._next_tick, self.wander, self._factors, self._white, self.factor,
                self.rng.bit_generator.state)

    def restore(self, saved: tuple) -> None:
        (self._i, self._next_tick, self.wander, self._factors, self._white, self.factor,
         state) = saved
        self.rng.bit_generator.state = state


def _spike(at: int, ramp: int, duration: int, factor: float, t: np.ndarray) -> np.ndarray:
    """The trapezoid multiplier of one spike at times ``t`` (ms)."""
    if ramp:
        up = (t - at) / ramp
        down = (at + 2 * ramp + duration - t) / ramp
        share = np.clip(np.minimum(up, down), 0.0, 1.0)
    else:
        share = ((t >= at) & (t <= at + duration)).astype(np.float64)
    return 1 + (factor - 1) * share
