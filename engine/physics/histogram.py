"""Latency as histograms on fixed log-spaced buckets, and how latencies compose.

Every node's latency is a probability mass over the same ``B`` buckets (as Prometheus and
HdrHistogram keep latency): bucket k holds [e_k, e_{k+1}) with e_{k+1} = r·e_k, r = 10^(1/10)
(ten buckets a decade, 50 µs … ~100 s; the last bucket takes everything slower). Each bucket is
represented by its geometric middle m_k. On that grid:

- a mixture (an optional call, a pool of instances) is the weighted sum of the masses;
- a sequence of calls (A then B) is a convolution: the sum m_i + m_j falls between two
  buckets, and its mass is split between them in proportion to where it falls on the log
  scale (so the mean is kept to within a bucket's width and nothing drifts);
- parallel calls take the slowest: the CDF of a maximum is the product of the CDFs;
- a timeout at τ cuts the mass above τ: it becomes failures, answered at τ.

Percentiles over any window come from the *counts* recorded each tick, merged by adding them,
interpolating log-linearly inside the bucket that holds the quantile.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["B", "EDGES", "MIDS", "convolve", "maximum", "own_latency", "quantile", "quantiles",
           "shift_delay", "timeout_cut"]

B = 64
RATIO = 10 ** (1 / 10)
LOW = 50e-6  # seconds: the upper edge of the first bucket
EDGES = LOW * RATIO ** np.arange(B)  # upper edges; bucket k is [EDGES[k-1], EDGES[k])
MIDS = EDGES / math.sqrt(RATIO)  # bucket 0 ([0, 50 µs)) is given the same geometric middle

# convolution map: where the sum of a value in bucket i and one in bucket j lands. Each bucket's
# mass is spread log-uniformly over it (16 points each way), so repeated convolutions neither
# drift nor blur: _SUM[i·B + j, k] is the share of such sums that fall in bucket k.
def _sum_map() -> np.ndarray:
    points = (np.arange(16) + 0.5) / 16
    lower = np.concatenate([[LOW / RATIO], EDGES[:-1]])
    values = lower[:, None] * RATIO ** points[None, :]  # B × 16 points inside each bucket
    sums = values[:, None, :, None] + values[None, :, None, :]  # i, j, 16, 16
    k = np.minimum(np.searchsorted(EDGES, sums, side="right"), B - 1)
    out = np.zeros((B * B, B))
    rows = np.broadcast_to((np.arange(B)[:, None] * B + np.arange(B)[None, :])[:, :, None, None],
                           k.shape)
    np.add.at(out, (rows.ravel(), k.ravel()), 1.0 / 256)
    return out


_SUM = _sum_map().reshape(B, B, B)
# every pair's sums land in at most two neighbouring buckets: keep the first and its share
_K0 = np.argmax(_SUM > 0, axis=-1)
_W0 = np.take_along_axis(_SUM, _K0[..., None], axis=-1)[..., 0]
assert np.allclose(_W0 + np.take_along_axis(_SUM, np.minimum(_K0 + 1, B - 1)[..., None],
                                            axis=-1)[..., 0] * (_K0 + 1 < B), 1.0)
_NEGLIGIBLE = 1e-9
_COLUMNS = np.arange(B)


def _support(p: np.ndarray) -> tuple[int, int]:
    live = p > _NEGLIGIBLE
    if p.ndim > 1:
        live = live.reshape(-1, p.shape[-1]).any(axis=0)
    live = np.flatnonzero(live)
    return (int(live[0]), int(live[-1]) + 1) if len(live) else (0, 1)


def convolve(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The distribution of X + Y for independent X ~ p, Y ~ q (rows are independent pairs).

    Only the buckets where some row has mass take part, and each pair of buckets sends its
    mass to the one or two buckets its sums fall in: a few hundred additions, not B³."""
    (a0, a1), (b0, b1) = _support(p), _support(q)
    k0 = _K0[a0:a1, b0:b1].ravel()
    w0 = _W0[a0:a1, b0:b1].ravel()
    outer = (p[..., a0:a1, None] * q[..., None, b0:b1])
    lead = outer.shape[:-2]
    rows = int(np.prod(lead)) if lead else 1
    flat = outer.reshape(rows, -1)
    low = flat * w0
    index = np.concatenate([k0, k0 + 1])
    if rows > 1:
        index = ((np.arange(rows) * (B + 1))[:, None] + index[None, :]).ravel()
    out = np.bincount(index, np.concatenate([low, flat - low], axis=1).ravel(),
                      rows * (B + 1)).reshape(rows, B + 1)
    out[:, B - 1] += out[:, B]
    return out[:, :B].reshape(*lead, B) if lead else out[0, :B]


