"""Requests flowing down the call graph: arrivals, admission, calls and retries.

Counts, not rates: every figure is a whole number of requests drawn for the tick.

- Entry arrivals are Poisson around λ_entry(t)·dt. A queue's consumers receive what they
  pulled from it at the end of the previous tick (a queue comes before its consumers).
- Nodes are visited callers first (``Topology.level``), so a callee receives this tick what its
  callers admitted this tick. At each node, arrivals a are refused at the door, in this order:
  no ready instance (a cache instead passes everything through to its backing store); no
  database connection (``conn_refused``, ``physics.databases``); an external's rate limit
  (HTTP 429 beyond ``capacity``·dt); and load shedding when the instances' queues are full —
  the room is Σ ready (μ·dt + q_max − b) over instances (b: backlog, q_max = μ·timeout/2).
  What is left is admitted; only admitted requests call anything.
- Calls on an edge of weight w: n·⌊w⌋ + Binomial(n, w − ⌊w⌋) for n admitted requests of the
  caller (a cache: Binomial(n, 1 − h) misses, h its hit ratio now). An open breaker fails
  them fast instead (``blocked``); a half-open one lets ``probes`` through.
- Each attempt fails with p = 1 − (1 − p_edge)(1 − s), p_edge the composed chance (callee's
  errors and the edge's timeout, ``physics.compose``) and s the share the callee refused in
  the previous tick. Failed attempts are retried within the tick (back-offs are tens of
  milliseconds, a tick is a second), up to the edge's ``retries``, and all retries together
  at most ``retry_budget`` × calls + 1, as Envoy's and Finagle's retry budgets bound them.
  Every attempt, retry or not, is load on the callee: a callee that sheds makes its callers
  retry, which makes it shed more — a retry storm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..batch import group_add

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["QUEUE_SHARE", "step"]

QUEUE_SHARE = 0.5  # instances queue at most half their clients' timeout worth of work


def step(world: World, tick: Tick, b: Batch) -> None:
    topo, flow, routing, dist = world.topo, world.flow, world.routing(), world.dist
    inst, dt, K, N = world.inst, world.dt, b.k, topo.size
    arrivals = b.arrivals
    entry = tick.entry_nodes
    expected = tick.traffic.entry_rps_many(K)[:, entry] * dt
    arrivals[:, entry] = tick.streams("arrivals").poisson(expected)
    # the room each node has before it must shed (from the queues as the last tick left them;
    # inside a batch no backlog forms — ``physics.servers`` checks)
    cap = routing.mu * topo.timeout[inst.node] * QUEUE_SHARE
    room = np.bincount(inst.node, routing.ready * (routing.mu * dt + cap - inst.backlog), N)
    room = np.floor(np.minimum(room, topo.rate_limit * dt))
    hit = topo.hit_target * flow.warm * (routing.routable > 0)
    # what callees refused the tick before: the last tick's at k = 0, none inside a batch
    refused_before = np.zeros((K, N))
    refused_before[0] = flow.refused_share
    t0 = int(b.times[0])
    open_edge = flow.breaker_open_until > t0
    half_open = ~open_edge & (flow.breaker_probes > 0)
    for level, (nodes, edges) in enumerate(tick.levels):
        consumers = tick.consumers_at[level]
        if consumers is not None:
            _consumers(world, tick, b, consumers)
        a = arrivals[:, nodes]
        routable = routing.routable[nodes]
        cache = topo.is_cache[nodes]
        # (nodes that refuse nothing or everything draw nothing)
        partial = (routable > 0) & (routable < 1) & ~cache
        down = np.where(routable <= 0, a, 0.0) * ~cache
        if partial.any():
            down[:, partial] = tick.streams("down", level).binomial(
                a[:, partial].astype(np.int64), 1.0 - routable[partial])
        rest = a - down
        refused = flow.conn_refused[nodes]
        no_conn = np.zeros_like(rest)
        if refused.any():
            some = refused > 0
            no_conn[:, some] = tick.streams("conn", level).binomial(
                rest[:, some].astype(np.int64), refused[some])
        rest = rest - no_conn
        shed = np.where(cache & (routable <= 0), 0.0, np.maximum(rest - room[nodes], 0.0))
        b.admitted[:, nodes] = rest - shed
        b.rejected[:, nodes] = down + no_conn + shed
        if len(edges):
            _calls(world, tick, b, level, edges, hit, refused_before, open_edge, half_open)
    b.assume(b.rejected > 0)  # a refusal changes the next tick's retries
    assert dist is not None


def _calls(world: World, tick: Tick, b: Batch, level: int, edges: np.ndarray,
           hit: np.ndarray, refused_before: np.ndarray, open_edge: np.ndarray,
           half_open: np.ndarray) -> None:
    topo, flow, dist = world.topo, world.flow, world.dist
    src, dst = topo.edge_src[edges], topo.edge_dst[edges]
    n = b.admitted[:, src].astype(np.int64)
    w = np.where(topo.edge_cache[edges] >= 0, 1.0 - hit[src], topo.edge_weight[edges])
    whole = np.floor(w)
    c = n * whole + tick.streams("calls", level).binomial(n, w - whole)
    passing = np.where(open_edge[edges], 0.0,
                       np.where(half_open[edges],
                                np.minimum(c, flow.breaker_probes[edges]), c))
    p = 1.0 - (1.0 - dist.attempt_fail[edges]) * (1.0 - refused_before[:, dst])
    p = np.clip(p, 0.0, 1.0)
    failed = tick.streams("fail", level, 0).binomial(passing.astype(np.int64), p)
    attempts, owed = passing.copy(), failed
    budget = np.floor(topo.edge_budget[edges] * c) + 1.0
    retries = topo.edge_retries[edges]
    for i in range(int(retries.max()) if len(retries) else 0):
        again = np.where(retries > i, np.minimum(owed, np.maximum(budget, 0.0)), 0.0)
        budget = budget - again
        attempts += again
        owed = tick.streams("fail", level, i + 1).binomial(again.astype(np.int64), p)
        failed = failed + owed
    b.calls[:, edges] = c
    b.attempts[:, edges] = attempts
    b.blocked[:, edges] = c - passing
    b.edge_failed[:, edges] = failed + (c - passing)
    b.arrivals += group_add(attempts, dst, topo.size)


def _consumers(world: World, tick: Tick, b: Batch, groups: np.ndarray) -> None:
    """A consumer group's arrivals: what it pulls from its queue, tick by tick (the queues are
    few). The queue holds L messages; each tick its consumers pull what they can take,
    pulled = min(L + published, c), c the group's capacity (``physics.messaging``), and
    process it the next tick."""
    flow = world.flow
    queue, consumer = tick.consumer_queues[groups], tick.consumer_nodes[groups]
    cap = tick.consumer_capacity(world)[groups] * ~world.effects.stalled[queue]  # (a backlog)
    pulled = np.empty((b.k, len(groups)))
    waiting = np.empty((b.k, len(groups)))
    pulled[0] = flow.consumed[groups]
    held = flow.queue_lag[groups]
    published = b.admitted[:, queue]
    for k in range(b.k):
        total = held + published[k]
        take = np.minimum(total, cap)
        held = total - take
        waiting[k] = held
        if k + 1 < b.k:
            pulled[k + 1] = take
    b.extra.setdefault("queue_next", np.zeros(len(tick.consumer_queues)))[groups] = take
    b.extra.setdefault("queue_held", np.zeros((b.k, len(tick.consumer_queues))))[:, groups] = \
        waiting
    b.arrivals += group_add(pulled, consumer, world.topo.size)
