"""Durations as people write them."""

from __future__ import annotations

import pytest

from engine import DurationError, format_clock, format_duration, parse_duration


@pytest.mark.parametrize(("text", "ms"), [
    ("90s", 90_000), ("5m", 300_000), ("1h30m", 5_400_000), ("2h", 7_200_000),
    ("01:02:03", 3_723_000), ("02:30", 150_000), ("250ms", 250), ("1.5s", 1500),
    ("45", 45_000), (30, 30_000), ("1d", 86_400_000), ("10 minutes", 600_000),
    ("1h 5m 10s", 3_910_000), ("2 HOURS", 7_200_000),
])
def test_parse(text: str | int, ms: int) -> None:
    assert parse_duration(text) == ms


@pytest.mark.parametrize("text", ["", "soon", "5 parsecs", "-3m", "1h-5m", "m5", "1:99:00",
                                  True])
def test_refuse(text: str) -> None:
    with pytest.raises(DurationError):
        parse_duration(text)


def test_format() -> None:
    assert format_duration(5_400_000) == "1h30m"
    assert format_duration(250) == "250ms"
    assert format_clock(3_723_000) == "01:02:03"
    assert format_clock(90_000_000) == "25:00:00"
