"""A run of K ticks computed at once, and the random streams it draws from.

A quiet stretch of simulated time (no instance changing state, no queue building, nothing
shed) is mostly arithmetic on the same few arrays, tick after tick. The tick pipeline
(``engine.tick``) therefore computes ``K`` consecutive ticks in one pass, as K × n arrays, and
checks as it goes that what it assumed about the state *between* those ticks held: no
backlog formed, nothing was refused, no consumer failed a message, no instance ran out of
memory, no breaker tripped. A step that finds the assumption broken after tick ``k`` calls
``limit(k + 1)``; the tick pipeline then forgets the pass, rewinds the random streams, and
computes only the first ``k + 1`` ticks, whose last one carries the state forward exactly.

Determinism does not depend on K: every place that draws has its own stream (``Streams``),
and each draw covers the batch's ticks in tick order, so K ticks drawn at once take the same
numbers as K draws of one tick. Same scenario, seed and commands ⇒ the same figures, however
the front end chunks the clock.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Batch", "Streams", "group_add"]


class Streams:
    """One random generator per draw site, each seeded from (seed, site name)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self._rngs: dict[tuple[Any, ...], np.random.Generator] = {}

    def __call__(self, *site: Any) -> np.random.Generator:
        rng = self._rngs.get(site)
        if rng is None:
            key = zlib.crc32(repr(site).encode())
            rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(
                self.seed, spawn_key=(key,))))
            self._rngs[site] = rng
        return rng

    def save(self) -> dict[tuple[Any, ...], dict[str, Any]]:
        return {site: rng.bit_generator.state for site, rng in self._rngs.items()}

    def restore(self, saved: dict[tuple[Any, ...], dict[str, Any]]) -> None:
        for site in list(self._rngs):
            if site in saved:
                self._rngs[site].bit_generator.state = saved[site]
            else:
                del self._rngs[site]  # first used in the forgotten pass: start afresh


@dataclass(slots=True)
class Batch:
    """The per-tick arrays of K consecutive ticks (leading axis k) and what to commit."""

    times: np.ndarray  # K tick times (ms)
    nodes: int
    edges: int
    exact: int = field(init=False)  # leading ticks known to be exact
    commits: list[Callable[[], None]] = field(default_factory=list)
    arrivals: np.ndarray = field(init=False)
    admitted: np.ndarray = field(init=False)
    rejected: np.ndarray = field(init=False)
    failed: np.ndarray = field(init=False)
    calls: np.ndarray = field(init=False)
    attempts: np.ndarray = field(init=False)
    blocked: np.ndarray = field(init=False)
    edge_failed: np.ndarray = field(init=False)
    latency: np.ndarray = field(init=False)  # K × N × buckets
    lam_node: np.ndarray = field(init=False)  # K × N admitted per second
    smooth: np.ndarray = field(init=False)  # K × N smoothed admitted per second
    slow: np.ndarray = field(init=False)  # K × N the same over a minute
    rows: np.ndarray = field(init=False)  # K × metrics × N
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        k, n, e = len(self.times), self.nodes, self.edges
        self.exact = k
        for name in ("arrivals", "admitted", "rejected", "failed", "lam_node", "smooth"):
            setattr(self, name, np.zeros((k, n)))
        for name in ("calls", "attempts", "blocked", "edge_failed"):
            setattr(self, name, np.zeros((k, e)))

    @property
    def k(self) -> int:
        return len(self.times)

    @property
    def last(self) -> int:
        """The time of the batch's last tick (ms)."""
        return int(self.times[-1])

    def limit(self, ticks: int) -> None:
        """Only the first ``ticks`` ticks (at least one) are exact."""
        self.exact = min(self.exact, max(int(ticks), 1))

    def first_true(self, flags: np.ndarray) -> int | None:
        """The first tick k < K − 1 where ``flags`` (K, or K × anything) holds, or None: the
        state a step carries after such a tick is not what the batch assumed."""
        if flags.ndim > 1:
            flags = flags.reshape(len(flags), -1).any(axis=1)
        hit = np.flatnonzero(flags[:-1])
        return int(hit[0]) if len(hit) else None

    def assume(self, broken: np.ndarray) -> None:
        """Limit the batch after the first tick whose outcome breaks an assumption."""
        k = self.first_true(broken)
        if k is not None:
            self.limit(k + 1)

    def commit(self, action: Callable[[], None]) -> None:
        self.commits.append(action)


_OFFSETS: dict[tuple[int, int], np.ndarray] = {}


def group_add(values: np.ndarray, index: np.ndarray, size: int) -> np.ndarray:
    """Per-group sums of each row of a (K × items) array: out[k, index[i]] += values[k, i],
    added in item order whatever K is (so one tick's sums do not depend on the batch)."""
    k = values.shape[0]
    offsets = _OFFSETS.get((k, size))
    if offsets is None:
        offsets = _OFFSETS.setdefault((k, size), (np.arange(k) * size)[:, None])
    flat = (offsets + index[None, :]).ravel()
    return np.bincount(flat, values.ravel(), k * size).reshape(k, size)
