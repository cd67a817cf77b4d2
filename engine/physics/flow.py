"""Requests flowing down the call graph in one tick: arrivals, admission, calls and retries.

Counts, not rates: every figure is a whole number of requests drawn for this tick.

- Entry arrivals are Poisson around λ_entry(t)·dt; a queue's consumers pull what the queue
  held at the end of the last tick (``physics.messaging``).
- Nodes are visited callers first (``Topology.level``), so a callee receives this tick what its
  callers admitted this tick. At each node, arrivals a are refused at the door, in this order:
  no ready instance (a cache instead passes everything through to its backing store); no
  database connection (``conn_refused``, ``physics.databases``); an external's rate limit
  (HTTP 429 beyond ``capacity``·dt); and load shedding when the instances' queues are full —
  the room is Σ ready (μ·dt + q_max − b) over instances (b: backlog, q_max = μ·timeout/2).
  What is left is admitted; only admitted requests call anything.
- Calls on an edge of weight w: n·⌊w⌋ + Binomial(n, w − ⌊w⌋) for n admitted requests of the
  caller (a cache: Binomial(n, 1 − h) misses, h its hit ratio now). An open breaker fails
  them fast instead (``blocked``). Retries of last tick's failed attempts go out now, at most
  ``retry_budget`` × calls (plus one a tick), as Envoy's and Finagle's retry budgets bound them.
  Every attempt, retry or not, is load on the callee.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["QUEUE_SHARE", "step"]

QUEUE_SHARE = 0.5  # instances queue at most half their clients' timeout worth of work


def step(world: World, tick: Tick, t: int) -> None:
    topo, flow, routing = world.topo, world.flow, world.routing()
    rng = tick.rng_flow
    inst = world.inst
    dt = world.dt
    expected = tick.traffic.entry_rps(t) * dt
    arrivals = np.zeros(topo.size)
    entry = tick.entry_nodes
    arrivals[entry] = rng.poisson(expected[entry])
    if len(topo.consumers):
        np.add.at(arrivals, tick.consumer_nodes, flow.consumed)
    # the room each node has before it must shed (from the queues as the last tick left them)
    cap = routing.mu * topo.timeout[inst.node] * QUEUE_SHARE
    room = np.bincount(inst.node, routing.ready * (routing.mu * dt + cap - inst.backlog),
                       topo.size)
    room = np.floor(np.minimum(room, topo.rate_limit * dt))
    admitted = np.zeros(topo.size)
    rejected = np.zeros(topo.size)
    calls = np.zeros(len(topo.edge_src))
    attempts = np.zeros(len(topo.edge_src))
    blocked = np.zeros(len(topo.edge_src))
    hit = topo.hit_target * flow.warm * (routing.routable > 0)
    open_edge = flow.breaker_open_until > t
    half_open = ~open_edge & (flow.breaker_probes > 0)
    for nodes, edges in tick.levels:
        a = arrivals[nodes]
        routable = routing.routable[nodes]
        cache = topo.is_cache[nodes]
        down = np.where(routable >= 1.0, 0.0, np.where(
            routable <= 0.0, a, rng.binomial(a.astype(np.int64), 1.0 - routable)))
        down = np.where(cache, 0.0, down)
        rest = a - down
        refused = flow.conn_refused[nodes]
        no_conn = np.where(refused > 0, rng.binomial(rest.astype(np.int64), refused), 0.0)
        rest = rest - no_conn
        shed = np.where(cache & (routable <= 0), 0.0, np.maximum(rest - room[nodes], 0.0))
        admitted[nodes] = rest - shed
        rejected[nodes] = down + no_conn + shed
        if not len(edges):
            continue
        src, w = topo.edge_src[edges], topo.edge_weight[edges]
        n = admitted[src].astype(np.int64)
        miss = topo.edge_cache[edges] >= 0
        w = np.where(miss, 1.0 - hit[src], w)
        whole = np.floor(w)
        c = n * whole + rng.binomial(n, w - whole)
        calls[edges] = c
        owed = flow.retry_owed[edges] + flow.retry_owed_late[edges]
        retries = np.minimum(owed, np.floor(topo.edge_budget[edges] * c) + 1.0)
        passing = np.where(open_edge[edges], 0.0, np.where(
            half_open[edges], np.minimum(c + retries, flow.breaker_probes[edges]), c + retries))
        blocked[edges] = c + retries - passing
        attempts[edges] = passing
        np.add.at(arrivals, topo.edge_dst[edges], passing)
    flow.arrivals, flow.admitted, flow.rejected = arrivals, admitted, rejected
    flow.calls, flow.attempts, flow.blocked = calls, attempts, blocked
