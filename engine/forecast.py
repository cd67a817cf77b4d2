"""A traffic forecast for predictive autoscaling (scikit-learn ridge regression).

Features at time t: the time of day (sin/cos), the current rate and its change over the last
15 minutes, and the rate a day before the moment forecast (yesterday's same time, once a day
of history exists: a daily sale or batch job is seen coming); the target is the rate
``horizon`` later. The model is refitted every 10 simulated
minutes on the 15-second history, and needs 30 minutes of it before it answers. scikit-learn
is imported here, on first use, never at start-up.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TrafficForecaster"]

DAY_MS = 86_400_000
REFIT_MS = 600_000
MIN_HISTORY_MS = 1_800_000
LOOKBACK_MS = 900_000


class TrafficForecaster:
    def __init__(self, horizon_ms: int) -> None:
        self.horizon_ms = horizon_ms
        self.model = None
        self.fitted_at = -REFIT_MS

    def predict(self, times: np.ndarray, rps: np.ndarray, now: int, start_ms: int) -> float | None:
        if len(times) < 4 or times[-1] - times[0] < MIN_HISTORY_MS:
            return None
        if now - self.fitted_at >= REFIT_MS:
            self._fit(times, rps, start_ms)
            self.fitted_at = now
        if self.model is None:
            return None
        x = self._features(np.array([now]), times, rps, start_ms)
        return max(float(self.model.predict(x)[0]), 0.0)

    def _features(self, at: np.ndarray, times: np.ndarray, rps: np.ndarray,
                  start_ms: int) -> np.ndarray:
        phase = 2 * np.pi * ((start_ms + at) % DAY_MS) / DAY_MS
        now_rate = np.interp(at, times, rps)
        before = np.interp(at - LOOKBACK_MS, times, rps)
        ago = at + self.horizon_ms - DAY_MS  # the moment forecast, a day earlier
        yesterday = np.where(ago >= times[0], np.interp(ago, times, rps), now_rate)
        return np.column_stack([np.sin(phase), np.cos(phase), now_rate, now_rate - before,
                                yesterday - now_rate])

    def _fit(self, times: np.ndarray, rps: np.ndarray, start_ms: int) -> None:
        from sklearn.linear_model import Ridge

        usable = times[(times - times[0] >= LOOKBACK_MS) & (times + self.horizon_ms <= times[-1])]
        if len(usable) < 8:
            return
        x = self._features(usable, times, rps, start_ms)
        y = np.interp(usable + self.horizon_ms, times, rps)
        self.model = Ridge(alpha=1.0).fit(x, y)
