"""The detector's one configuration: windows, references, records, episodes, the forest.

The same values serve every series (``devsim detect`` on a real export, and the estate's own
watch, which switches ``forget_episodes`` on: see ``engine.watch.anomalies``).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DetectorConfig"]


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """The one configuration. Windows are in samples; periods are in seconds."""

    short_window: int = 6
    long_window: int = 36
    spread_window: int = 12
    volatility_window: int = 12
    warmup_rows: int = 150
    history_rows: int = 40_320  # a week at 15 s, four weeks at one minute
    refresh_seconds: float = 3_600.0
    reference_rows: int = 2_048
    # A row is held to the records of the rows up to this many before it (at least the
    # feature's window): a step is compared with where the metric stood before it began.
    record_lag: int = 12
    # A record closer to the median than this many σ counts as that far: for levels (value,
    # means, seasonal residual), and for the dispersion features (spread, volatility), whose
    # sampling distributions are skewed and reach further in units of their own σ.
    record_floor: float = 5.0
    dispersion_floor: float = 8.0
    novelty_half: float = 0.2
    on: float = 0.5
    off: float = 0.25
    quiet_rows: int = 24
    season_seconds: float = 86_400.0
    season_days: int = 7
    season_min_days: int = 2
    season_tolerance: float = 900.0
    season_strength: float = 0.5  # residual σ at most this fraction of the raw σ
    refit_seconds: float = 86_400.0
    forest_trees: int = 50
    forest_samples: int = 256
    forest_rows: int = 2_048
    forest_gate: float = 0.995
    forest_bypass: float = 0.8  # a record beaten by this much needs no confirmation
    random_state: int = 0
    top_metrics: int = 3
    # After an episode, put its group's records back where they stood when it began, so the
    # next incident is measured against healthy behaviour, not against the last incident (an
    # estate has many; a single benchmark series rarely repeats itself).
    forget_episodes: bool = False
