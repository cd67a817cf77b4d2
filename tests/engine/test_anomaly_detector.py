"""The online anomaly detector (engine.anomaly) on seeded synthetic metrics."""

from __future__ import annotations

import numpy as np
import pytest

from engine.anomaly import OnlineDetector, detect

STEP = 300.0  # five-minute samples
DAY_ROWS = int(86_400 / STEP)
START = 1_700_000_000.0


def diurnal(days: float, seed: int, noise: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """A metric with a daily cycle (50 ± 10) and Gaussian sampling noise."""
    rng = np.random.default_rng(seed)
    n = int(days * DAY_ROWS)
    times = START + STEP * np.arange(n)
    phase = 2 * np.pi * np.arange(n) / DAY_ROWS
    return times, 50 + 10 * np.sin(phase) + rng.normal(0, noise, n)


def starts(episodes) -> list[int]:
    return [e.start_row for e in episodes]


def after_probation(episodes, rows: int) -> list:
    """Episodes past the NAB-style probation: the first 15 % of the series, which here is at
    least the first day (before a full cycle is seen, the day's first trough is new)."""
    return [e for e in episodes if e.start_row >= 0.15 * rows]


def test_finds_a_level_shift_at_night_soon_after_it_happens() -> None:
    times, values = diurnal(5, seed=1)
    # At 18:00 on day 3 the cycle is at its trough (40); +8 keeps it inside the daily range,
    # so only "the same time on previous days" can tell.
    shift = 3 * DAY_ROWS + int(0.75 * DAY_ROWS)
    values[shift:shift + 36] += 8.0
    episodes = after_probation(detect(times, values), len(values))
    assert episodes, "the shift went unnoticed"
    first = episodes[0]
    assert shift <= first.start_row <= shift + 6  # within half an hour, never before
    assert 0.5 <= first.score <= 1.0
    assert first.deviations[0].metric == "value" and first.deviations[0].sigmas > 0


def test_stays_quiet_on_a_clean_diurnal_series() -> None:
    for seed in (1, 2, 3):
        times, values = diurnal(5, seed=seed)
        late = after_probation(detect(times, values), len(values))
        assert late == [], f"seed {seed}: false alarms at rows {starts(late)}"


def test_is_deterministic_with_no_look_ahead_however_batched() -> None:
    times, values = diurnal(3, seed=5)
    values[500:504] += 25.0  # a spike
    values[700:] -= 25.0  # and a drop that stays: a regime the records must absorb
    whole = OnlineDetector(["value"])
    whole_events = whole.observe(times, values)
    assert [e.kind for e in whole_events] == ["start", "end"] * 2
    again = OnlineDetector(["value"])
    assert [(e.kind, e.episode.start_row, e.episode.score) for e in again.observe(times, values)] \
        == [(e.kind, e.episode.start_row, e.episode.score) for e in whole_events]
    assert np.array_equal(again.scores, whole.scores)
    # A prefix decides exactly what the whole run decided for those rows.
    cut = 600
    prefix = OnlineDetector(["value"])
    prefix_starts = [e.episode.start_row for e in prefix.observe(times[:cut], values[:cut])
                     if e.kind == "start"]
    assert np.array_equal(prefix.scores, whole.scores[:cut])
    assert prefix_starts == [e.episode.start_row for e in whole_events
                             if e.kind == "start" and e.episode.start_row < cut]
    # The same stream in uneven batches: the same scores and the same episodes.
    chunked = OnlineDetector(["value"])
    scores, events = [], []
    for a, b in [(0, 7), (7, 160), (160, 161), (161, 502), (502, 701), (701, len(times))]:
        events += chunked.observe(times[a:b], values[a:b])
        scores.append(chunked.scores)
    assert np.array_equal(np.concatenate(scores), whole.scores)
    assert [(e.kind, e.episode.start_row, e.episode.end_row) for e in events] == \
        [(e.kind, e.episode.start_row, e.episode.end_row) for e in whole_events]


def test_names_the_metric_that_deviates() -> None:
    times, cpu = diurnal(4, seed=6)
    _, latency = diurnal(4, seed=7, noise=0.5)
    latency = latency * 2
    cpu[800:830] += 40.0
    episodes = detect(times, np.column_stack([latency, cpu]), ("latency_ms", "cpu"))
    assert episodes and episodes[0].start_row == 800
    top = episodes[0].deviations[0]
    assert top.metric == "cpu" and top.sigmas > 3
    assert "cpu +" in top.describe() and "robust σ" in top.describe()


def test_rejects_a_matrix_of_the_wrong_shape() -> None:
    with pytest.raises(ValueError, match="2 metrics"):
        OnlineDetector(["a", "b"]).observe([1.0, 2.0], [1.0, 2.0])


def test_survives_gaps_and_constant_metrics() -> None:
    times, values = diurnal(3, seed=8)
    values[300:320] = np.nan  # a gap in the samples
    values[700] += 40.0
    assert starts(after_probation(detect(times, values), len(values))) == [700]
    flat = np.full(len(times), 5.0)
    flat[700] = 6.0  # a metric that never moved, then did
    assert starts(detect(times, flat)) == [700]
