"""Durations and clock times as people write them: ``90s``, ``5m``, ``1h30m``, ``2h``, ``hh:mm:ss``.

One parser for scenarios, script files, the CLI and the ChatOps language, so that a duration
means the same thing everywhere. Values are integer milliseconds (the clock's unit).
"""

from __future__ import annotations

import re

__all__ = ["DurationError", "format_clock", "format_duration", "parse_duration"]

_UNIT_MS = {
    "ms": 1,
    "s": 1000,
    "sec": 1000,
    "secs": 1000,
    "second": 1000,
    "seconds": 1000,
    "m": 60_000,
    "min": 60_000,
    "mins": 60_000,
    "minute": 60_000,
    "minutes": 60_000,
    "h": 3_600_000,
    "hr": 3_600_000,
    "hrs": 3_600_000,
    "hour": 3_600_000,
    "hours": 3_600_000,
    "d": 86_400_000,
    "day": 86_400_000,
    "days": 86_400_000,
}
_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
_COMPOUND = re.compile(r"^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$")
_CLOCK = re.compile(r"^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$")


class DurationError(ValueError):
    """A duration that cannot be read; the message says what is accepted."""


def parse_duration(value: str | int | float) -> int:
    """Parse a duration into milliseconds.

    Accepts ``90s``, ``500ms``, ``5m``, ``1h30m``, ``2h``, ``1d``, ``hh:mm:ss`` or ``mm:ss``,
    and a bare number meaning seconds.

    Raises:
        DurationError: the text is not a duration, or it is negative.
    """
    if isinstance(value, bool):
        raise DurationError(f"expected a duration such as 90s, 5m or 1h30m, got {value!r}")
    if isinstance(value, int | float):
        if value < 0:
            raise DurationError(f"a duration cannot be negative, got {value}")
        return round(value * 1000)
    text = str(value).strip().lower()
    if not text:
        raise DurationError("expected a duration such as 90s, 5m or 1h30m, got an empty value")
    clock = _CLOCK.match(text)
    if clock:
        a, b, c = clock.groups()
        if c is None:  # mm:ss
            return (int(a) * 60 + int(b)) * 1000
        return (int(a) * 3600 + int(b) * 60 + int(c)) * 1000
    try:
        number = float(text)
    except ValueError:
        pass
    else:
        if number < 0:
            raise DurationError(f"a duration cannot be negative, got {value!r}")
        return round(number * 1000)
    if text.startswith("-"):
        raise DurationError(f"a duration cannot be negative, got {value!r}")
    if not _COMPOUND.match(text):
        raise DurationError(f"expected a duration such as 90s, 5m, 1h30m or hh:mm:ss, got {value!r}")
    total = 0.0
    for amount, unit in _PART.findall(text):
        if unit not in _UNIT_MS:
            raise DurationError(f"unknown time unit {unit!r} in {value!r} (use ms, s, m, h or d)")
        total += float(amount) * _UNIT_MS[unit]
    return round(total)


def format_duration(ms: int | float) -> str:
    """A compact human duration: ``1h30m``, ``45s``, ``250ms``."""
    ms = int(round(ms))
    if ms < 1000:
        return f"{ms}ms"
    seconds = ms // 1000
    days, seconds = divmod(seconds, 86_400)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    return "".join(f"{n}{u}" for n, u in parts if n) or "0s"


def format_clock(ms: int) -> str:
    """Simulated elapsed time as ``HH:MM:SS`` (hours may exceed 24)."""
    seconds = int(ms) // 1000
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}"
