"""The alert book: rules evaluated on every 15-second sample, and the alerts they raise.

Rules are evaluated every 30 seconds of simulated time. Lifecycle as in Prometheus: a rule's condition holding makes an alert *pending*; held for the
rule's ``for`` it *fires* (``alert.firing``); the condition gone, it *resolves*
(``alert.resolved``) and a pending one is simply dropped. Alertmanager's part is here too: an
acknowledgement, silences by rule (and component) with who and why, and inhibition — while a
rule with ``inhibits`` fires on a component, those rules' alerts on its callers are muted (a
database without a primary mutes its callers' latency and error alerts). Muted alerts still
change state and publish events (marked so), as Prometheus keeps evaluating what Alertmanager
does not send.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ..scenario.spec_observe import AlertRuleSpec
from .alert_model import Alert, SilenceRule
from .defaults import DEFAULT_RULES
from .loop import Sample
from .series import SeriesContext, format_value
from .slo import OBJECTIVES, SloBook

if TYPE_CHECKING:
    from ..topology import Topology

__all__ = ["AlertBook", "rules_of"]

EVALUATION_MS = 30_000  # rules are evaluated every 30 s (Prometheus' evaluation_interval)
RESOLVED_KEPT = 50  # resolved alerts kept for `alerts all` and the debrief


def rules_of(spec: Any) -> tuple[AlertRuleSpec, ...]:
    """The default pack (unless switched off) with the scenario's rules, which replace
    defaults of the same name."""
    rules = {r.name: r for r in DEFAULT_RULES} if spec.default_alerts else {}
    rules.update(spec.alerts)
    return tuple(rules.values())


class AlertBook:
    def __init__(self, topo: Topology, rules: tuple[AlertRuleSpec, ...], ctx: SeriesContext,
                 slo: SloBook, emit: Callable[..., None], scenario: str, env: str) -> None:
        self.topo, self.rules, self.ctx, self.slo = topo, rules, ctx, slo
        self.env = env  # rules that name no environment watch this one
        self.emit, self.scenario = emit, scenario
        self.targets = {r.name: self._targets(r) for r in rules}
        self._position = {name: {int(n): i for i, n in enumerate(nodes)}
                          for name, nodes in self.targets.items()}
        self._live_nodes: dict[str, set[int | None]] = {}
        self._slo_rows = {r.name: np.array([slo.row(int(n)) for n in self.targets[r.name]],
                                           dtype=np.int64) for r in rules if r.slo}
        self.live: dict[tuple[str, int | None], Alert] = {}
        self.resolved: list[Alert] = []
        self.silences: list[SilenceRule] = []
        self.evaluated = 0  # evaluations so far
        self._slot = 0  # the evaluation interval last evaluated (the first is at 30 s)
        self._ids = 0
        self._callers: dict[int, set[int]] = {}

    def _targets(self, rule: AlertRuleSpec) -> np.ndarray:
        kinds = ("service",) if rule.slo else rule.kinds
        env = rule.env or self.env
        return np.array([n.index for n in self.topo.nodes if n.kind in kinds and n.env == env
                         and (not rule.components or n.name in rule.components)],
                        dtype=np.int64)

    @property
    def watched(self) -> int:
        """Components watched by at least one rule."""
        return len(set().union(*(set(t.tolist()) for t in self.targets.values())))

    # evaluation ----------------------------------------------------------------------------

    def observe(self, sample: Sample) -> None:
        if sample.t // EVALUATION_MS == self._slot:
            return
        self._slot = sample.t // EVALUATION_MS
        self.ctx.new_sample()
        self.ctx.signals.advance(sample.t)
        t = sample.t
        for rule in self.rules:
            nodes = self.targets[rule.name]
            if not len(nodes):
                continue
            values = self._values(rule, nodes)
            if rule.aggregate != "each":
                value = float(getattr(np, rule.aggregate)(values))
                self._update(rule, None, value, self._breached(rule, np.array([value]))[0], t)
                continue
            breached = self._breached(rule, values)
            live = self._live_nodes.get(rule.name)
            hits = np.flatnonzero(breached).tolist() if breached.any() else []
            if live:
                hits = sorted(set(hits) | {self._position[rule.name][n] for n in live})
            for i in hits:
                self._update(rule, int(nodes[i]), float(values[i]), bool(breached[i]), t)
        self._mute(t)
        self.evaluated += 1

    def _values(self, rule: AlertRuleSpec, nodes: np.ndarray) -> np.ndarray:
        if rule.slo is not None:
            column = OBJECTIVES.index(rule.slo)
            rows = self._slo_rows[rule.name]
            long, short = (self.slo.burn_rate(w)[rows, column] for w in rule.windows[:2])
            return np.minimum(long, short)
        assert rule.metric is not None
        return self.ctx.value(rule.metric, rule.over, rule.predict)[nodes]

    @staticmethod
    def _breached(rule: AlertRuleSpec, values: np.ndarray) -> np.ndarray:
        if rule.slo is not None:
            return values > (rule.burn or 0)
        hit = np.zeros(len(values), dtype=bool)
        if rule.above is not None:
            hit |= values > rule.above
        if rule.below is not None:
            hit |= values < rule.below
        return hit

    def _update(self, rule: AlertRuleSpec, node: int | None, value: float, breached: bool,
                t: int) -> None:
        key = (rule.name, node)
        alert = self.live.get(key)
        if breached and alert is None:
            self._ids += 1
            info = self.topo.nodes[node] if node is not None else None
            alert = Alert(self._ids, rule, node, info.name if info else None,
                          info.env if info else None, t, value)
            self.live[key] = alert
            self._live_nodes.setdefault(rule.name, set()).add(node)
        if alert is None:
            return
        alert.value = value
        alert.summary, alert.runbook = self._text(alert)
        if breached and alert.state == "pending" and t - alert.active_at >= rule.hold:
            alert.state, alert.starts_at = "firing", t
            self._silence(alert, t)
            self._publish("alert.firing", alert, t)
        elif not breached:
            del self.live[key]
            self._live_nodes.get(rule.name, set()).discard(node)
            if alert.state == "firing":
                alert.state, alert.ends_at = "resolved", t
                self._publish("alert.resolved", alert, t)
                self.resolved = [*self.resolved[-(RESOLVED_KEPT - 1):], alert]

    def _text(self, alert: Alert) -> tuple[str, str]:
        rule = alert.rule
        threshold = rule.burn if rule.slo else (rule.above if rule.above is not None
                                               else rule.below)
        value = f"{alert.value:.1f}" if rule.slo else format_value(rule.metric or "",
                                                                   alert.value)
        fill = {"{component}": alert.component or "the estate", "{value}": value,
                "{threshold}": format_value(rule.metric or "", threshold or 0.0),
                "{env}": alert.env or ""}
        summary = rule.summary or f"{rule.name} on {{component}}: {{value}}"
        runbook = rule.runbook
        for key, text in fill.items():
            summary, runbook = summary.replace(key, text), runbook.replace(key, text)
        return summary, runbook

    def _publish(self, kind: str, alert: Alert, t: int) -> None:
        extra: dict[str, Any] = {}
        if alert.silenced_by is not None:
            extra["silenced"] = True
        if alert.inhibited_by is not None:
            extra["inhibited"] = True
        if kind == "alert.resolved" and alert.starts_at is not None:
            extra["lasted_s"] = (t - alert.starts_at) / 1000
        self.emit(kind, t, alert=alert.name, severity=alert.severity, service=alert.component,
                  env=alert.env, id=alert.id, summary=alert.summary, **extra)

    # muting --------------------------------------------------------------------------------

    def _silence(self, alert: Alert, t: int) -> None:
        rule = next((s for s in self.silences if s.matches(alert, t)), None)
        alert.silenced_by = rule.id if rule else None

    def _mute(self, t: int) -> None:
        sources = [a for a in self.live.values()
                   if a.state == "firing" and a.rule.inhibits and a.node is not None]
        for alert in self.live.values():
            self._silence(alert, t)
            alert.inhibited_by = None
            for source in sources:
                if alert.name in source.rule.inhibits and alert.node in self._callers_of(
                        source.node):
                    alert.inhibited_by = source.id
                    break

    def _callers_of(self, node: int) -> set[int]:
        if node not in self._callers:
            self._callers[node] = self.topo.reachable(node, upstream=True)
        return self._callers[node]

    # what people do ------------------------------------------------------------------------

    def find(self, ref: str) -> list[Alert]:
        """Live alerts by id ('3', '#3') or by rule name (any case)."""
        ref = ref.strip().lstrip("#")
        if ref.isdigit():
            return [a for a in self.live.values() if a.id == int(ref)]
        return sorted((a for a in self.live.values() if a.name.lower() == ref.lower()),
                      key=lambda a: a.id)

    def ack(self, alerts: list[Alert], by: str, t: int) -> None:
        for alert in alerts:
            alert.acked_by, alert.acked_at = by, t

    def silence(self, rule: str, component: str | None, until: int, by: str, why: str,
                t: int) -> SilenceRule:
        made = SilenceRule(len(self.silences) + 1, rule, component, until, by, why, t)
        self.silences.append(made)
        self._mute(t)
        return made

    def firing(self) -> list[Alert]:
        return sorted((a for a in self.live.values() if a.state == "firing"),
                      key=lambda a: (a.severity != "critical", a.starts_at or 0, a.id))
