"""Expectations that could never mean anything where they stand on the script's timeline.

The anomaly detector learns for its first hour and reports nothing meanwhile, so an
``expect anomaly on …`` judged before then can only fail, and an ``expect no anomaly on …``
judged then can only pass. Both are refused when the script is checked, with the time the
detector starts reporting.
"""

from __future__ import annotations

from engine import format_clock

from .model import Expectation

__all__ = ["learning_ms", "too_early"]


def learning_ms() -> int:
    """How long the estate's anomaly detector learns before it reports (15-second samples)."""
    from engine.watch.anomalies import ESTATE

    return ESTATE.warmup_rows * 15_000


def too_early(x: Expectation, at_ms: int, end_ms: int) -> str | None:
    """Why ``x`` at ``at_ms`` (the run ending at ``end_ms``) is meaningless, or None."""
    learning = learning_ms()
    if x.form == "anomaly":
        judged = min(end_ms, at_ms + x.within_ms) if x.within_ms else end_ms
        if judged <= learning:
            return (f"the anomaly detector learns until {format_clock(learning)} and reports "
                    f"nothing before, so this expectation, judged by {format_clock(judged)}, "
                    "cannot hold; move it later or run longer")
    if x.form == "no_anomaly" and at_ms < learning:
        return (f"the anomaly detector learns until {format_clock(learning)} and reports "
                f"nothing before, so this expectation at {format_clock(at_ms)} would hold "
                "whatever happens; move it after that")
    return None
