"""An alert, shaped as Prometheus and Alertmanager shape them: labels, annotations, startsAt and
endsAt, so that pushing it to a real Alertmanager is a thin adapter. Plus what a console adds:
a short numeric id that stays the same while the alert lives, acknowledgement, silences."""

from __future__ import annotations

from dataclasses import dataclass

from ..scenario.spec_observe import AlertRuleSpec

__all__ = ["Alert", "SilenceRule"]


@dataclass(slots=True)
class SilenceRule:
    """Mutes alerts of a rule (on one component, or all of them) until a time; who and why."""

    id: int
    rule: str
    component: str | None  # None: every component
    until: int  # ms
    by: str
    why: str
    created: int

    def matches(self, alert: Alert, t: int) -> bool:
        return t < self.until and alert.rule.name == self.rule and (
            self.component is None or alert.component == self.component)


@dataclass(slots=True)
class Alert:
    id: int
    rule: AlertRuleSpec
    node: int | None
    component: str | None
    env: str | None
    active_at: int  # when the condition first held (pending since)
    value: float
    state: str = "pending"  # pending, firing, resolved
    starts_at: int | None = None  # when it fired
    ends_at: int | None = None  # when it resolved
    acked_by: str | None = None
    acked_at: int | None = None
    silenced_by: int | None = None  # the silence's id
    inhibited_by: int | None = None  # the firing alert's id that mutes it
    summary: str = ""
    runbook: str = ""

    @property
    def name(self) -> str:
        return self.rule.name

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def muted(self) -> bool:
        return self.silenced_by is not None or self.inhibited_by is not None

    @property
    def shown_state(self) -> str:
        """What a person is told: firing, pending, acknowledged, silenced, inhibited, resolved."""
        if self.state != "firing":
            return self.state
        if self.silenced_by is not None:
            return "silenced"
        if self.inhibited_by is not None:
            return "inhibited"
        return "acknowledged" if self.acked_by else "firing"

    def labels(self, scenario: str) -> dict[str, str]:
        """Prometheus labels: alertname, severity, the component, environment (`env`) and scenario."""
        labels = {"alertname": self.name, "severity": self.severity, "scenario": scenario,
                  **self.rule.labels}
        if self.component is not None:
            labels["service"] = self.component
        if self.env is not None:
            labels["env"] = self.env  # (as on every metric devsim serves)
        return labels

    def annotations(self) -> dict[str, str]:
        out = {"summary": self.summary}
        if self.runbook:
            out["runbook"] = self.runbook
        return out
