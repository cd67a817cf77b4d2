"""The scenario keys for what is watched: service level objectives."""

from __future__ import annotations

from .schema_types import Field as F
from .schema_types import Record
from .spec import SloSpec

__all__ = ["SLO"]

DAY_MS = 86_400_000

SLO = Record(
    {
        "availability": F("rate", 0.999, "share of requests that must succeed (99.9% leaves an "
                          "error budget of 0.1% of them)", min=0.5, max=0.99999),
        "latency": F("duration", 500, "a request slower than this counts against the latency "
                     "objective", min=1),
        "latency_target": F("rate", 0.99, "share of requests that must be faster than "
                            "`latency`", min=0.5, max=0.99999),
        "window": F("duration", 30 * DAY_MS, "the compliance period the error budget covers "
                    "(it begins when the run begins)", min=3_600_000, max=90 * DAY_MS),
        "spent": F("rate", 0.0, "share of the budget already spent when the run starts"),
    },
    cls=SloSpec, default={},
    doc="the service level objectives: availability and latency over a window, and so an "
        "error budget",
)
