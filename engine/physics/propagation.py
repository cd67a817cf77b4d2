"""How load, latency and failure travel along calls, one hop per tick.

For a caller s with edges s→c carrying w_sc calls per request:

- traffic:  λ_c = λ_entry,c + Σ_s w_sc · λ_s · (1 − u_s)      (u: the caller's unroutable share)
- latency:  T_s = T_own,s + Σ_c w_sc · T_c                    (calls made one after another;
            applied to the mean and, as a conservative approximation, to each percentile)
- success:  P_s = P_own,s · Π_c (1 − min(w,1)·E_c) · (1 − E_c)^max(w−1, 0)
            where E_c is the callee's end-to-end error rate: a fractional weight is a chance of
            calling, a weight above one is several calls, any failure fails the request.

Each quantity on the right is last tick's, so a change needs one tick per hop to reach the
edge: with 1 s ticks that is the scale of a timeout-and-retry cycle, and it keeps every tick
a fixed handful of vector operations however large the graph is.
"""

from __future__ import annotations

import numpy as np

from ..grouping import Grouper

__all__ = ["Edges", "timeout_share"]

_LN2 = float(np.log(2.0))
_LN50 = float(np.log(50.0))


class Edges:
    """Call edges with weights split for the success product."""

    def __init__(self, src: np.ndarray, dst: np.ndarray, weight: np.ndarray, size: int) -> None:
        self.src, self.dst, self.size = src, dst, size
        self.by_caller = Grouper(src, size)
        self.set_weights(weight)

    def set_weights(self, weight: np.ndarray) -> None:
        self.weight = weight
        self.w_one = np.minimum(weight, 1.0)
        self.more = np.flatnonzero(weight > 1.0)  # edges called several times per request
        self.w_more = weight[self.more] - 1.0

    def traffic(self, entry: np.ndarray, lam: np.ndarray, routed: np.ndarray) -> np.ndarray:
        """Offered requests/s per node."""
        if not len(self.src):
            return entry.copy()
        flow = self.weight * lam[self.src] * routed[self.src]
        return entry + np.bincount(self.dst, flow, self.size)

    def latency(self, own: np.ndarray, e2e: np.ndarray) -> np.ndarray:
        """End-to-end latency rows (k × nodes) from own latency and callees' last values."""
        if not len(self.src):
            return own.copy()
        return own + self.by_caller.sum(e2e[:, self.dst] * self.weight)

    def log_success(self, own_log_success: np.ndarray, e2e_err: np.ndarray) -> np.ndarray:
        """ln P(success) per node, from its own and its callees' last end-to-end errors."""
        if not len(self.src):
            return own_log_success.copy()
        e = np.minimum(e2e_err[self.dst], 1.0 - 1e-12)
        term = np.log1p(-(self.w_one * e))
        if len(self.more):
            term[self.more] += self.w_more * np.log1p(-e[self.more])
        return own_log_success + np.bincount(self.src, term, self.size)


def timeout_share(p50: np.ndarray, p99: np.ndarray, timeout: np.ndarray) -> np.ndarray:
    """Share of requests slower than ``timeout``, from a shifted-exponential tail fitted to the
    end-to-end p50 and p99 (P(T > x) = exp(−(x − a)/b))."""
    b = np.maximum((p99 - p50) / (_LN50), 1e-9)
    a = p50 - b * _LN2
    return np.exp(-np.maximum(timeout - a, 0.0) / b)
