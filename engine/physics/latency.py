"""Latency distributions and how they compose, on the histogram buckets (``engine.histogram``).

A distribution is 2·B numbers: the probability mass of each bucket, then each bucket's first
moment (mass × the mean of the values that fall in it). Keeping the moment means a fixed
delay stays where it is (a 200 ms timeout is 200 ms, not "somewhere in 178–224 ms"), and
sums of them do not blur from bucket to bucket. On that grid:

- a mixture (an optional call, a pool of instances) is the weighted sum — of both halves;
- X + Y for independent X, Y (calls one after another) is a convolution: each pair of
  buckets (i, j) puts its mass p_i·q_j in the bucket holding m_i + m_j (m the buckets'
  means), with moment p_i·q_j·(m_i + m_j) — the mean of a sum is the sum of the means;
- max(X, Y) (calls in parallel: the slowest decides) has CDF F·G; bucket k's mass is
  p_k·G_k + q_k·F_{k−1}, and its moment takes each side's mean in the same proportions;
- a timeout at τ keeps the mass below τ (the bucket holding τ in proportion on the log
  scale) and answers the rest at τ.
"""

from __future__ import annotations

import math

import numpy as np

from ..histogram import B, EDGES, LOWER, MIDS, RATIO, bucket_of

__all__ = ["W", "at_value", "convolve", "lognormal", "maximum", "own_latency", "timeout_cut",
           "zero"]

W = 2 * B  # numbers in a distribution: masses, then moments
_NEGLIGIBLE = 1e-10


def zero(rows: int) -> np.ndarray:
    """Distributions of a value that is always 0 (no call at all)."""
    out = np.zeros((rows, W))
    out[:, 0] = 1.0
    return out


def _means(d: np.ndarray) -> np.ndarray:
    p, m1 = d[..., :B], d[..., B:]
    return np.where(p > 0, m1 / np.where(p > 0, p, 1.0), MIDS)


def _support(p: np.ndarray) -> tuple[int, int]:
    live = p > _NEGLIGIBLE
    if p.ndim > 1:
        live = live.reshape(-1, p.shape[-1]).any(axis=0)
    live = np.flatnonzero(live)
    return (int(live[0]), int(live[-1]) + 1) if len(live) else (0, 1)


