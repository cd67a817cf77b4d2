"""The robust statistical baseline: is this the most extreme thing the metric has ever done?

Every feature of every column (see ``features.py``; plus, for a metric with a daily pattern,
its residual against the same time on previous days) keeps:

- a *reference*: the median and a robust σ of its recent history (up to ``history_rows``),
  refreshed at block boundaries (hourly) from rows before the block; σ is the largest of the
  IQR, the 5–95 % and the 1–99 % spreads, each divided by its width for a normal distribution,
  so a metric that is zero most of the time still gets a sensible scale from its bursts;
- its *records*: the highest and lowest values it has ever taken, up to ``lag`` rows ago;
- for the value, the *seasonal expectation* (``seasonal_expectation``): the median over the
  previous days of the short mean at the same time of day, "the same time yesterday" made
  robust to one odd day. The residual against it is a feature of its own.

A row is novel when a feature beats its record, and the novelty is measured against the
record's own distance from the median, ``(f - record) / max(record - median, floor * σ)``:
beating the old maximum by 20 % of its height is news, while wandering inside the range the
metric has already shown is not, however rare it is; that keeps noisy and bursty series quiet
(a trailing z-score alarms on every burst of a bursty metric). The floor stops a metric that
has been nearly constant from alarming on its first wobble. The residual counts only while the
daily pattern is strong (residual σ at most half the level's σ): then a night-time value at the
daytime level breaks the residual's record although it is no record for the level.

Everything is vectorised over the rows of a block, the columns and the features; records use a
running maximum (``np.fmax.accumulate``), so each row sees exactly the rows before it.
"""

from __future__ import annotations

import numpy as np

__all__ = ["RobustBaseline", "robust_scale", "seasonal_expectation", "strided_rows"]

