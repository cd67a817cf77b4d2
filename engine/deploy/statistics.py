"""The statistics a canary analysis rests on, each with its reference.

- Errors: is the new pool's failure rate above the stable pool's by more than the allowed
  margin δ? The difference of two proportions with a normal approximation (Newcombe's
  recommended "add half a success and half a failure" to each, which behaves at rates near 0):
  d = p̂₁ − p̂₀, SE = √(p̂₁(1 − p̂₁)/n₁ + p̂₀(1 − p̂₀)/n₀); one-sided bounds d ± z·SE.
- Latency: the Mann–Whitney U statistic from the two pools' histograms — the probability that
  a new request is slower than a stable one, ties (the same bucket) counting half:
  A = Σ_k h₁(k)·(H₀(k − 1) + h₀(k)/2) / (n₁n₀). Without a difference A = 1/2, with
  variance (n₁ + n₀ + 1)/(12·n₁n₀) (Mann & Whitney 1947; ties only shrink it).
- Memory: the least-squares slope of the new pool's mean memory over the bake, with its
  standard error — a leak is a slope confidently above the allowed growth.
- z for a one-sided confidence c is the normal quantile Φ⁻¹(c) (Acklam's rational
  approximation, |error| < 1.2·10⁻⁹; numpy has none of its own).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..histogram import B

__all__ = ["Bounds", "error_difference", "memory_slope", "normal_quantile", "slower_share"]


@dataclass(frozen=True, slots=True)
class Bounds:
    """An estimate with a one-sided lower and upper bound at the analysis' confidence."""

    estimate: float
    lower: float
    upper: float
    p_value: float  # one-sided: of seeing this much (or more) with no real difference


def error_difference(failed1: float, n1: float, failed0: float, n0: float, z: float) -> Bounds:
    """The new pool's error rate minus the stable pool's."""
    p1 = (failed1 + 0.5) / (n1 + 1.0)
    p0 = (failed0 + 0.5) / (n0 + 1.0)
    d = failed1 / max(n1, 1.0) - failed0 / max(n0, 1.0)
    se = math.sqrt(p1 * (1 - p1) / max(n1, 1.0) + p0 * (1 - p0) / max(n0, 1.0))
    return Bounds(d, d - z * se, d + z * se, _upper_tail(d / se) if se > 0 else 0.5)


def slower_share(new: np.ndarray, old: np.ndarray, z: float) -> Bounds:
    """How often a new request is slower than a stable one (0.5: no difference), from the
    pools' latency histograms (counts in the first B values)."""
    h1, h0 = new[:B].astype(np.float64), old[:B].astype(np.float64)
    n1, n0 = h1.sum(), h0.sum()
    if n1 <= 0 or n0 <= 0:
        return Bounds(0.5, 0.0, 1.0, 0.5)
    below = np.cumsum(h0) - h0
    share = float(np.sum(h1 * (below + h0 / 2))) / (n1 * n0)
    sd = math.sqrt((n1 + n0 + 1) / (12.0 * n1 * n0))
    return Bounds(share, share - z * sd, share + z * sd, _upper_tail((share - 0.5) / sd))


def memory_slope(minutes: np.ndarray, memory: np.ndarray, z: float) -> Bounds:
    """MiB per minute the memory grew, by least squares, with its bounds."""
    n = len(minutes)
    if n < 3:
        return Bounds(0.0, -math.inf, math.inf, 0.5)
    x = minutes - minutes.mean()
    sxx = float(np.sum(x * x))
    if sxx <= 0:
        return Bounds(0.0, -math.inf, math.inf, 0.5)
    slope = float(np.sum(x * (memory - memory.mean()))) / sxx
    resid = memory - memory.mean() - slope * x
    se = math.sqrt(max(float(np.sum(resid * resid)) / (n - 2), 0.0) / sxx)
    return Bounds(slope, slope - z * se, slope + z * se,
                  _upper_tail(slope / se) if se > 0 else (0.0 if slope > 0 else 1.0))


def _upper_tail(z: float) -> float:
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def normal_quantile(p: float) -> float:
    """Φ⁻¹(p) for 0 < p < 1 (Acklam)."""
    a = (-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
         1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00)
    b = (-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
         6.680131188771972e+01, -1.328068155288572e+01)
    c = (-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
         -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00)
    d = (7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
         3.754408661907416e+00)
    low = 0.02425
    if p < low:
        q = math.sqrt(-2 * math.log(p))
        return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / \
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    if p > 1 - low:
        return -normal_quantile(1 - p)
    q = p - 0.5
    r = q * q
    return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q / \
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
