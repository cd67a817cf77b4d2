"""Queues with partitions and consumer lag; caches whose hit ratio recovers with traffic.

Queue (Kafka-like): producers publish p messages a tick (the queue node's admitted requests;
while no broker is ready they fail like any other call). Each consumer group's queue holds ℓ
messages. Only min(ready consumers, partitions) consumers can work — one consumer per
partition, the rest idle — so the group pulls at most c = 0.9·μ·min(n, partitions)·dt a tick
(μ: one consumer's capacity): pulled = min(ℓ + p, c), ℓ ← ℓ + p − pulled, and its service
processes them the next tick (``physics.flow``). A message the consumer fails is retried in
the consumer and then dead-lettered: it counts as the consumer's error and does not return to
the queue. Lag is ℓ, the messages waiting beyond what is being consumed; in seconds, ℓ
divided by the publish rate.

Cache: a lookup hits with probability h = h*·warm and otherwise goes to the backing store
(the cache → backing edge, ``physics.flow``); while the cache has no ready instance every lookup
goes there, and a cache that comes back (or is flushed) is empty. Each miss fetched from the
backing store warms it: warm ← 1 − (1 − warm)·exp(−fetched/K), where K = λ_miss·warmup/3 at the
scenario's mean traffic (so at normal traffic the hit ratio recovers in about ``warmup``; with
less traffic it takes longer, with more it is quicker). Within ``WARM_ENOUGH`` of warm it counts
as warm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["WARM_ENOUGH", "flush", "step"]

WARM_ENOUGH = 1e-4  # a cache this close to warm counts as warm


def flush(world: World, node: int) -> None:
    """Empty a cache (a restart, an eviction storm, ``FLUSHALL``)."""
    world.flow.warm[node] = 0.0


def step(world: World, tick: Tick, b: Batch) -> None:
    flow, topo, routing = world.flow, world.topo, world.routing()
    if len(topo.consumers):
        _queues(world, tick, b)
    if tick.cache_nodes.size:
        caches = tick.cache_nodes
        edges = tick.miss_edges
        src = topo.edge_src[edges]
        warm = flow.warm.copy()
        warm[caches[routing.routable[caches] <= 0]] = 0.0
        if b.k > 1:  # a batch only runs while every cache is warm (or down, and empty)
            b.commit(lambda: flow.warm.__setitem__(slice(None), warm))
            return
        fetched = b.attempts[-1, edges] - b.edge_failed[-1, edges]
        k = tick.warm_constant[src]
        new = np.where(routing.routable[src] > 0, 1.0 - (1.0 - warm[src]) * np.exp(-fetched / k),
                       0.0)
        warm[src] = np.where(new > 1.0 - WARM_ENOUGH, 1.0, new)
        b.commit(lambda: flow.warm.__setitem__(slice(None), warm))


def _queues(world: World, tick: Tick, b: Batch) -> None:
    """Lag per consumer group from what ``physics.flow`` pulled, in messages and seconds."""
    flow = world.flow
    produced = b.admitted[:, tick.consumer_queues]
    lag = b.extra["queue_held"]
    rate = np.maximum(produced / world.dt, 1e-9)
    lag_s = np.where(lag > 0, lag / rate, 0.0)
    b.extra["queue_lag"], b.extra["queue_lag_s"] = lag, lag_s
    pulled = b.extra["queue_next"]

    def commit() -> None:
        flow.queue_lag, flow.consumed = lag[-1], pulled

    b.commit(commit)
