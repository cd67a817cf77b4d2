"""devsim's alerts in Alertmanager's words: the v2 API's postable alert and the v4 webhook
message.

A firing alert is sent the way Prometheus sends it: its labels (alertname, severity, scenario,
service, environment and the rule's own labels), annotations (summary, runbook, description),
``startsAt``, ``endsAt`` and ``generatorURL``. Alertmanager judges ``startsAt``/``endsAt`` by
its own wall clock, so both are wall-clock times: ``startsAt`` is when devsim saw the alert fire,
a firing alert's ``endsAt`` is four re-send intervals ahead (as Prometheus sets it, so an alert
whose sender went away expires) and a resolved alert's ``endsAt`` is when devsim saw it resolve.
The simulated times are in the ``description``.

Everything here is plain data built on the stepping thread from the alert book; nothing keeps a
reference to the live simulation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from engine.durations import format_clock

__all__ = ["alert_record", "common", "fingerprint", "iso", "record_from_event",
           "webhook_message"]

_OFFSET64 = 14695981039346656037
_PRIME64 = 1099511628211
_MASK64 = (1 << 64) - 1
_SEPARATOR = 0xFF


def fingerprint(labels: Mapping[str, str]) -> str:
    """The label set's fingerprint as Prometheus and Alertmanager compute it (FNV-1a 64 over
    the sorted names and values, each followed by 0xff), as 16 hex digits."""
    h = _OFFSET64
    for name in sorted(labels):
        for part in (name, labels[name]):
            for byte in part.encode():
                h = ((h ^ byte) * _PRIME64) & _MASK64
            h = ((h ^ _SEPARATOR) * _PRIME64) & _MASK64
    return f"{h:016x}"


def iso(wall_seconds: float) -> str:
    """An RFC 3339 UTC timestamp with milliseconds, as Alertmanager's API takes them."""
    stamp = datetime.fromtimestamp(wall_seconds, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


def generator_url(scenario: str, alert_id: int | str) -> str:
    """Where the alert came from: ``devsim://<scenario>/alerts/<id>``."""
    return f"devsim://{scenario}/alerts/{alert_id}"


def alert_record(alert: Any, scenario: str, seed: int | None) -> dict[str, Any]:
    """A firing or resolved alert of the alert book as plain data: ``labels``,
    ``annotations``, ``generatorURL`` (no wall-clock times yet: the sender stamps them)."""
    when = f"fired at simulated {format_clock(alert.starts_at or alert.active_at)}"
    if alert.ends_at is not None:
        when += f", resolved at {format_clock(alert.ends_at)}"
    description = (f"devsim alert #{alert.id} {alert.name} in scenario {scenario}"
                   f"{'' if seed is None else f' (seed {seed})'}: {when}")
    annotations = {**alert.annotations(), "description": description}
    return {"labels": dict(alert.labels(scenario)), "annotations": annotations,
            "generatorURL": generator_url(scenario, alert.id)}


def record_from_event(data: Mapping[str, Any], scenario: str) -> dict[str, Any]:
    """The same record from an ``alert.firing``/``alert.resolved`` event alone (for an alert
    the book no longer holds)."""
    labels = {"alertname": str(data.get("alert")), "severity": str(data.get("severity")),
              "scenario": scenario}
    if data.get("service"):
        labels["service"] = str(data["service"])
    if data.get("env"):
        labels["env"] = str(data["env"])
    return {"labels": labels, "annotations": {"summary": str(data.get("summary", ""))},
            "generatorURL": generator_url(scenario, data.get("id", "?"))}


def common(dicts: list[Mapping[str, str]]) -> dict[str, str]:
    """The pairs every mapping shares (Alertmanager's commonLabels/commonAnnotations)."""
    if not dicts:
        return {}
    first, rest = dicts[0], dicts[1:]
    return {k: v for k, v in first.items() if all(d.get(k) == v for d in rest)}


def webhook_message(alerts: Iterable[Mapping[str, Any]], *, receiver: str,
                    external_url: str) -> dict[str, Any]:
    """Alertmanager's webhook payload (version 4) for one group: every alert of the batch
    (v2 alerts with ``status`` set), firing if any is."""
    listed = [{"status": a["status"], "labels": dict(a["labels"]),
               "annotations": dict(a["annotations"]), "startsAt": a["startsAt"],
               "endsAt": a["endsAt"], "generatorURL": a["generatorURL"],
               "fingerprint": fingerprint(a["labels"])} for a in alerts]
    status = "firing" if any(a["status"] == "firing" for a in listed) else "resolved"
    return {"version": "4", "groupKey": "{}:{}", "truncatedAlerts": 0, "status": status,
            "receiver": receiver, "groupLabels": {},
            "commonLabels": common([a["labels"] for a in listed]),
            "commonAnnotations": common([a["annotations"] for a in listed]),
            "externalURL": external_url, "alerts": listed}
