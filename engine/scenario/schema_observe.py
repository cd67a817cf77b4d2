"""The scenario keys for what is watched: service level objectives and alert rules."""

from __future__ import annotations

from typing import Any

from .schema_types import Field as F
from .schema_types import ListOf, MapOf, Record
from .spec_observe import KINDS, SERIES_NAMES, AlertRuleSpec, SloSpec

__all__ = ["ALERTS", "SLO"]

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


def _rule(**values: Any) -> AlertRuleSpec:
    values["hold"] = values.pop("for")
    return AlertRuleSpec(**values)


def _rule_checks(v: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if (v["metric"] is None) == (v["slo"] is None):
        problems.append(("", "give either metric (a threshold rule) or slo (a burn-rate rule)"))
    if v["metric"] is not None and v["above"] is None and v["below"] is None:
        problems.append(("above", "a metric rule needs above or below"))
    if v["slo"] is not None:
        if v["burn"] is None:
            problems.append(("burn", "a burn-rate rule needs burn (e.g. 14.4)"))
        if len(v["windows"]) != 2:
            problems.append(("windows", "give two windows, the long and the short (e.g. "
                             "[1h, 5m])"))
    return problems


ALERT_RULE = Record(
    {
        "metric": F("str", None, "the series it watches", choices=SERIES_NAMES),
        "over": F("duration", 60_000, "the window the series is taken over", min=15_000,
                  max=3_600_000),
        "kinds": ListOf(F("str", None, "", choices=KINDS), "kinds of component it watches",
                        default=("service",)),
        "components": F("names", (), "only these components (default: all of those kinds)"),
        "aggregate": F("str", "each", "each: an alert per component; max, min, avg or sum: one "
                       "alert for all of them", choices=("each", "max", "min", "avg", "sum")),
        "above": F("share", None, "fires above this (a number, or a rate such as '5%')"),
        "below": F("share", None, "fires below this"),
        "predict": F("duration", None, "compare where the trend over `over` will be this far "
                     "ahead, like predict_linear ('full within 4h')", min=60_000),
        "for": F("duration", 0, "how long the condition must hold before it fires (pending "
                 "until then)", min=0),
        "severity": F("str", "warning", "how bad", choices=("critical", "warning", "info")),
        "labels": MapOf(F("str", "", ""), "extra labels", key_kind="label"),
        "summary": F("str", "", "one line; {component}, {value}, {threshold} and {env} are "
                     "filled in"),
        "runbook": F("str", "", "what to do about it"),
        "slo": F("str", None, "a burn-rate rule on this objective",
                 choices=("availability", "latency")),
        "burn": F("float", None, "the burn rate both windows must exceed (14.4 spends 2% of a "
                  "30-day budget in an hour)", min=0.1),
        "windows": ListOf(F("duration", None, "", min=60_000),
                          "the long and the short window (e.g. [1h, 5m])"),
        "env": F("name", None, "the environment it watches (default: the primary one)"),
        "inhibits": ListOf(F("str", None, ""), "alerts muted on this component's callers while "
                           "it fires (e.g. a down database mutes their latency alerts)"),
    },
    cls=_rule, checks=(_rule_checks,), name_field="name",
)

ALERTS = MapOf(ALERT_RULE, "alert rules, added to the default pack (a rule with a default's "
               "name replaces it)", key_kind="label")
