"""Small text helpers shared by the panes: numbers, durations, sparklines, health styles."""

from __future__ import annotations

from collections.abc import Sequence

from engine import Health

__all__ = ["health_style", "number", "sparkline"]

_BLOCKS = "▁▂▃▄▅▆▇█"
_STYLE = {Health.OK: "ok", Health.DEGRADED: "warn", Health.FAILING: "bad", Health.DOWN: "bad"}


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