#: quantile pairs and their width in σ for a normal distribution
_SPREADS = ((0.25, 0.75, 1.349), (0.05, 0.95, 3.290), (0.01, 0.99, 4.653))
_QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def robust_scale(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and robust σ along axis 0 (NaNs ignored); σ is never zero."""
    q = _nanquantiles(rows, _QUANTILES)
    median = q[3]
    sigma = np.zeros_like(median)
    for lo, hi, width in _SPREADS:
        i, j = _QUANTILES.index(lo), _QUANTILES.index(hi)
        sigma = np.fmax(sigma, (q[j] - q[i]) / width)
    floor = 1e-9 * np.fmax(np.abs(np.nan_to_num(median)), 1.0)
    return np.nan_to_num(median), np.fmax(np.nan_to_num(sigma), floor)


def _nanquantiles(rows: np.ndarray, quantiles: tuple[float, ...]) -> np.ndarray:
    """Linear-interpolated quantiles along axis 0 ignoring NaNs, vectorised over the other
    axes (``np.nanquantile`` loops over columns in Python); NaN for an all-NaN column."""
    ordered = np.sort(rows, axis=0)  # NaNs sort last
    count = np.sum(~np.isnan(rows), axis=0)
    if len(rows) == 0:
        return np.full((len(quantiles), *rows.shape[1:]), np.nan)
    last = np.maximum(count - 1, 0)
    position = np.asarray(quantiles).reshape(-1, *([1] * last.ndim)) * last
    below = np.floor(position).astype(int)
    low = np.take_along_axis(ordered, below, axis=0)
    high = np.take_along_axis(ordered, np.minimum(below + 1, last), axis=0)
    return np.where(count > 0, low + (high - low) * (position - below), np.nan)


def strided_rows(start: int, stop: int, limit: int) -> np.ndarray:
    """Global row indices in ``[start, stop)``, evenly strided to at most ``limit``: the choice
    depends only on the bounds, never on how the stream was batched."""
    stride = max(1, -(-(stop - start) // limit))
    first = -(-start // stride) * stride
    return np.arange(first, stop, stride)


def seasonal_expectation(times: np.ndarray, series: np.ndarray, query_times: np.ndarray,
                         queries: np.ndarray, *, period: float, days: int, tolerance: float,
                         history: int, min_days: int) -> np.ndarray:
    """For each queried row, the median over the previous ``days`` periods of ``series`` at
    the same phase: the nearest row to ``t - d * period`` within ``tolerance`` seconds, earlier
    than the queried row and at most ``history`` rows back. NaN where fewer than ``min_days``
    such rows exist. ``times`` is non-decreasing; ``series`` has shape ``(rows, columns)``;
    ``queries`` are the queried rows' indices in the same numbering (past the end of ``times``
    when the rows looked up are all older than the queried ones), ``query_times`` their times.
    """
    n, columns = len(queries), series.shape[1]
    found = np.full((days, n, columns), np.nan)
    if len(times) < 2 or n == 0:
        return found[0]
    for d in range(1, days + 1):
        target = query_times - d * period
        k = np.clip(np.searchsorted(times, target), 1, len(times) - 1)
        k = np.where(np.abs(times[k - 1] - target) <= np.abs(times[k] - target), k - 1, k)
        ok = (np.abs(times[k] - target) <= tolerance) & (k < queries) & (k >= queries - history)
        found[d - 1][ok] = series[k[ok]]
    # The median of the days found, NaNs aside (sorted last), without np.nanmedian's loops.
    count = np.sum(~np.isnan(found), axis=0)
    ordered = np.sort(found, axis=0)
    lower = np.take_along_axis(ordered, np.maximum((count - 1) // 2, 0)[None], axis=0)[0]
    upper = np.take_along_axis(ordered, np.maximum(count // 2, 0)[None], axis=0)[0]
    return np.where(count >= max(min_days, 1), (lower + upper) / 2, np.nan)


class RobustBaseline:
    """References and records for a ``(columns, features)`` grid of trailing features.

    ``refresh(rows)`` sets the references from history rows ``(m, columns, features)``;
    ``novelty(block)`` scores a block ``(n, columns, features)`` against the records so far,
    then folds the block into the records. ``active`` masks which features count (the seasonal
    residual only for columns with a daily pattern).
    """

    def __init__(self, columns: int, features: int, *, floor: np.ndarray | float,
                 lag: np.ndarray | int) -> None:
        self.floor = floor
        self.lag = np.broadcast_to(np.asarray(lag, dtype=int), (features,))
        self.high = np.full((columns, features), -np.inf)  # records folded in so far
        self.low = np.full((columns, features), np.inf)
        self.pending = np.empty((0, columns, features))  # the last rows, not yet folded in
        # the records including each pending row: fmax(high, running max of pending), kept
        # so a batch accumulates only its own rows, not the pending ones again
        self._pending_high = np.empty((0, columns, features))
        self._pending_low = np.empty((0, columns, features))
        self.median = np.zeros((columns, features))
        self.sigma = np.ones((columns, features))
        self.active = np.ones((columns, features), dtype=bool)
        self.min_sigma = np.zeros((columns, 1))  # a column's resolution: no σ below it

    def refresh(self, rows: np.ndarray) -> None:
        self.median, sigma = robust_scale(rows)
        self.sigma = np.maximum(sigma, self.min_sigma)

    def restore(self, columns: np.ndarray, high: np.ndarray, low: np.ndarray) -> None:
        """Put these columns' folded records back (as they stood before an episode); the
        pending rows still count on top of them."""
        self.high, self.low = self.high.copy(), self.low.copy()
        self.high[columns], self.low[columns] = high, low
        if len(self.pending):
            self._pending_high[:, columns] = np.fmax(
                self.high[columns], np.fmax.accumulate(self.pending[:, columns], axis=0))
            self._pending_low[:, columns] = np.fmin(
                self.low[columns], np.fmin.accumulate(self.pending[:, columns], axis=0))

    def novelty(self, block: np.ndarray, *, score: bool = True) -> np.ndarray:
        """Per row, column and feature: how far the feature broke its record, as a fraction of
        the record's distance from the median (0 when inside the known range).

        The record a row is held to is the extreme of every row up to ``lag`` rows before it
        (per feature: at least the feature's window, so a windowed mean is compared with
        windows that do not overlap it): a ramp or a step is compared with where the metric
        stood before it began, not with its own previous step. With ``score=False`` the block
        only feeds the records (the warm-up).
        """
        joined = np.concatenate([self.pending, block])
        held, longest = len(self.pending), int(self.lag.max())
        before_high = self._pending_high[-1] if held else self.high
        before_low = self._pending_low[-1] if held else self.low
        running_high = np.concatenate([self._pending_high, np.fmax(
            before_high, np.fmax.accumulate(block, axis=0))])
        running_low = np.concatenate([self._pending_low, np.fmin(
            before_low, np.fmin.accumulate(block, axis=0))])
        # Row j of the block (joined row held + j) is held, for feature f, to the records up to
        # joined row held + j - lag[f]; before the first joined row, to those folded in.
        source = np.arange(held, held + len(block))[:, None] - self.lag[None, :]  # (n, F)
        early = (source < 0)[:, None, :]
        picked = np.maximum(source, 0)[:, None, :]
        columns = np.arange(joined.shape[1])[None, :, None]
        features = np.arange(joined.shape[2])[None, None, :]
        high = np.where(early, self.high, running_high[picked, columns, features])
        low = np.where(early, self.low, running_low[picked, columns, features])
        folded = len(joined) - longest
        if folded > 0:
            self.high, self.low = running_high[folded - 1], running_low[folded - 1]
        self.pending = joined[max(folded, 0):]
        self._pending_high = running_high[max(folded, 0):]
        self._pending_low = running_low[max(folded, 0):]
        if not score:
            return np.zeros(block.shape)
        margin = self.floor * self.sigma
        # (inf - inf before any record, 0 / 0 on a constant metric: the caller silences numpy)
        up = (block - high) / np.fmax(high - self.median, margin)
        down = (low - block) / np.fmax(self.median - low, margin)
        novelty = np.fmax(up, down)
        return np.where(np.isfinite(novelty) & self.active, np.maximum(novelty, 0.0), 0.0)

