"""Small text helpers shared by the panes: numbers, durations, sparklines, health styles, and
the keys tables sort by."""

from __future__ import annotations

import re
from collections.abc import Sequence

from engine import Health

__all__ = ["health_style", "number", "sort_value", "sparkline", "status_style"]

_BLOCKS = "▁▂▃▄▅▆▇█"
_STYLE = {Health.OK: "ok", Health.DEGRADED: "warn", Health.FAILING: "bad", Health.DOWN: "bad"}

# The first word of a state cell → the colour it is drawn in (green, yellow, red); other words
# are left in the row's colour.
_STATUS = {
    **dict.fromkeys(("ok", "ready", "completed", "passed", "resolved", "running"), "good"),
    **dict.fromkeys(("degraded", "pending", "starting", "acknowledged", "restoring",
                     "backup…"), "warn"),
    **dict.fromkeys(("failing", "down", "firing", "crashed", "stopped", "failed", "aborted",
                     "unhealthy"), "bad"),
}
_SCALE = {"": 1.0, "%": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "Mi": 1.0, "Gi": 1024.0,
          "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86_400.0, "×": 1.0, "x": 1.0}
_NUMBER = re.compile(r"(?:#|[a-z]+ )?(-?\d+(?:\.\d+)?)\s?(ms|Mi|Gi|[kMG%smhd×x])?")
_FRACTION = re.compile(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)")
_DURATION = re.compile(r"(?:\d+(?:ms|[smhd]))+")
_PART = re.compile(r"(\d+)(ms|[smhd])")


def sparkline(values: Sequence[float], width: int) -> str:
    """The last ``width`` values as block characters scaled to their own range."""
    if width <= 0:
        return ""
    tail = list(values)[-width:]
    if not tail:
        return ""
    low, high = min(tail), max(tail)
    span = high - low
    if span <= 1e-9 * max(abs(high), 1.0):
        return _BLOCKS[3] * len(tail)
    return "".join(_BLOCKS[min(7, int((v - low) / span * 7.999))] for v in tail)


def number(value: float) -> str:
    """Compact: 12345 → 12k, 1234 → 1.2k, 123.4 → 123, 12.34 → 12.3, 1.234 → 1.23."""
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def health_style(health: Health) -> str:
    return _STYLE.get(health, "ok")


def status_style(text: str) -> str:
    """How a state cell is coloured: "good", "warn", "bad", or "" (the row's own colour).
    ``firing/acknowledged`` goes by its first state; ``failing over`` by its first word."""
    word = text.split("/", 1)[0].split(" ", 1)[0].lower()
    return _STATUS.get(word, "")


def sort_value(text: str) -> float | None:
    """The number a cell shows, for sorting: ``1.2k`` → 1200, ``605ms`` → 0.605 (durations in
    seconds, so ``40ms`` sorts below ``3s``), ``42%`` → 42, ``3/3`` → 1.0 (a share: the least
    ready first when ascending), ``1h30m`` → 5400, ``#12`` → 12, ``bkp 5m`` → 300. None when
    the cell holds no number (``—``, a name, a version such as ``1.8.2``)."""
    text = text.strip()
    if not text:
        return None
    if (m := _FRACTION.fullmatch(text)) is not None:
        whole = float(m.group(2))
        return float(m.group(1)) / whole if whole else float(m.group(1))
    if _DURATION.fullmatch(text) and len(_PART.findall(text)) > 1:
        return sum(int(n) * _SCALE[unit] for n, unit in _PART.findall(text))
    m = _NUMBER.fullmatch(text)
    if m is None:
        return None
    return float(m.group(1)) * _SCALE[m.group(2) or ""]
