"""Online anomaly detection for metric series: a robust baseline confirmed by an IsolationForest.

``OnlineDetector(metrics, config)`` consumes batches of rows of named metrics
(``observe(timestamps, matrix)``) and reports anomalous *episodes* (a start event when one
begins, an end event once it has been quiet for a while), each with a score in [0, 1] and the
metrics that deviate most, in robust σ. ``detect(timestamps, values)`` runs it over a whole
series. See ``online.py`` for how the parts fit together. Importing this package does not import
scikit-learn; the first forest fit does.
"""

from engine.anomaly.episodes import Deviation, Episode, EpisodeEvent
from engine.anomaly.config import DetectorConfig
from engine.anomaly.online import OnlineDetector, detect

__all__ = ["DetectorConfig", "Deviation", "Episode", "EpisodeEvent", "OnlineDetector", "detect"]
