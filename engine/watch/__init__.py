"""What is watched: service level objectives, alert rules and anomaly detection.

Everything here reads the metrics an operator would see, a completed 15-second sample at a
time (``Watch``), never the world's state, injected faults or a version's declared behaviour.
"""

from .loop import Sample, Watch
from .slo import SloBook

__all__ = ["Sample", "SloBook", "Watch"]
