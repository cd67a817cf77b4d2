"""Trailing window features of every metric column, computed batch by batch.

For each column the detector looks at a few views of the recent past, all trailing (a feature
at row ``i`` uses rows ``i - w + 1 .. i`` only):

- ``value``: the sample itself (a spike);
- ``mean_short``: the mean of the last ``short`` samples (a burst, a step, with less noise);
- ``mean_long``: the mean of the last ``long`` samples (a sustained shift in level);
- ``spread``: the standard deviation of the last ``spread`` samples (how wide it swings);
- ``volatility``: the median absolute step over the last ``volatility`` samples, a robust
  noise level that one spike leaves alone but a new regime of jitter or oscillation raises.

Windows are counted in samples, not seconds, so the same configuration reads 5-minute
CloudWatch exports and 15-second simulated metrics alike. Each window is reduced on its own
(its rows added in order), never through a running cumulative sum: a row's features are then
bit-for-bit the same whether the stream arrives in one batch or a row at a time. The last rows
the longest window needs are carried over between batches; the first rows of a stream use the
partial window they have. A missing sample (NaN) makes the windows that hold it NaN, which the
baseline skips.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FEATURE_NAMES", "TrailingFeatures"]

FEATURE_NAMES = ("value", "mean_short", "mean_long", "spread", "volatility")


class TrailingFeatures:
    """Carries the tail of the stream and turns each batch into a features cube.

    ``update(matrix)`` takes an ``(n, columns)`` array and returns ``(n, columns, 5)``:
    the features of ``FEATURE_NAMES`` for each row and column.
    """

    def __init__(self, columns: int, short: int = 6, long: int = 36, spread: int = 12,
                 volatility: int = 12) -> None:
        self.columns = columns
        self.windows = (short, long, spread, volatility)
        self.carry = max(short, long, spread, volatility + 1) - 1
        self.tail = np.empty((0, columns))

    def update(self, matrix: np.ndarray) -> np.ndarray:
        n = len(matrix)
        joined = np.concatenate([self.tail, matrix]) if len(self.tail) else matrix
        offset = len(joined) - n  # rows of carried tail ahead of this batch
        short, long, spread, volatility = self.windows
        out = np.empty((n, self.columns, len(FEATURE_NAMES)))
        out[:, :, 0] = matrix
        out[:, :, 1] = _trailing_mean(joined, short, offset)
        out[:, :, 2] = _trailing_mean(joined, long, offset)
        mean = _trailing_mean(joined, spread, offset)
        square = _trailing_mean(joined * joined, spread, offset)
        out[:, :, 3] = np.sqrt(np.maximum(square - mean * mean, 0.0))
        out[:, :, 4] = _trailing_step(joined, volatility, offset)
        self.tail = joined[-self.carry:] if self.carry else joined[:0]
        return out


def _trailing_mean(joined: np.ndarray, window: int, offset: int) -> np.ndarray:
    """Mean of each row's trailing window (partial at the start of the stream), for the rows
    from ``offset`` on; each window summed independently so batching cannot change a bit."""
    total = len(joined)
    pad = window - 1
    padded = np.concatenate([np.zeros((pad, joined.shape[1])), joined])
    # (only the windows of the rows from ``offset`` on: the carried tail's are known). Each
    # window's rows are added in order, first to last, as a reduction over the window would
    # add them (bit for bit), but as ``window`` whole-array additions, not a strided reduce.
    n = total - offset
    sums = padded[offset: offset + n].copy()
    for k in range(1, window):
        sums += padded[offset + k: offset + k + n]
    # How many real rows each window holds: only the stream's own first rows have short
    # windows, and while the stream is that young the carried tail holds all of it.
    counts = np.minimum(np.arange(1, total + 1), window)[offset:, None]
    return sums / counts


def _trailing_step(joined: np.ndarray, window: int, offset: int) -> np.ndarray:
    """Median absolute step ``|x[t] - x[t-1]|`` over each row's trailing window: the typical
    size of a move, which a lone spike does not change but a new regime of noise does. At the
    stream's start the first step is taken as zero and repeated to fill the window."""
    steps = np.abs(np.diff(joined, axis=0, prepend=joined[:1]))
    padded = np.concatenate([np.repeat(steps[:1], window - 1, axis=0), steps])[offset:]
    n = len(padded) - window + 1
    # each row's window laid out contiguously, sorted: a small sort beats np.median's
    # partition over a strided view several times over, with the same result
    stack = np.stack([padded[k: k + n] for k in range(window)], axis=2)
    stack.sort(axis=2)  # NaNs sort last: a window holding one has no median
    mid = window // 2
    median = stack[:, :, mid] if window % 2 else (stack[:, :, mid - 1] + stack[:, :, mid]) / 2
    return np.where(np.isnan(stack[:, :, -1]), np.nan, median)
