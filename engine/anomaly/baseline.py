"""The robust statistical baseline: is this the most extreme thing the metric has ever done?

Every feature of every column (see ``features.py``; plus, for a metric with a daily pattern,
its residual against the same time on previous days) keeps three things:

- a *reference*: the median and a robust scale σ of its recent history (up to ``history``
  rows), refreshed at block boundaries (every ``refresh_seconds``) from rows before the block;
  σ is the largest of the IQR, the 5–95 % and the 1–99 % quantile spreads, each divided by the
  width it has for a normal distribution, so a metric that is zero most of the time still gets a
  sensible scale from its bursts;
- its *records*: the highest and lowest values it has ever taken, updated after every row;
- for the value itself, the *seasonal expectation*: the median, over the previous ``days``
  days, of the short mean at the same time of day.

A row is novel when a feature breaks its record, and the novelty is measured against the
record's own distance from the median: ``(f - record) / max(record - median, floor * σ)``.
Beating the old maximum by 20 % of its height is novel; wandering inside the range the metric
has already shown is not, however rare, which is what keeps noisy and bursty series quiet.
The residual feature counts only while the daily pattern is strong (its spread at most half of
the raw spread): then "the same time yesterday" is the better yardstick, and a night-time
value at the daytime level breaks the residual's record.

Everything is vectorised over the rows of a block and the columns; records within a block use
a running maximum (``np.fmax.accumulate``), so each row sees exactly the rows before it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RobustBaseline", "robust_scale", "seasonal_expectation", "strided_rows"]

#: quantile pairs and their width in σ for a normal distribution
_SPREADS = ((0.25, 0.75, 1.349), (0.05, 0.95, 3.290), (0.01, 0.99, 4.653))
_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def robust_scale(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust σ along axis 0 (NaNs ignored); σ is never zero."""
    with np.errstate(all="ignore"):
        q = np.nanquantile(rows, _QUANTILES, axis=0)
    median = q[3]
    sigma = np.zeros_like(median)
    for lo, hi, width in _SPREADS:
        i, j = _QUANTILES.index(lo), _QUANTILES.index(hi)
        sigma = np.fmax(sigma, (q[j] - q[i]) / width)
    floor = 1e-9 * np.fmax(np.abs(np.nan_to_num(median)), 1.0)
    return np.nan_to_num(median), np.fmax(np.nan_to_num(sigma), floor)


def strided_rows(start: int, stop: int, limit: int) -> np.ndarray:
    """Global row indices in ``[start, stop)``, evenly strided to at most ``limit``: the choice
    depends only on the bounds, never on how the stream was batched."""
    stride = max(1, -(-(stop - start) // limit))
    first = -(-start // stride) * stride
    return np.arange(first, stop, stride)


def seasonal_expectation(times: np.ndarray, series: np.ndarray, first_row: int,
                         query_times: np.ndarray, query_rows: np.ndarray, *, period: float,
                         days: int, tolerance: float, history: int, min_days: int) -> np.ndarray:
    """For each queried row, the median over the previous ``days`` periods of ``series`` at
    the same phase (the nearest stored row within ``tolerance`` seconds, at most ``history``
    rows back); NaN where fewer than ``min_days`` such rows exist.

    ``times``/``series`` are the stored history (row ``k`` is global row ``first_row + k``,
    ``times`` non-decreasing), ``series`` of shape ``(rows, columns)``.
    """
    n, columns = len(query_times), series.shape[1]
    found = np.full((days, n, columns), np.nan)
    if len(times) == 0:
        return found[0]
    for d in range(1, days + 1):
        target = query_times - d * period
        k = np.clip(np.searchsorted(times, target), 1, len(times) - 1) if len(times) > 1 \
            else np.zeros(n, dtype=int)
        if len(times) > 1:
            nearer_left = np.abs(times[k - 1] - target) <= np.abs(times[k] - target)
            k = np.where(nearer_left, k - 1, k)
        ok = (np.abs(times[k] - target) <= tolerance) & (first_row + k >= query_rows - history)
        found[d - 1][ok] = series[k[ok]]
    enough = np.sum(~np.isnan(found), axis=0) >= min_days
    with np.errstate(all="ignore"):
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            median = np.nanmedian(found, axis=0)
    return np.where(enough, median, np.nan)


class RobustBaseline:
    """References and records for a ``(columns, features)`` grid of trailing features.

    ``refresh(rows)`` sets the references from history rows ``(m, columns, features)``;
    ``novelty(block)`` scores a block ``(n, columns, features)`` against the records so far,
    then folds the block into the records. ``active`` masks which features count (the seasonal
    residual only for columns with a daily pattern).
    """

    def __init__(self, columns: int, features: int, *, floor: float) -> None:
        self.floor = floor
        self.high = np.full((columns, features), -np.inf)
        self.low = np.full((columns, features), np.inf)
        self.median = np.zeros((columns, features))
        self.sigma = np.ones((columns, features))
        self.active = np.ones((columns, features), dtype=bool)

    def refresh(self, rows: np.ndarray) -> None:
        self.median, self.sigma = robust_scale(rows)

    def seed_records(self, rows: np.ndarray) -> None:
        """Records from the warm-up rows, which are learnt from but never scored."""
        with np.errstate(all="ignore"):
            self.high = np.fmax(self.high, np.nanmax(rows, axis=0, initial=-np.inf))
            self.low = np.fmin(self.low, np.nanmin(rows, axis=0, initial=np.inf))

    def novelty(self, block: np.ndarray) -> np.ndarray:
        """Per row, column and feature: how far the feature broke its record, as a fraction of
        the record's distance from the median (0 when inside the known range)."""
        high = np.concatenate([self.high[None], np.fmax.accumulate(block, axis=0)[:-1]])
        high = np.fmax.accumulate(high, axis=0)
        low = np.concatenate([self.low[None], np.fmin.accumulate(block, axis=0)[:-1]])
        low = np.fmin.accumulate(low, axis=0)
        margin = self.floor * self.sigma
        with np.errstate(all="ignore"):
            up = (block - high) / np.fmax(high - self.median, margin)
            down = (low - block) / np.fmax(self.median - low, margin)
            score = np.fmax(up, down)
        score = np.where(np.isfinite(score) & self.active, np.maximum(score, 0.0), 0.0)
        self.high = high[-1] if len(block) == 0 else np.fmax(high[-1], block[-1])
        self.low = low[-1] if len(block) == 0 else np.fmin(low[-1], block[-1])
        return score

    def sigmas(self, block: np.ndarray, expected: np.ndarray, feature: int = 0) -> np.ndarray:
        """How far each column's ``feature`` is from ``expected``, in robust σ: ``(n, columns)``."""
        return (block[:, :, feature] - expected) / self.sigma[:, feature]
