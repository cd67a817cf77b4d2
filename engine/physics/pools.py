"""What a query pays on top of the database's own latency: the client's connection pool, and a
synchronous standby's round trip.

- Connection pool (HikariCP, database/sql, SQLAlchemy): each client instance keeps
  ``pool_size`` = k connections to a database, and a query holds one for the query's time T
  (the database's end-to-end latency, mean T̄). With λ queries/s per client instance the pool
  is an M/M/k queue with a = λ·T̄ and ρ = a/k: a query waits for a free connection with the
  Erlang C probability C(k, a), and then Exp(mean T̄/(k·(1 − ρ))). The wait counts against the
  caller's timeout. A pool near saturation (ρ → 1) is where "the database is fast but the
  service is slow" comes from.
- Synchronous replication: the primary acknowledges a write only after the synchronous
  standby has it, so a write takes the standby's round trip (``base_lag``) longer: the
  database's latency mixes 1 − w of reads with w of writes shifted by it (w: ``write_ratio``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from . import latency as lat
from ..histogram import B, MIDS
from .servers import RHO_MAX, erlang_c

if TYPE_CHECKING:
    from ..tick import Tick
    from ..world import World

__all__ = ["pool_wait", "sync_commit"]


def pool_wait(world: World, tick: Tick, edges: np.ndarray, callee: np.ndarray,
              weight: np.ndarray) -> np.ndarray | None:
    """Per edge (rows of ``callee``, the callees' distributions): the query's latency with the
    wait for a pooled connection added, or None when no edge to a database waits."""
    topo, routing = world.topo, world.routing()
    to_db = topo.is_db[topo.edge_dst[edges]]
    if not to_db.any():
        return None
    src = topo.edge_src[edges]
    per_instance = world.flow.slow[src] * weight / np.maximum(routing.ready_count[src], 1.0)
    mass = callee[:, :B].sum(axis=1)
    hold = callee[:, B:].sum(axis=1) / np.maximum(mass, 1e-12)  # T̄, s
    k = np.maximum(topo.pool_size[src], 1.0)
    rho = np.minimum(per_instance * hold / k, RHO_MAX)
    wait_p = np.where(to_db, erlang_c(k, rho), 0.0)
    if not np.any(wait_p > 1e-4):
        return None
    wait_mean = hold / (k * (1.0 - rho))
    waits = lat.own_latency(np.zeros(len(edges)), np.full(len(edges), MIDS[0] / 10), wait_p,
                            np.maximum(wait_mean, 1e-9))
    out = callee.copy()
    busy = np.flatnonzero(wait_p > 1e-4)
    out[busy] = lat.convolve(waits[busy], callee[busy])
    return out


def sync_commit(world: World, tick: Tick, nodes: np.ndarray, dists: np.ndarray) -> np.ndarray:
    """Distributions of the given nodes' pools with a synchronous standby's round trip added
    to their writes."""
    sync = tick.sync[nodes]
    if not sync.any():
        return dists
    topo = world.topo
    rows = np.flatnonzero(sync)
    wf = topo.write_frac[nodes[rows]][:, None]
    shifted = lat.convolve(dists[rows], lat.at_value(tick.base_lag[nodes[rows]]))
    out = dists.copy()
    out[rows] = (1.0 - wf) * dists[rows] + wf * shifted
    return out
