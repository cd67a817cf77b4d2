"""Each tick's outcomes, drawn from the composed distributions: failures and latencies.

- Pools: a node's admitted requests are split over its pools (a node's instances of one
  version) as a load balancer spreads them, request by request: multinomially by the pools'
  shares, so a 5 % canary gets Binomial(n, 0.05) requests, not exactly 5 %.
- Failures: each pool's requests fail Binomial(n, F_pool,t), where F_pool,t adds to the
  composed F_pool what this tick's refusals downstream cost it: a call (weight w, r retries)
  to a callee that refused a share s of its arrivals this tick fails with w·s^(r+1) more.
  A node's errors are its failures plus every request refused at its door.
- Latency: a pool's requests fall into the histogram buckets multinomially by its composed
  distribution, so a pool with few requests is visibly noisy and a busy one is steady.
  Refused requests are answered at once and are not in the latency histogram (as a load
  balancer's 503s are not in the service's own).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..batch import group_add

if TYPE_CHECKING:
    from ..batch import Batch
    from ..tick import Tick
    from ..world import World

__all__ = ["step"]


def step(world: World, tick: Tick, b: Batch) -> None:
    topo, dist, routing = world.topo, world.dist, world.routing()
    assert dist is not None
    N, P = topo.size, len(routing.pool_node)
    pool_node = routing.pool_node
    refused = b.rejected / np.maximum(b.arrivals, 1.0)
    extra = np.zeros((b.k, N))
    edges = tick.call_edges
    if len(edges) and refused.any():
        s = refused[:, topo.edge_dst[edges]]
        hurt = np.minimum(topo.edge_weight[edges], 1.0) * s ** (topo.edge_retries[edges] + 1)
        extra = -np.expm1(group_add(np.log1p(-np.minimum(hurt, 1 - 1e-12)),
                                    topo.edge_src[edges], N))
    pool_n = _split(tick, routing, b.admitted)
    fail_p = np.clip(1.0 - (1.0 - dist.pool_fail) * (1.0 - extra[:, pool_node]), 0.0, 1.0)
    failed = tick.streams("pool-fail").binomial(pool_n.astype(np.int64), fail_p)
    b.failed = b.rejected + group_add(failed, pool_node, N)
    pmf = dist.pool_pmf / np.maximum(dist.pool_pmf.sum(axis=1, keepdims=True), 1e-300)
    counts = tick.streams("latency").multinomial(pool_n.astype(np.int64), pmf).astype(
        np.float64)
    latency = np.zeros((b.k, N, counts.shape[2]))
    for pools in tick.pool_ranks()[0]:
        latency[:, pool_node[pools]] += counts[:, pools]
    b.latency = latency
    b.commit(lambda: _per_version(world, routing.pool_version, pool_n.sum(axis=0),
                                  failed.sum(axis=0), counts.sum(axis=0)))


def _split(tick: Tick, routing, admitted: np.ndarray) -> np.ndarray:  # noqa: ANN001
    """Each node's admitted requests spread over its pools by their shares (multinomial, as
    conditional binomials: pool r takes Binomial(left, s_r / Σ_{q≥r} s_q))."""
    node = routing.pool_node
    ranks, cond_p = tick.pool_ranks()
    if len(ranks) == 1:
        return admitted[:, node]  # one pool per node: it takes everything
    out = np.zeros((admitted.shape[0], len(node)))
    taken = np.zeros_like(admitted)
    for rank, pools in enumerate(ranks):
        nodes = node[pools]
        left = admitted[:, nodes] - taken[:, nodes]
        got = tick.streams("split", rank).binomial(left.astype(np.int64), cond_p[pools])
        out[:, pools] = got
        taken[:, nodes] += got
    return out


def _per_version(world: World, version: np.ndarray, n: np.ndarray, failed: np.ndarray,
                 counts: np.ndarray) -> None:
    """Run-long counts per deployed version (a pool), for comparing a canary with its stable
    pool over any window: requests, failures and the latency histogram."""
    acc = world.version_counts
    size = len(world.versions.names)
    if acc.requests.shape[0] < size:
        acc.grow(size)
    np.add.at(acc.requests, version, n)
    np.add.at(acc.failed, version, failed)
    np.add.at(acc.latency, version, counts)
