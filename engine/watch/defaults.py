"""The rule pack every scenario is watched with (unless it sets ``default_alerts: false``).

Thresholds follow common practice: the kube-prometheus and awesome-prometheus-alerts packs for
errors, saturation, crash loops and databases, and the SRE workbook's multiwindow, multi-burn-
rate alerts on each service's objectives (page at 14.4× over 1 h and 5 m, and at 6× over 6 h
and 30 m; a ticket at 1× over 3 days and 6 hours is too slow for a drill and left out).
"""

from __future__ import annotations

from ..scenario.spec_observe import AlertRuleSpec as R

__all__ = ["DEFAULT_RULES"]

M, H = 60_000, 3_600_000
_SERVICE_SYMPTOMS = ("HighErrorRate", "HighLatency", "ErrorBudgetBurnFast",
                     "ErrorBudgetBurnSlow", "LatencyBudgetBurnFast", "LatencyBudgetBurnSlow",
                     "BreakerOpen")

DEFAULT_RULES = (
    R("ServiceDown", "ready", over=15_000, below=1, hold=30_000, severity="critical",
      kinds=("service", "cache", "queue"),
      summary="{component} has no ready instance",
      runbook="Look at why instances are not ready: `show {component}` for crashes and restarts; "
              "`history {component}` for a recent deploy; roll back or scale as it says."),
    R("HighErrorRate", "error_rate", over=2 * M, above=0.05, hold=M, severity="critical",
      summary="{component} fails {value} of requests (over 2m)",
      runbook="`explain {component}`: a failing dependency, a bad version or an open breaker. "
              "A rollout in progress? `rollback {component}`."),
    R("HighLatency", "slow_share", over=5 * M, above=0.05, hold=2 * M,
      summary="{value} of {component}'s requests are slower than its latency objective",
      runbook="`explain {component}`: saturation (scale out), a slow dependency, or retries "
              "piling up."),
    R("ErrorBudgetBurnFast", slo="availability", burn=14.4, windows=(H, 5 * M),
      severity="critical", summary="{component} burns its error budget at {value}× (1h and 5m)",
      runbook="At this rate 2% of the month's budget goes every hour. Find what changed: "
              "`explain {component}`, `history {component}`."),
    R("ErrorBudgetBurnSlow", slo="availability", burn=6, windows=(6 * H, 30 * M),
      summary="{component} burns its error budget at {value}× (6h and 30m)",
      runbook="5% of the month's budget goes every 6 hours. `explain {component}`."),
    R("LatencyBudgetBurnFast", slo="latency", burn=14.4, windows=(H, 5 * M),
      severity="critical", summary="{component} burns its latency budget at {value}× (1h and 5m)",
      runbook="Too many requests are slower than the objective. `explain {component}`."),
    R("LatencyBudgetBurnSlow", slo="latency", burn=6, windows=(6 * H, 30 * M),
      summary="{component} burns its latency budget at {value}× (6h and 30m)",
      runbook="`explain {component}`; look at the p99 trend in `show {component}`."),
    R("CrashLooping", "restarts", over=10 * M, above=2.5, severity="warning",
      summary="{component} instances crashed {value} times in 10m",
      runbook="`show {component}` lists the crashes and their reasons: a bad version (roll "
              "back), memory (raise the limit or fix the leak) or a dependency at start-up."),
    R("HighCPU", "cpu", over=5 * M, above=0.9, hold=5 * M,
      summary="{component} instances use {value} of their CPU",
      runbook="Scale out (`scale {component} to N`) or turn autoscaling on."),
    R("MemoryNearLimit", "memory", over=5 * M, above=0.8, hold=5 * M,
      kinds=("service", "database", "cache"),
      summary="{component} instances use {value} of their memory limit",
      runbook="A leak shows as steady growth: `show {component}`. Restart or roll back."),
    R("MemoryLimitSoon", "memory", over=10 * M, above=1.0, predict=H, hold=3 * M,
      kinds=("service", "database", "cache"),
      summary="{component} will reach its memory limit within 1h at this rate",
      runbook="Steady growth is a leak: roll back the version that brought it, or restart "
              "before the instances are OOM-killed."),
    R("PoolSaturated", "saturation", over=5 * M, above=0.9, hold=3 * M,
      summary="{component}'s workers are {value} busy: requests queue",
      runbook="Add instances or find what made each request costlier (`explain {component}`)."),
    R("BreakerOpen", "breakers_open", over=15_000, above=0.5, hold=15_000,
      summary="{component} has {value} circuit breaker(s) open",
      runbook="Its calls to a failing dependency fail fast. `explain {component}` names it."),
    R("DatabasePrimaryDown", "primary_up", over=15_000, below=0.5, severity="critical",
      kinds=("database",), summary="{component} has no ready primary: writes fail",
      runbook="Automatic failover promotes a replica after its detection delay; otherwise "
              "`fail over {component}`.", inhibits=_SERVICE_SYMPTOMS),
    R("ReplicationLagHigh", "replication_lag_s", over=M, above=30, hold=2 * M,
      kinds=("database",), summary="{component}'s replicas lag {value} behind",
      runbook="Reads from replicas are stale and a failover now would lose those writes."),
    R("ConnectionsExhausted", "connections", over=M, above=0.9, hold=M, severity="critical",
      kinds=("database",), summary="{component} uses {value} of its connections",
      runbook="Callers wait for connections: fewer instances with smaller pools, or more "
              "replicas."),
    R("DiskFillingUp", "disk", over=30 * M, above=1.0, predict=4 * H, hold=5 * M,
      kinds=("database",), summary="{component}'s volume will be full within 4h at this rate",
      runbook="Free space (old WAL, bloat) or grow the volume before writes start failing; "
              "`status {component}` shows the disk."),
    R("DiskFull", "disk", over=M, above=0.95, hold=M, severity="critical",
      kinds=("database",), summary="{component}'s volume is {value} full: writes fail",
      runbook="Writes fail until space is freed: remove what filled it, then check replication "
              "and backups."),
    R("QueueBacklog", "queue_lag_s", over=2 * M, above=60, hold=2 * M, kinds=("queue",),
      summary="{component}'s oldest message has waited {value}",
      runbook="Consumers are stalled or too few: `show` the consumer, scale it out."),
    R("CacheHitRatioLow", "hit_ratio", over=5 * M, below=0.5, hold=5 * M, kinds=("cache",),
      summary="{component} answers only {value} of lookups",
      runbook="A flushed or undersized cache sends its load to the database behind it."),
)
