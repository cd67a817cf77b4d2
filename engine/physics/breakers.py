"""Circuit breakers on call edges (the Hystrix / resilience4j state machine).

closed → open when, over the last ``window``, at least ``min_calls`` calls were made and a
share ≥ ``errors`` of them failed; open for ``open`` (calls fail fast, ``physics.flow``);
then half-open, letting ``probes`` calls through: all succeed → closed, any fails → open again.
The window is kept per second of simulated time, as a ring of call and failure counts of the
calls actually made while closed; it starts afresh when the breaker closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]


def step(world: World, tick: Tick, b: Batch) -> None:
    if not tick.breaker_edges:
        return
    flow, topo, dt_ms = world.flow, world.topo, world.dt_ms
    ring = flow.window_calls.shape[1]
    slots = (b.times // dt_ms) % ring
    t_last = b.last
    decisions: list[tuple[int, str, str]] = []
    counting: list[int] = []  # closed breakers: their windows count this batch's calls
    for e in tick.breaker_edges:
        spec = topo.edge_breaker[e]
        calls = b.attempts[:, e] + b.blocked[:, e]
        failed = b.edge_failed[:, e]
        if flow.breaker_open_until[e] > int(b.times[0]):
            continue  # open all batch long (it ends where the breaker half-opens)
        if flow.breaker_probes[e] > 0:  # half-open (a batch of one tick): the probes decide
            sent = min(b.attempts[-1, e], flow.breaker_probes[e])
            if failed[-1] - b.blocked[-1, e] > 0:  # a probe failed (the held calls do not count)
                decisions.append((e, "open", "half-open probe failed"))
            elif flow.breaker_probes[e] - sent <= 0:
                decisions.append((e, "close", "probes succeeded"))
            else:
                decisions.append((e, f"probes:{int(sent)}", ""))
            continue
        counting.append(e)
        span = max(1, min(int(spec.window // dt_ms), ring))
        before = (slots[0] - np.arange(span - 1, 0, -1)) % ring  # the window's older seconds
        c = np.concatenate([flow.window_calls[e, before], calls]).cumsum()
        f = np.concatenate([flow.window_failed[e, before], failed]).cumsum()
        c_win = c[span - 1:] - np.concatenate([[0.0], c[:-span]])[:b.k]
        f_win = f[span - 1:] - np.concatenate([[0.0], f[:-span]])[:b.k]
        trips = (c_win >= spec.min_calls) & (f_win >= spec.errors * c_win) & (c_win > 0)
        first = b.first_true(trips)
        if first is not None:
            b.limit(first + 1)
        elif trips[-1]:
            decisions.append((e, "open", f"{f_win[-1]:.0f} of {c_win[-1]:.0f} calls failed"))

    def commit() -> None:
        for e in counting:
            flow.window_calls[e, slots] = b.attempts[:, e] + b.blocked[:, e]
            flow.window_failed[e, slots] = b.edge_failed[:, e]
        for e, what, why in decisions:
            spec = topo.edge_breaker[e]
            if what == "open":
                flow.breaker_open_until[e] = t_last + spec.open
                flow.breaker_probes[e] = spec.probes
                flow.window_calls[e] = 0.0
                flow.window_failed[e] = 0.0
                _event(world, e, "breaker.opened", why)
            elif what == "close":  # a fresh window: what failed before it opened is history
                flow.breaker_probes[e] = 0
                flow.window_calls[e] = 0.0
                flow.window_failed[e] = 0.0
                _event(world, e, "breaker.closed", why)
            else:
                flow.breaker_probes[e] -= int(what.split(":")[1])

    b.commit(commit)


def _event(world: World, e: int, type_: str, why: str) -> None:
    topo = world.topo
    src, dst = topo.nodes[int(topo.edge_src[e])], topo.nodes[int(topo.edge_dst[e])]
    world.emit(type_, service=src.name, callee=dst.name, env=src.env, reason=why)
