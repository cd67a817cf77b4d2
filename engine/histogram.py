"""Latency histograms on fixed log-spaced buckets, and their percentiles.

Bucket k holds [e_{k−1}, e_k) with e_k = 50 µs · r^k, r = 10^(1/10): ten buckets a decade,
50 µs … 100 s (the last bucket takes everything slower, the first everything faster), as
Prometheus and HdrHistogram keep latency. A recorded histogram is ``B`` counts, optionally
followed by ``B`` sums of the latencies counted in each bucket (2·B values): with the sums a
bucket knows where inside it its requests fell, so a narrow mode's percentiles are not off by
up to half a bucket (13 %).

Percentiles over any window come from the counts (and sums) recorded each tick, merged by
adding them; never from averaging per-tick percentiles.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["B", "EDGES", "LOWER", "MIDS", "RATIO", "bucket_of", "quantile", "quantiles"]

B = 64
RATIO = 10 ** (1 / 10)
LOW = 50e-6  # seconds: the upper edge of the first bucket
EDGES = LOW * RATIO ** np.arange(B)  # upper edges; bucket k is [EDGES[k-1], EDGES[k])
LOWER = np.concatenate([[0.0], EDGES[:-1]])  # lower edges
MIDS = EDGES / math.sqrt(RATIO)  # bucket 0 ([0, 50 µs)) is given the same geometric middle


_PER_LOG = 1.0 / math.log(RATIO)
_LOG_LOW = math.log(LOW)


def bucket_of(seconds: np.ndarray) -> np.ndarray:
    """The bucket holding each value: ⌊log_r(x / 50 µs)⌋ + 1, within 0 … B − 1."""
    logs = np.log(np.maximum(seconds, 1e-12))
    return np.clip((logs - _LOG_LOW) * _PER_LOG + 1.0, 0, B - 1).astype(np.intp)


def quantile(hist: np.ndarray, q: float) -> np.ndarray:
    """The q-quantile (s) of each row's histogram (B counts, or B counts + B sums); 0 where a
    row is empty."""
    return quantiles(hist, (q,))[0]


def quantiles(hist: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    """Several quantiles (s) of each row's histogram: an array of len(qs) × rows.

    Inside the bucket holding a quantile, its requests are taken to spread evenly around
    their mean as widely as the bucket allows ([m − d, m + d], d the distance from the mean
    to the nearer edge); without sums the mean is the bucket's geometric middle. (Worked
    bucket-major: numpy sums many short rows far faster down columns.)"""
    hist = np.atleast_2d(hist)
    counts = np.ascontiguousarray(hist[:, :B].T)  # B × rows
    n = counts.shape[1]
    if hist.shape[1] == 2 * B:
        sums = np.ascontiguousarray(hist[:, B:].T)
    else:
        sums = counts * MIDS[:, None]
    cum = np.cumsum(counts, axis=0)
    total = cum[-1]
    cols = np.arange(n)
    out = np.empty((len(qs), n))
    for i, q in enumerate(qs):
        target = q * total
        k = np.minimum((cum < target).sum(axis=0), B - 1)
        below = np.where(k > 0, cum[np.maximum(k - 1, 0), cols], 0.0)
        inside = counts[k, cols]
        frac = np.clip((target - below) / np.maximum(inside, 1e-12), 0.0, 1.0)
        lo, hi = LOWER[k], EDGES[k]
        mean = np.clip(sums[k, cols] / np.maximum(inside, 1e-12), lo, hi)
        mean = np.where(inside > 0, mean, MIDS[k])
        half = np.minimum(mean - lo, hi - mean)
        out[i] = np.where(total > 0, mean - half + 2.0 * half * frac, 0.0)
    return out
