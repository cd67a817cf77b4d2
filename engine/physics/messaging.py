"""Queues with partitions and consumer lag; caches whose hit ratio recovers with traffic.

Queue (Kafka-like): producers publish p messages a tick (the queue node's admitted requests;
while no broker is ready they fail like any other call). Each consumer group keeps lag ℓ.
Only min(ready consumers, partitions) consumers can work — one consumer per partition, the
rest idle — so the group pulls at most c = 0.9·μ·min(n, partitions)·dt a tick (μ: one
consumer's capacity). Next tick its service receives pulled = min(ℓ + p, c) messages, and
ℓ ← ℓ + p − pulled·(1 − e) with e the share the consumer failed (failed messages are
redelivered). Lag in seconds is ℓ divided by the publish rate.

Cache: a lookup hits with probability h = h*·warm and otherwise goes to the backing store
(the cache → backing edge, ``physics.flow``); while the cache has no ready instance every lookup
goes there, and a cache that comes back (or is flushed) is empty. Each miss fetched from the
backing store warms it: warm ← 1 − (1 − warm)·exp(−fetched/K), where K = λ_miss·warmup/3 at the
scenario's mean traffic (so at normal traffic the hit ratio recovers in about ``warmup``; with
less traffic it takes longer, with more it is quicker).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["flush", "step"]


def flush(world: World, node: int) -> None:
    """Empty a cache (a restart, an eviction storm, ``FLUSHALL``)."""
    world.flow.warm[node] = 0.0


def step(world: World, tick: Tick, t: int) -> None:
    flow, topo, routing = world.flow, world.topo, world.routing()
    if len(topo.consumers):
        queue, consumer = tick.consumer_queues, tick.consumer_nodes
        produced = flow.admitted[queue]
        failed_share = flow.failed[consumer] / np.maximum(flow.arrivals[consumer], 1.0)
        lag = flow.queue_lag + produced - flow.consumed * (1.0 - failed_share)
        lag = np.maximum(lag, 0.0)
        rows_ready = routing.ready_count[consumer]
        capacity = np.bincount(world.inst.node, routing.mu * routing.ready, topo.size)
        per = capacity[consumer] / np.maximum(rows_ready, 1.0)
        workers = np.minimum(rows_ready, tick.partitions)
        cap = np.floor(0.9 * per * workers * world.dt)
        flow.consumed = np.minimum(lag, cap)
        flow.queue_lag = lag
        rate = np.maximum(produced / world.dt, 1e-9)
        flow.queue_lag_s = np.where(lag > 0, lag / rate, 0.0)
    if tick.cache_nodes.size:
        caches = tick.cache_nodes
        down = routing.routable[caches] <= 0
        flow.warm[caches[down]] = 0.0
        edges = tick.miss_edges
        fetched = flow.attempts[edges] - flow.edge_failed[edges]
        k = tick.warm_constant[topo.edge_src[edges]]
        src = topo.edge_src[edges]
        warm = flow.warm[src]
        flow.warm[src] = np.where(routing.routable[src] > 0,
                                  1.0 - (1.0 - warm) * np.exp(-fetched / k), 0.0)
