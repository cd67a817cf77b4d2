"""Canary analysis: does the new version behave as well as the stable one — and how sure are we?

As Kayenta and Argo Rollouts' analysis do it, each verdict compares the new pool with the
stable pool over the whole bake window (everything each has served since the bake began),
metric by metric, with the statistics of ``deploy.statistics`` at the service's
``confidence``:

- errors: **fail** when the new error rate is confidently above stable's by more than
  ``max_error_increase`` (the lower bound of the difference passes it); **pass** when it is
  confidently within it (the upper bound does not);
- latency: **fail** when the new pool is significantly slower (Mann–Whitney on the pools'
  histograms) *and* its median, or with enough requests its p99, exceeds
  ``max_latency_ratio`` × stable's (+5 ms); a ratio past the limit without significance is
  inconclusive;
- memory: **fail** when the new pool's growth slope is confidently above stable's by more than
  ``max_memory_growth`` MiB/min (a leak shows before it kills anything);
- crashes: any restart of a new instance in the window fails it.

A metric with fewer than ``min_requests`` requests behind it in either pool is
**inconclusive**. The verdict is fail if any metric fails, else inconclusive if any is, else
pass; the controller bakes an inconclusive one longer (up to ``max_bake``) and then does what
``on_inconclusive`` says. Every verdict carries its evidence, in words and in figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..histogram import quantile
from .statistics import error_difference, memory_slope, normal_quantile, slower_share

__all__ = ["PASS", "FAIL", "INCONCLUSIVE", "Evidence", "Verdict", "judge", "pool_readings"]

PASS, FAIL, INCONCLUSIVE = "pass", "fail", "inconclusive"
MIN_P99 = 100  # requests a pool must have served before its p99 means anything


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one pool served in the window: requests, failures, its latency histogram and its
    mean memory over time (minutes since the bake began, MiB)."""

    requests: float
    failed: float
    latency: np.ndarray
    minutes: np.ndarray = field(default_factory=lambda: np.zeros(0))
    memory: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass(frozen=True, slots=True)
class Verdict:
    outcome: str  # pass, fail or inconclusive
    reason: str  # the deciding evidence in words
    figures: dict[str, float | str]

    @property
    def passed(self) -> bool:
        return self.outcome == PASS


def judge(new: Evidence, old: Evidence, restarts: int, spec) -> Verdict:  # noqa: ANN001
    """The verdict on the new pool against the stable one, ``spec`` the service's delivery."""
    z = normal_quantile(spec.confidence)
    figures: dict[str, float | str] = {
        "new_requests": new.requests, "stable_requests": old.requests,
        "new_error_rate": round(new.failed / max(new.requests, 1.0), 5),
        "stable_error_rate": round(old.failed / max(old.requests, 1.0), 5),
        "confidence": spec.confidence, "restarts": float(restarts)}
    results = [_crashes(restarts), _errors(new, old, z, spec, figures),
               _latency(new, old, z, spec, figures), _memory(new, old, z, spec, figures)]
    for outcome in (FAIL, INCONCLUSIVE):
        reasons = [why for result, why in results if result == outcome]
        if reasons:
            figures["verdict"] = outcome
            return Verdict(outcome, "; ".join(reasons), figures)
    figures["verdict"] = PASS
    return Verdict(PASS, "; ".join(why for _, why in results if why), figures)


def _crashes(restarts: int) -> tuple[str, str]:
    if restarts:
        return FAIL, f"{restarts} new instance(s) crashed: fail"
    return PASS, ""


def _errors(new: Evidence, old: Evidence, z: float, spec, figures: dict) -> tuple[str, str]:  # noqa: ANN001
    text = (f"errors {new.failed:,.0f}/{new.requests:,.0f} = {_pct(new.failed, new.requests)} "
            f"against {old.failed:,.0f}/{old.requests:,.0f} = {_pct(old.failed, old.requests)}")
    if min(new.requests, old.requests) < spec.min_requests:
        return INCONCLUSIVE, f"{text}: too few requests to tell (need {spec.min_requests})"
    b = error_difference(new.failed, new.requests, old.failed, old.requests, z)
    figures["error_p_value"] = round(b.p_value, 6)
    margin = spec.max_error_increase
    if b.lower > margin:
        return FAIL, f"{text}, {_p(b.p_value)}: fail"
    if b.upper <= margin:
        return PASS, f"{text}: pass"
    return INCONCLUSIVE, f"{text}, {_p(b.p_value)}: inconclusive"


def _latency(new: Evidence, old: Evidence, z: float, spec, figures: dict) -> tuple[str, str]:  # noqa: ANN001
    p50 = (float(quantile(new.latency, 0.5)[0]), float(quantile(old.latency, 0.5)[0]))
    p99 = (float(quantile(new.latency, 0.99)[0]), float(quantile(old.latency, 0.99)[0]))
    figures.update({"new_p50_ms": round(p50[0] * 1000, 2), "stable_p50_ms": round(p50[1] * 1000, 2),
                    "new_p99_ms": round(p99[0] * 1000, 2), "stable_p99_ms": round(p99[1] * 1000, 2)})
    if min(new.requests, old.requests) < spec.min_requests:
        return INCONCLUSIVE, "latency: too few requests to tell"
    ratio = spec.max_latency_ratio
    worse = []
    if p50[0] > ratio * p50[1] + 0.005:
        worse.append(f"median {p50[0] * 1000:.0f} ms against {p50[1] * 1000:.0f} ms")
    if min(new.requests, old.requests) >= MIN_P99 and p99[0] > ratio * p99[1] + 0.005:
        worse.append(f"p99 {p99[0] * 1000:.0f} ms against {p99[1] * 1000:.0f} ms")
    if not worse:
        return PASS, ""
    b = slower_share(new.latency, old.latency, z)
    figures["latency_p_value"] = round(b.p_value, 6)
    text = f"latency: {', '.join(worse)} (slower in {b.estimate:.0%} of pairs, {_p(b.p_value)})"
    return (FAIL, f"{text}: fail") if b.lower > 0.5 else (INCONCLUSIVE, f"{text}: inconclusive")


def _memory(new: Evidence, old: Evidence, z: float, spec, figures: dict) -> tuple[str, str]:  # noqa: ANN001
    grow = memory_slope(new.minutes, new.memory, z)
    base = memory_slope(old.minutes, old.memory, z).estimate if len(old.minutes) else 0.0
    figures["new_memory_growth"] = round(grow.estimate, 2)
    if grow.lower - base > spec.max_memory_growth:
        return FAIL, (f"memory grows {grow.estimate:+.0f} MiB/min (at least {grow.lower:+.0f}) "
                      f"against {base:+.0f} on stable, {_p(grow.p_value)}: a leak, fail")
    return PASS, ""


def _pct(part: float, whole: float) -> str:
    rate = part / max(whole, 1.0)
    return f"{rate:.1%}" if rate >= 0.01 or rate == 0 else f"{rate:.2%}"


def _p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


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