def convolve(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The distribution of X + Y for independent X, Y (rows are independent pairs)."""
    p, q = x[..., :B], y[..., :B]
    (a0, a1), (b0, b1) = _support(p), _support(q)
    mp, mq = _means(x)[..., a0:a1], _means(y)[..., b0:b1]
    mass = p[..., a0:a1, None] * q[..., None, b0:b1]
    value = mp[..., :, None] + mq[..., None, :]
    lead = mass.shape[:-2]
    rows = int(np.prod(lead)) if lead else 1
    index = bucket_of(value).reshape(rows, -1) + (np.arange(rows) * B)[:, None]
    mass = mass.reshape(rows, -1)
    out = np.empty((rows, W))
    out[:, :B] = np.bincount(index.ravel(), mass.ravel(), rows * B).reshape(rows, B)
    out[:, B:] = np.bincount(index.ravel(), (mass * value.reshape(rows, -1)).ravel(),
                             rows * B).reshape(rows, B)
    return out.reshape(*lead, W) if lead else out[0]


def maximum(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The distribution of max(X, Y) for independent X, Y."""
    p, q = x[..., :B], y[..., :B]
    big_f, big_g = np.cumsum(p, axis=-1), np.cumsum(q, axis=-1)
    f_before = big_f - p
    out = np.empty(np.broadcast_shapes(x.shape, y.shape))
    out[..., :B] = p * big_g + q * f_before
    out[..., B:] = x[..., B:] * big_g + y[..., B:] * f_before
    return out


def timeout_cut(d: np.ndarray, timeout: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Cut each row at its timeout (s): (what is answered in time, the share timed out)."""
    flat = d.reshape(-1, W)
    tau = np.broadcast_to(np.asarray(timeout, dtype=np.float64), d.shape[:-1]).ravel()
    k = bucket_of(tau)
    lo, hi = LOWER[k], EDGES[k]
    inside = np.clip(np.log(np.maximum(tau, 1e-12) / np.maximum(lo, 1e-12))
                     / math.log(RATIO), 0.0, 1.0)
    inside = np.where(lo > 0, inside, np.clip(tau / hi, 0.0, 1.0))
    inside = np.where(tau >= EDGES[-1], 1.0, inside)
    keep = (np.arange(B)[None, :] < k[:, None]).astype(np.float64)
    kept = np.empty_like(flat)
    kept[:, :B] = flat[:, :B] * keep
    kept[:, B:] = flat[:, B:] * keep
    rows = np.arange(len(flat))
    part = flat[rows, k] * inside
    mean = _means(flat)[rows, k]
    kept[rows, k] = part
    kept[rows, B + k] = part * np.minimum(mean, (lo + tau) / 2)
    kept = kept.reshape(d.shape)
    return kept, np.maximum(1.0 - kept[..., :B].sum(axis=-1), 0.0)


def at_value(seconds: np.ndarray) -> np.ndarray:
    """A point mass at each value (s)."""
    seconds = np.asarray(seconds, dtype=np.float64)
    flat = seconds.ravel()
    out = np.zeros((len(flat), W))
    rows, k = np.arange(len(flat)), bucket_of(flat)
    out[rows, k] = 1.0
    out[rows, B + k] = flat
    return out.reshape(*seconds.shape, W)


def _from_cdf(cdf_at, rows: int) -> np.ndarray:  # noqa: ANN001 - (values) -> rows × values
    """Masses and moments from a CDF: ∫ x dF over [a, b] = b·F(b) − a·F(a) − ∫ F, the last
    by Simpson's rule with F at a, the bucket's middle and b."""
    lower = LOWER
    middle = (LOWER + EDGES) / 2
    f_hi = cdf_at(EDGES)
    f_hi[:, -1] = 1.0
    f_lo = np.concatenate([np.zeros((rows, 1)), f_hi[:, :-1]], axis=1)
    f_mid = cdf_at(middle)
    mass = f_hi - f_lo
    area = (EDGES - lower) / 6 * (f_lo + 4 * f_mid + f_hi)
    moment = EDGES * f_hi - lower * f_lo - area
    moment[:, -1] = mass[:, -1] * np.maximum(MIDS[-1], LOWER[-1])  # the open last bucket
    moment = np.clip(moment, mass * lower, mass * EDGES)
    out = np.empty((rows, W))
    out[:, :B], out[:, B:] = np.maximum(mass, 0.0), moment
    return out


def own_latency(base: np.ndarray, service_mean: np.ndarray, wait_prob: np.ndarray,
                wait_mean: np.ndarray) -> np.ndarray:
    """T = base + S + W per row: S ~ Exp(mean service_mean) the work on a worker, W the wait
    for a worker (0 with probability 1 − wait_prob, else Exp(mean wait_mean)), base a fixed
    delay. S + W is hypoexponential where a request waits."""
    a = 1.0 / np.maximum(service_mean, 1e-9)[:, None]
    b = 1.0 / np.maximum(wait_mean, 1e-9)[:, None]
    c = wait_prob[:, None]
    close = np.abs(a - b) < 1e-6 * a

    def cdf(edges: np.ndarray) -> np.ndarray:
        x = np.maximum(edges[None, :] - base[:, None], 0.0)
        served = -np.expm1(-a * x)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            hypo = 1.0 - (b * np.exp(-a * x) - a * np.exp(-b * x)) / (b - a)
        hypo = np.where(close, 1.0 - np.exp(-a * x) * (1.0 + a * x), hypo)
        return np.clip((1 - c) * served + c * hypo, 0.0, 1.0)

    return _from_cdf(cdf, len(base))


_Z99 = 2.3263478740408408


def lognormal(median: np.ndarray, p99: np.ndarray) -> np.ndarray:
    """A lognormal latency per row from its median and p99 (σ = ln(p99/p50)/z₀.₉₉)."""
    sigma = np.maximum(np.log(np.maximum(p99, 1e-9) / np.maximum(median, 1e-9)) / _Z99, 1e-3)
    mu = np.log(np.maximum(median, 1e-9))

    def cdf(edges: np.ndarray) -> np.ndarray:
        z = (np.log(np.maximum(edges, 1e-12))[None, :] - mu[:, None]) / sigma[:, None]
        return 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))

    return _from_cdf(cdf, len(median))


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7): numpy has no erf of its own."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027
                                                                           + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))
