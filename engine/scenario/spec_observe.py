"""Validated scenario values for what is watched: objectives and alert rules."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["KINDS", "SERIES_NAMES", "AlertRuleSpec", "SloSpec"]


@dataclass(frozen=True, slots=True)
class SloSpec:
    availability: float  # share of requests that must succeed
    latency: int  # ms: a request slower than this counts against the latency objective
    latency_target: float  # share of requests that must be faster than that
    window: int  # ms: the compliance period the error budget covers
    spent: float  # share of the budget already spent when the run starts


@dataclass(frozen=True, slots=True)
class AlertRuleSpec:
    """One alert rule: a condition on a metric of the matched components (or a burn rate of
    their error budget), held for ``hold`` before it fires."""

    name: str
    metric: str | None = None  # a series name (engine.watch.series)
    over: int = 60_000  # ms: the window the metric is taken over
    kinds: tuple[str, ...] = ("service",)  # the kinds of component it watches
    components: tuple[str, ...] = ()  # only these (all of the kinds when empty)
    aggregate: str = "each"  # each: one alert per component; or max, min, avg, sum over them
    above: float | None = None
    below: float | None = None
    predict: int | None = None  # ms: compare where the trend will be this far ahead
    hold: int = 0  # ms: how long the condition must hold (Prometheus' ``for``)
    severity: str = "warning"
    labels: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    runbook: str = ""
    slo: str | None = None  # availability or latency: a burn-rate rule on that objective
    burn: float | None = None  # the burn rate both windows must exceed
    windows: tuple[int, ...] = ()  # ms: the long and the short window
    inhibits: tuple[str, ...] = ()  # rules muted on this component's callers while it fires
    env: str | None = None  # the environment it watches (None: the primary one)


# the series a rule may name (engine.watch.series defines them; a test keeps the two in step)
SERIES_NAMES = (
    "rps", "error_rate", "availability", "p50_ms", "p95_ms", "p99_ms", "slow_share", "cpu",
    "memory", "memory_mib", "saturation", "ready", "replication_lag_s", "connections",
    "queue_lag", "queue_lag_s", "hit_ratio", "rejected_rps", "retry_rps", "restarts",
    "breakers_open", "primary_up", "disk",
)
KINDS = ("service", "database", "cache", "queue", "external")
