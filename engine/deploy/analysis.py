"""Canary analysis: does the new version behave as well as the stable one?

Like Argo Rollouts' AnalysisRuns and Flagger's checks, each verdict compares the new pool with
the stable pool over the bake window, on four signals:

- error rate: fails when new > stable + ``max_error_increase`` and new > 1.5 × stable;
- latency: fails when the new pool's median or p99 exceeds ``max_latency_ratio`` × stable's
  (+5 ms of slack). The median matters for a preview stack on light load: its queues are
  short, so a slower service time hides in the p99 but not in the median;
- memory: fails when the new pool grows faster than ``max_memory_growth`` MiB/min above the
  stable pool (a leak shows before it kills anything);
- restarts: any crash of a new instance during the window fails it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..histogram import quantile

__all__ = ["Thresholds", "Verdict", "judge"]


@dataclass(frozen=True, slots=True)
class Thresholds:
    max_error_increase: float = 0.01
    max_latency_ratio: float = 1.5
    max_memory_growth: float = 10.0  # MiB per minute


@dataclass(frozen=True, slots=True)
class Verdict:
    passed: bool
    reason: str
    figures: dict[str, float]


MIN_MEDIAN, MIN_P99 = 20, 100  # requests a pool must have served to judge its percentile


def judge(new_err: float, old_err: float, new_lat: tuple[float, float],
          old_lat: tuple[float, float], new_growth: float, old_growth: float, restarts: int,
          limits: Thresholds = Thresholds(),
          samples: tuple[float, float] = (float("inf"), float("inf"))) -> Verdict:
    """Compare the new pool with the stable one.

    Latencies are (median, p99) in seconds; memory growth in MiB per minute; ``samples`` the
    requests each pool served in the window: a percentile of fewer than ``MIN_MEDIAN`` /
    ``MIN_P99`` requests says nothing, so it is not judged.
    """
    (new_p50, new_p99), (old_p50, old_p99) = new_lat, old_lat
    figures = {"new_error_rate": round(new_err, 5), "stable_error_rate": round(old_err, 5),
               "new_p50_ms": round(new_p50 * 1000, 2), "stable_p50_ms": round(old_p50 * 1000, 2),
               "new_p99_ms": round(new_p99 * 1000, 2), "stable_p99_ms": round(old_p99 * 1000, 2),
               "new_memory_growth": round(new_growth, 2), "restarts": float(restarts),
               "new_requests": float(min(samples[0], 1e18)),
               "stable_requests": float(min(samples[1], 1e18))}
    if restarts:
        return Verdict(False, f"{restarts} new instance(s) crashed", figures)
    if new_err > old_err + limits.max_error_increase and new_err > 1.5 * old_err:
        return Verdict(False, f"error rate {new_err:.1%} against {old_err:.2%} on stable",
                       figures)
    enough = min(samples)
    if enough >= MIN_MEDIAN and new_p50 > limits.max_latency_ratio * old_p50 + 0.005:
        return Verdict(False, f"median latency {new_p50 * 1000:.0f} ms against "
                              f"{old_p50 * 1000:.0f} ms on stable", figures)
    if enough >= MIN_P99 and new_p99 > limits.max_latency_ratio * old_p99 + 0.005:
        return Verdict(False, f"p99 {new_p99 * 1000:.0f} ms against {old_p99 * 1000:.0f} ms on "
                              "stable", figures)
    if new_growth - old_growth > limits.max_memory_growth:
        return Verdict(False, f"memory grows {new_growth:.0f} MiB/min (leak suspected)", figures)
    return Verdict(True, "healthy", figures)


def pool_figures(requests: float, failed: float, latency: np.ndarray, requests0: float,
                 failed0: float, latency0: np.ndarray) -> tuple[float, tuple[float, float]]:
    """Error rate and (median, p99) latency (s) a pool showed between two readings of its
    counts (requests, failures, latency histogram)."""
    n = requests - requests0
    if n <= 0:
        return 0.0, (0.0, 0.0)
    counts = np.maximum(latency - latency0, 0.0)
    return (failed - failed0) / n, (float(quantile(counts, 0.5)[0]),
                                    float(quantile(counts, 0.99)[0]))


def pool_readings(world, node: int, new_version: int) -> tuple:  # noqa: ANN001 - World
    """What the new and the stable pool of a node have served so far: (requests, failed,
    latency histogram) each, from the run-long per-version counts."""
    counts, inst = world.version_counts, world.inst
    rows = inst.rows_of(node)
    old = sorted({int(v) for v in inst.version[rows].tolist()} - {new_version})
    return counts.reading([new_version]), counts.reading(old)