def maximum(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The distribution of max(X, Y): the product of the CDFs."""
    cdf = np.cumsum(p, axis=-1) * np.cumsum(q, axis=-1)
    return np.diff(cdf, prepend=0.0, axis=-1)


def timeout_cut(p: np.ndarray, timeout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut each row at its timeout (s): (the mass answered in time, the share timed out).

    The bucket holding the timeout keeps the part below it, in proportion on the log scale.
    """
    p2 = p.reshape(-1, B)
    timeout = np.broadcast_to(np.asarray(timeout, dtype=np.float64), p.shape[:-1]).ravel()
    pos = np.log(np.maximum(timeout, LOW * 1e-3) / EDGES[0]) / math.log(RATIO) + 1.0
    k = np.clip(np.floor(pos).astype(np.intp), 0, B)
    inside = np.clip(pos - np.floor(pos), 0.0, 1.0)
    kept = p2 * (_COLUMNS < k[:, None])
    rows = np.arange(len(p2))
    at = np.minimum(k, B - 1)
    kept[rows, at] = np.where(k < B, p2[rows, at] * inside, p2[rows, B - 1])
    kept = kept.reshape(p.shape)
    return kept, np.maximum(1.0 - kept.sum(axis=-1), 0.0)


def at_value(seconds: np.ndarray) -> np.ndarray:
    """A point mass at each value (s), split between the two buckets around it."""
    seconds = np.asarray(seconds, dtype=np.float64)
    flat = seconds.ravel()
    pos = np.clip(np.log(np.maximum(flat, 1e-12) / MIDS[0]) / math.log(RATIO), 0, B - 1)
    lo = np.floor(pos).astype(np.intp)
    hi = np.minimum(lo + 1, B - 1)
    out = np.zeros((len(flat), B))
    rows = np.arange(len(flat))
    out[rows, lo] = 1 - (pos - lo)
    out[rows, hi] += pos - lo
    return out.reshape(*seconds.shape, B)


def shift_delay(p: np.ndarray, delay: np.ndarray) -> np.ndarray:
    """X + d for a fixed delay d (s) per row."""
    return convolve(p, at_value(delay))


def own_latency(base: np.ndarray, service_mean: np.ndarray, wait_prob: np.ndarray,
                wait_mean: np.ndarray) -> np.ndarray:
    """The mass of T = base + S + W per row: S ~ Exp(mean service_mean) the work on a worker,
    W the wait for a worker (0 with probability 1 − wait_prob, else Exp(mean wait_mean)),
    base a fixed delay. S + W is hypoexponential where a request waits."""
    x = np.maximum(EDGES[None, :] - base[:, None], 0.0)
    a = 1.0 / np.maximum(service_mean, 1e-9)[:, None]
    b = 1.0 / np.maximum(wait_mean, 1e-9)[:, None]
    served = -np.expm1(-a * x)
    close = np.abs(a - b) < 1e-6 * a
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        hypo = 1.0 - (b * np.exp(-a * x) - a * np.exp(-b * x)) / (b - a)
    hypo = np.where(close, 1.0 - np.exp(-a * x) * (1.0 + a * x), hypo)
    c = wait_prob[:, None]
    cdf = np.clip((1 - c) * served + c * hypo, 0.0, 1.0)
    cdf[:, -1] = 1.0
    return np.diff(cdf, prepend=0.0, axis=-1)


def quantile(counts: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile (s) of the latencies counted in each row; 0 where a row is empty."""
    return quantiles(counts, (q,))[0]


def quantiles(counts: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Several quantiles (s) of each row's counts: an array of len(qs) × rows.

    Inside the bucket holding a quantile the density is taken to follow the slope of its
    neighbours (a tail falls off within its bucket too) rather than to be flat, which would
    overstate high quantiles by up to a bucket's width. (Worked bucket-major: numpy sums many
    short rows far faster down columns.)"""
    counts = np.atleast_2d(counts)
    n = len(counts)
    by_bucket = np.ascontiguousarray(counts.T)
    cum = np.cumsum(by_bucket, axis=0)  # B × rows
    total = cum[-1]
    cols = np.arange(n)
    out = np.empty((len(qs), n))
    for i, q in enumerate(qs):
        target = q * total
        k = np.minimum((cum < target).sum(axis=0), B - 1)
        below = np.where(k > 0, cum[np.maximum(k - 1, 0), cols], 0.0)
        inside = by_bucket[k, cols]
        frac = np.clip((target - below) / np.maximum(inside, 1e-12), 0.0, 1.0)
        before = np.where(k > 0, by_bucket[np.maximum(k - 1, 0), cols], inside)
        after = np.where(k < B - 1, by_bucket[np.minimum(k + 1, B - 1), cols], inside)
        beta = np.clip(0.5 * np.log((after + 0.5) / (before + 0.5)), -4.0, 4.0)
        beta = np.where(np.abs(beta) < 1e-6, 1e-6, beta)
        u = np.log1p(frac * np.expm1(beta)) / beta
        lower = np.where(k > 0, EDGES[np.maximum(k - 1, 0)], 0.0)
        value = np.where(k > 0, lower * RATIO ** u, EDGES[k] * frac)
        out[i] = np.where(total > 0, value, 0.0)
    return out
