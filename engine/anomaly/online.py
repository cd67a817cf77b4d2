"""``OnlineDetector``: the baseline, the forest and the episodes over a stream of named metrics.

Rows arrive in batches (``observe(timestamps, matrix)``, one column per metric). For each row:

1. trailing features per metric (``features.py``), plus the residual against the same time on
   previous days (``baseline.seasonal_expectation``);
2. the robust baseline's novelty: how far a feature broke its all-time record, relative to the
   record's height above the median; the row's score is ``n / (n + novelty_half)`` for the
   largest novelty ``n`` over metrics and features, so the score lies in [0, 1) and is 0.5
   exactly at a novelty of ``novelty_half`` (the default: 20 % beyond the old record);
3. a candidate start (score ≥ ``on``) is confirmed by an IsolationForest (``forest.py``) grown
   on the history before the current day of the metric that broke its record: its rarity must
   reach ``forest_gate`` (the top 0.5 % of that history), unless the record was beaten by so
   much (score ≥ ``forest_bypass``) that no confirmation is needed; forests are grown only
   for the days and metrics that have a candidate, and each scores its candidates in one call;
4. episode hysteresis (``episodes.py``) turns rows into one start and one end per episode.

Why records rather than z-scores: production metrics are bursty and heavy-tailed, so a
trailing z-score (or a forest's rarity alone) alarms on every burst that is merely rare; "more
extreme than anything this metric has done before, by a margin" is what an operator calls an
anomaly, and on NAB (Numenta Anomaly Benchmark) it is what the labelled windows hold.

The batch is cut into blocks at the baseline's refresh boundaries (hourly), and references,
forest snapshots and the warm-up depend only on global row numbers and timestamps, so the
decisions for a row are the same however the stream is batched, and never use later rows.
The first ``warmup_rows`` rows are learnt from and never reported. One configuration serves
every series; nothing in it is specific to one metric.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from engine.anomaly.baseline import RobustBaseline, seasonal_expectation, strided_rows
from engine.anomaly.config import DetectorConfig
from engine.anomaly.episodes import Deviation, Episode, EpisodeEvent, EpisodeTracker
from engine.anomaly.features import FEATURE_NAMES, TrailingFeatures
from engine.anomaly.forest import TrainingSnapshot

__all__ = ["DetectorConfig", "OnlineDetector", "detect"]

RESIDUAL = len(FEATURE_NAMES)  # index of the seasonal residual feature
SHORT = FEATURE_NAMES.index("mean_short")


class OnlineDetector:
    """Online anomaly detection over rows of named metrics (see the module docstring).

    ``observe(timestamps, matrix)`` takes unix-second timestamps ``(n,)`` and values
    ``(n, len(metrics))`` (a 1-D array for a single metric) and returns the
    ``EpisodeEvent``s (``"start"``/``"end"``) that the batch produced; ``finish()`` closes the
    episode still open at the end of the stream. ``scores`` holds the last batch's row scores.
    """

    def __init__(self, metrics: Sequence[str], config: DetectorConfig | None = None,
                 groups: Sequence[int] | None = None,
                 resolution: Sequence[float] | None = None,
                 pools: Sequence[int] | None = None) -> None:
        self.metrics = tuple(metrics)
        self.config = cfg = config or DetectorConfig()
        columns = len(self.metrics)
        # Columns may belong to groups (the components of an estate, several metrics each):
        # each group has its own episodes, scored from its own columns, in one vectorised pass.
        group_of = np.zeros(columns, dtype=np.int64) if groups is None else np.asarray(groups)
        if group_of.shape != (columns,) or (columns and group_of.min() < 0):
            raise ValueError("groups: one non-negative group number per metric")
        self.columns_of = [np.flatnonzero(group_of == g)
                           for g in range(int(group_of.max()) + 1 if columns else 1)]
        # the columns ordered by group, and where each group starts, for per-group maxima
        self._by_group = np.concatenate(self.columns_of).astype(np.int64)
        self._group_starts = np.cumsum([0] + [len(c) for c in self.columns_of[:-1]])
        self._whole_groups = all(len(c) for c in self.columns_of)
        self.features = TrailingFeatures(columns, cfg.short_window, cfg.long_window,
                                         cfg.spread_window, cfg.volatility_window)
        floors = np.full(RESIDUAL + 1, cfg.record_floor)
        floors[[FEATURE_NAMES.index("spread"), FEATURE_NAMES.index("volatility")]] = \
            cfg.dispersion_floor
        windows = (1, cfg.short_window, cfg.long_window, cfg.spread_window,
                   cfg.volatility_window, cfg.short_window)  # in the order of the cube
        self.baseline = RobustBaseline(columns, RESIDUAL + 1, floor=floors,
                                       lag=np.maximum(cfg.record_lag, windows))
        self.baseline.active[:, RESIDUAL] = False
        if resolution is not None:  # what a metric's dashboard resolves: no σ finer than that
            self.baseline.min_sigma = np.asarray(resolution, dtype=float).reshape(columns, 1)
        self.pools = None if pools is None else np.asarray(pools, dtype=np.int64)
        self.trackers = [EpisodeTracker(cfg.on, cfg.off, cfg.quiet_rows, g)
                         for g in range(len(self.columns_of))]
        self._kept: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # records before an episode
        self.rows = 0  # rows seen so far
        self.origin: float | None = None  # first timestamp: blocks and days count from it
        self.latest = -np.inf
        self.block = -1  # the block whose references are current
        self.epoch = -1  # the day whose forest snapshot is current
        self.snapshot: TrainingSnapshot | None = None
        self._times = np.empty(0)
        self._cube = np.empty((0, columns, RESIDUAL + 1))
        self._loud = np.zeros((0, columns), dtype=bool)  # rows a column's group scored loud
        self._first = 0  # global row of the first stored history row
        self._size = 0
        self.scores = np.zeros(0)

    # -- the stream -----------------------------------------------------------------------
    def observe(self, timestamps: Sequence[float] | np.ndarray,
                matrix: Sequence[Sequence[float]] | np.ndarray) -> list[EpisodeEvent]:
        with np.errstate(all="ignore"):  # NaNs and infinities are dealt with where they arise
            return self._observe(timestamps, matrix)

    def _observe(self, timestamps: Sequence[float] | np.ndarray,
                 matrix: Sequence[Sequence[float]] | np.ndarray) -> list[EpisodeEvent]:
        times = np.asarray(timestamps, dtype=float).reshape(-1)
        values = np.asarray(matrix, dtype=float)
        values = values.reshape(-1, 1) if values.ndim == 1 else values
        if values.shape != (len(times), len(self.metrics)):
            raise ValueError(f"expected {len(times)} rows of {len(self.metrics)} metrics, "
                             f"got shape {values.shape}")
        n = len(times)
        if n == 0:
            return []
        if self.origin is None:
            self.origin = float(times[0])
        clock = np.maximum.accumulate(np.maximum(times, self.latest))  # never runs backwards
        self.latest = float(clock[-1])
        cube = np.concatenate([self.features.update(values),
                               np.full((n, len(self.metrics), 1), np.nan)], axis=2)
        self._residual(clock, cube)
        batch = _Batch(n, len(self.metrics), len(self.columns_of))
        for a, b in self._segments(clock):
            self._segment(clock, cube, a, b, batch)
            batch.owners.append((a, b, self.snapshot))
        first = self.rows - n
        self.scores = scores = batch.scores
        self._trim()

        events: list[EpisodeEvent] = []
        candidates = (batch.group_scores >= self.config.on).any(axis=0)
        for group, tracker in enumerate(self.trackers):
            if tracker.current is not None or candidates[group]:  # else nothing to step
                events += self._track(group, tracker, first, times, values, cube, batch)
        events.sort(key=lambda e: (e.episode.start if e.kind == "start" else e.episode.end or 0.0,
                                   e.episode.group))
        if self.config.forget_episodes:
            self._forget(events)
            loud = batch.group_scores >= self.config.off  # (rows, groups)
            for group, columns in enumerate(self.columns_of):
                self._loud[self._size - n: self._size, columns] = loud[:, group:group + 1]
        return events

    def _forget(self, events: list[EpisodeEvent]) -> None:
        """Keep a group's records as an episode begins; restore them when it ends."""
        base = self.baseline
        for event in events:
            group = event.episode.group
            columns = self.columns_of[group]
            if event.kind == "start":
                self._kept[group] = (base.high[columns].copy(), base.low[columns].copy())
            elif group in self._kept:
                base.restore(columns, *self._kept.pop(group))

    def _track(self, group: int, tracker: EpisodeTracker, first: int, times: np.ndarray,
               values: np.ndarray, cube: np.ndarray, batch: _Batch) -> list[EpisodeEvent]:
        """One group's episodes over the batch: its score is its own columns' novelty."""
        n, columns = len(times), self.columns_of[group]
        scores = batch.group_scores[:, group]
        novelty = batch.novelty[:, columns]
        deciding = columns[novelty.argmax(axis=1)]  # per row, the group's loudest column
        accepted = np.zeros(n, dtype=bool)
        asked: set[tuple[int, int]] = set()  # (snapshot, metric) pairs already scored

        def confirm(row: int) -> bool:
            """On first need, one batched forest call for all the batch's candidates that share
            this row's snapshot (the forest of the day) and deciding metric."""
            snapshot = next(s for a, b, s in batch.owners if a <= row < b)
            column = int(deciding[row])
            if snapshot is not None and (id(snapshot), column) not in asked:
                asked.add((id(snapshot), column))
                mine = np.zeros(n, dtype=bool)
                for a, b, s in batch.owners:
                    mine[a:b] = s is snapshot
                mine &= (scores >= self.config.on) & (deciding == column)
                accepted[mine & (scores >= self.config.forest_bypass)] = True
                picks = np.flatnonzero(mine & (scores < self.config.forest_bypass))
                if len(picks):  # (a forest is grown only for what needs its word)
                    rarity = snapshot.rarity(column, _forest_view(
                        cube[picks], snapshot.seasonal)[:, column])
                    accepted[picks] = rarity >= self.config.forest_gate
            return bool(accepted[row])

        def explain(i: int) -> tuple[Deviation, ...]:
            return self._explain(values[i], batch.expected[i], batch.sigma[i],
                                 batch.novelty[i], columns)

        return tracker.step(first, times, scores, confirm, explain)

    def finish(self) -> list[EpisodeEvent]:
        return [event for tracker in self.trackers for event in tracker.finish()]

    # -- internals ------------------------------------------------------------------------
    def _segments(self, clock: np.ndarray) -> list[tuple[int, int]]:
        """Cut the batch where a block starts or the warm-up ends."""
        cfg = self.config
        block = np.floor((clock - self.origin) / cfg.refresh_seconds)
        cuts = set(np.flatnonzero(np.diff(block)) + 1)
        warm_end = cfg.warmup_rows - self.rows
        if 0 < warm_end < len(clock):
            cuts.add(warm_end)
        edges = [0, *sorted(int(c) for c in cuts), len(clock)]
        self.rows += len(clock)
        return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if b > a]

    def _segment(self, clock: np.ndarray, cube: np.ndarray, a: int, b: int,
                 batch: _Batch) -> None:
        cfg = self.config
        start = self.rows - len(clock) + a  # global row of the segment's first row
        if start < cfg.warmup_rows:
            self.baseline.novelty(cube[a:b], score=False)
        else:
            block = int((clock[a] - self.origin) // cfg.refresh_seconds)
            if block != self.block or start == cfg.warmup_rows:
                self._refresh(start)
                self.block = block
            epoch = int((clock[a] - self.origin) // cfg.refit_seconds)
            if epoch != self.epoch or self.snapshot is None:
                self._take_snapshot(start)
                self.epoch = epoch
            novelty = self.baseline.novelty(cube[a:b]).max(axis=2)  # per row and column
            peak = self._group_max(novelty)
            batch.group_scores[a:b] = peak / (peak + cfg.novelty_half)
            batch.scores[a:b] = batch.group_scores[a:b].max(axis=1)
            batch.novelty[a:b] = novelty
            base = self.baseline
            season = base.active[:, RESIDUAL]
            seasonal = cube[a:b, :, SHORT] - cube[a:b, :, RESIDUAL]
            batch.expected[a:b] = np.where(season & ~np.isnan(seasonal), seasonal,
                                           base.median[:, 0])
            batch.sigma[a:b] = base.sigma[:, 0]
        self._append(clock[a:b], cube[a:b])

    def _group_max(self, novelty: np.ndarray) -> np.ndarray:
        """Per row, each group's largest column novelty (rows × groups)."""
        if not self._whole_groups:  # a group without columns scores 0
            return np.stack([novelty[:, c].max(axis=1, initial=0.0) for c in self.columns_of],
                            axis=1)
        return np.maximum.reduceat(novelty[:, self._by_group], self._group_starts, axis=1)

    def _residual(self, clock: np.ndarray, cube: np.ndarray) -> None:
        """The batch's seasonal residual: short mean minus the same time on previous days."""
        cfg = self.config
        oldest = self._times[0] if self._size else clock[0]
        if clock[-1] - oldest < cfg.season_min_days * cfg.season_seconds - cfg.season_tolerance:
            cube[:, :, RESIDUAL] = np.nan  # too young to have the days a seasonal value needs
            return
        reach = cfg.season_days * cfg.season_seconds + cfg.season_tolerance
        lo = int(np.searchsorted(self._times[: self._size], clock[0] - reach))  # older: unused
        times, short = self._times[lo: self._size], self._cube[lo: self._size, :, SHORT]
        if clock[-1] - cfg.season_seconds + cfg.season_tolerance >= clock[0]:
            # A batch longer than a day also looks up its own earlier rows.
            times = np.concatenate([times, clock])
            short = np.concatenate([short, cube[:, :, SHORT]])
        queries = np.arange(self._size - lo, self._size - lo + len(clock))
        seasonal = seasonal_expectation(
            times, short, clock, queries, period=cfg.season_seconds, days=cfg.season_days,
            tolerance=cfg.season_tolerance, history=cfg.history_rows,
            min_days=cfg.season_min_days)
        cube[:, :, RESIDUAL] = cube[:, :, SHORT] - seasonal

    def _history(self, start: int, limit: int) -> np.ndarray:
        """Stored rows from ``history_rows`` before global row ``start``, strided to ``limit``."""
        lo = max(start - self.config.history_rows, self._first)
        picks = strided_rows(lo, start, limit) - self._first
        rows = self._cube[picks]
        if self.config.forget_episodes:  # learn what normal is from the quiet rows only
            rows = np.where(self._loud[picks][:, :, None], np.nan, rows)
        return rows

    def _refresh(self, start: int) -> None:
        cfg = self.config
        history = self._history(start, cfg.reference_rows)
        base = self.baseline
        base.refresh(history)
        # A daily pattern: the residual against previous days is much tighter than the level
        # (and known for a good part of the history the references come from).
        tight = base.sigma[:, RESIDUAL] <= cfg.season_strength * base.sigma[:, SHORT]
        known = np.mean(~np.isnan(history[:, :, RESIDUAL]), axis=0) >= 0.25
        base.active[:, RESIDUAL] = tight & known

    def _take_snapshot(self, start: int) -> None:
        cfg = self.config
        seasonal = self.baseline.active[:, RESIDUAL].copy()
        rows = _forest_view(self._history(start, cfg.forest_rows), seasonal)
        self.snapshot = TrainingSnapshot(rows, trees=cfg.forest_trees, samples=cfg.forest_samples,
                                         seed=cfg.random_state, seasonal=seasonal,
                                         pools=self.pools)

    def _append(self, times: np.ndarray, cube: np.ndarray) -> None:
        need = self._size + len(times)
        if need > len(self._times):
            capacity = max(need, 2 * len(self._times), 1024)
            grown_t = np.empty(capacity)
            grown_c = np.empty((capacity, *self._cube.shape[1:]))
            grown_l = np.zeros((capacity, self._loud.shape[1]), dtype=bool)
            grown_t[: self._size], grown_c[: self._size] = self._times[: self._size], \
                self._cube[: self._size]
            grown_l[: self._size] = self._loud[: self._size]
            self._times, self._cube, self._loud = grown_t, grown_c, grown_l
        self._times[self._size: need], self._cube[self._size: need] = times, cube
        self._loud[self._size: need] = False
        self._size = need

    def _trim(self) -> None:
        """Keep the last ``history_rows`` rows (only after a whole batch: see ``_history``)."""
        extra = self._size - self.config.history_rows
        if extra > self.config.history_rows // 4:
            keep = slice(extra, self._size)
            self._times = self._times[keep].copy()
            self._cube = self._cube[keep].copy()
            self._loud = self._loud[keep].copy()
            self._first += extra
            self._size -= extra

    def _explain(self, value: np.ndarray, expected: np.ndarray, sigma: np.ndarray,
                 novelty: np.ndarray, columns: np.ndarray) -> tuple[Deviation, ...]:
        """The metrics that broke their records most come first, then the farthest off."""
        sigmas = (value - expected) / sigma
        order = columns[np.lexsort((-np.nan_to_num(np.abs(sigmas[columns])),
                                    -novelty[columns]))]
        return tuple(Deviation(self.metrics[i], float(sigmas[i]), float(value[i]),
                               float(expected[i])) for i in order[: self.config.top_metrics])


class _Batch:
    """What one ``observe`` call works out per row: the score, each column's novelty and
    expectation (for explanations), and which forest snapshot owns each segment."""

    def __init__(self, rows: int, columns: int, groups: int) -> None:
        self.scores = np.zeros(rows)
        self.group_scores = np.zeros((rows, groups))
        self.novelty = np.zeros((rows, columns))
        self.expected = np.zeros((rows, columns))
        self.sigma = np.ones((rows, columns))
        self.owners: list[tuple[int, int, TrainingSnapshot | None]] = []


def _forest_view(cube: np.ndarray, seasonal: np.ndarray) -> np.ndarray:
    """What the forest sees: every feature, the seasonal residual only for the columns with a
    daily pattern (zero elsewhere, and before a day of history exists)."""
    view = cube.copy()
    view[:, :, RESIDUAL] = np.where(seasonal, np.nan_to_num(cube[:, :, RESIDUAL]), 0.0)
    return view


def detect(timestamps: Sequence[float] | np.ndarray, values: np.ndarray,
           metrics: Sequence[str] = ("value",), config: DetectorConfig | None = None,
           ) -> list[Episode]:
    """Run a fresh detector over a whole series (one batch) and return its episodes."""
    detector = OnlineDetector(metrics, config)
    events = detector.observe(timestamps, values) + detector.finish()
    return [e.episode for e in events if e.kind == "start"]
