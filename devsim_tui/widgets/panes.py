"""The four live panes: services, databases, alerts, deployments. Each turns a snapshot into
rows of its table; the table repaints only what changed."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from engine import Snapshot
from engine.actions.alerting import group_alerts
from engine.wording import counted

from .format import health_style, number, sparkline
from .live_table import Column, LiveTable, Row

__all__ = ["AlertsPane", "DatabasesPane", "DeploymentsPane", "Pane", "ServicesPane"]


class Pane(Vertical):
    """A bordered, titled box around one table."""

    DEFAULT_CSS = """
    Pane { border: round $panel-lighten-2; border-title-color: $text; height: 1fr; }
    Pane:focus-within { border: round $primary; }
    """
    TITLE = ""
    EMPTY = ""

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id, classes="pane")
        self.border_title = self.TITLE
        self.table = LiveTable(self.columns(120), self.EMPTY)
        self._last: tuple[Snapshot, str, dict[str, tuple[float, ...]]] | None = None

    def compose(self) -> ComposeResult:
        yield self.table

    def columns(self, width: int) -> list[Column]:
        raise NotImplementedError

    def on_resize(self) -> None:
        width = self.size.width - 4  # borders and the scrollbar
        columns = self.columns(width)  # all of them: what does not fit scrolls sideways (← →)
        changed = columns != self.table.columns
        self.table.set_columns(columns)
        if changed and self._last is not None:  # cells sized to the columns (sparklines)
            self.show(*self._last)

    def column_width(self, key: str) -> int:
        return next((c.width for c in self.table.columns if c.key == key), 0)

    def show(self, snapshot: Snapshot, env: str, trends: dict[str, tuple[float, ...]]) -> None:
        self._last = (snapshot, env, trends)
        self.table.update(self.rows(snapshot, env, trends))

    def rows(self, snapshot: Snapshot, env: str,
             trends: dict[str, tuple[float, ...]]) -> list[Row]:
        raise NotImplementedError


class ServicesPane(Pane):
    TITLE = "Services"
    EMPTY = "No services"

    def columns(self, width: int) -> list[Column]:
        cols = [Column("name", "service", 13), Column("ver", "ver", 7),
                Column("ready", "ready", 5, "right"), Column("rps", "rps", 5, "right"),
                Column("p99", "p99", 6, "right"), Column("err", "err%", 5, "right"),
                Column("cpu", "cpu", 4, "right"), Column("health", "health", 8, status=True),
                Column("budget", "slo", 4, "right")]
        if width < 64:
            cols = [c for c in cols if c.key not in ("ver", "cpu")]
        spare = width - sum(c.width + 1 for c in cols) - 1
        cols.append(Column("trend", "rps 15m", max(12, min(spare, 24))))  # scrolled to if need be
        return cols

    def rows(self, snapshot: Snapshot, env: str,
             trends: dict[str, tuple[float, ...]]) -> list[Row]:
        rows = []
        budgets = {o.service: min(o.availability_left, o.latency_left)
                   for o in snapshot.slos if o.env == env}
        for s in snapshot.services:
            if s.env != env or s.kind == "external":
                continue
            version = s.version if len(s.versions) <= 1 else "/".join(s.versions)
            rows.append(Row(s.name, {
                "name": s.name, "ver": version, "ready": f"{s.ready}/{s.desired}",
                "rps": number(s.rps), "p99": f"{s.p99_ms:.0f}ms",
                "err": f"{s.error_rate * 100:.2f}", "cpu": f"{s.cpu * 100:.0f}%",
                "health": s.health.value,
                "budget": f"{budgets[s.name]:.0%}" if s.name in budgets else "",
                "trend": sparkline(trends.get(s.name, ()), self.column_width("trend"))},
                health_style(s.health)))
        return rows


_ENGINE = {"postgresql": "pg", "elasticsearch": "es", "mysql": "mysql", "mongodb": "mongo"}


def _backup_age(db, now_ms: int) -> str:  # noqa: ANN001 - snapshot.DatabaseRow
    """On a database's own row: its newest backup's age (the RPO a restore would give)."""
    if db.backing_up:
        return "backup…"
    if db.backup_point_ms is None:
        return ""
    minutes = (now_ms - db.backup_point_ms) // 60_000
    return f"bkp {minutes}m" if minutes < 60 else f"bkp {minutes // 60}h"


class DatabasesPane(Pane):
    TITLE = "Databases"
    EMPTY = "No databases"

    def columns(self, width: int) -> list[Column]:
        cols = [Column("name", "node", 11), Column("role", "role", 8),
                Column("state", "state", 8, status=True), Column("lag", "lag", 6, "right"),
                Column("failovers", "f/o", 3, "right"), Column("conns", "conns", 7, "right"),
                Column("qps", "qps", 5, "right")]
        return cols if width >= 55 else [c for c in cols if c.key != "conns"]

    def rows(self, snapshot: Snapshot, env: str,
             trends: dict[str, tuple[float, ...]]) -> list[Row]:
        rows = []
        for db in snapshot.databases:
            if db.env != env:
                continue
            style = {"ok": "ok", "degraded": "warn"}.get(db.status, "bad")
            engine = f"{_ENGINE.get(db.engine, db.engine)} {db.version}"
            rows.append(Row(db.name, {"name": db.name, "role": engine, "state": db.status,
                                      "qps": number(db.qps),
                                      "lag": _backup_age(db, snapshot.t_ms),
                                      "failovers": str(db.failovers) if db.failovers else ""},
                            style))
            for node in db.nodes:
                lag = "—" if node.role != "replica" else (
                    f"{node.lag_s * 1000:.0f}ms" if node.lag_s < 1 else f"{node.lag_s:.0f}s")
                rows.append(Row(node.name, {
                    "name": f" └ {node.name.rsplit('-', 1)[-1]}", "role": node.role,
                    "state": node.state, "lag": lag,
                    "conns": f"{node.connections:.0f}/{node.max_connections}",
                    "qps": number(node.qps)}, "dim" if node.state == "ready" else "bad",
                    parent=db.name))
        return rows


class AlertsPane(Pane):
    """Live alerts grouped by rule, worst first: an alert storm reads as a few groups."""

    TITLE = "Alerts"
    EMPTY = "No rule evaluated yet (rules run every 30s)"

    def columns(self, width: int) -> list[Column]:
        cols = [Column("sev", "sev", 4), Column("alert", "alert", 18),
                Column("target", "on", 8), Column("state", "state", 8, status=True),
                Column("age", "age", 5, "right"), Column("id", "id", 3, "right")]
        spare = width - sum(c.width + 1 for c in cols)
        if spare > 0:
            cols[2] = Column("target", "on", 8 + spare)  # the rest to the targets
        return cols

    def rows(self, snapshot: Snapshot, env: str,
             trends: dict[str, tuple[float, ...]]) -> list[Row]:
        from engine import format_duration

        table = self.table
        if snapshot.alerts_evaluated:
            table.empty = (f"✓ Nothing firing ({counted(snapshot.alert_rules, 'rule')}, "
                           f"{counted(snapshot.alerts_watched, 'component')})")
        rows = []
        for name, alerts in group_alerts([a for a in snapshot.alerts if a.env in (env, None)]):
            first = alerts[0]
            targets = ", ".join(a.target or "—" for a in alerts)
            states = sorted({a.state for a in alerts}, key=_STATE_ORDER.index)
            age = format_duration(snapshot.t_ms - min(a.since_ms for a in alerts))
            style = ("bad" if first.severity == "critical" else "warn") if \
                states[0] == "firing" else "dim"
            rows.append(Row(name, {
                "sev": _SEVERITY.get(first.severity, first.severity),
                "alert": name if len(alerts) == 1 else f"{name} ×{len(alerts)}",
                "target": targets, "state": "/".join(states), "age": age,
                "id": f"#{first.id}" if len(alerts) == 1 else ""}, style))
        return rows


_SEVERITY = {"critical": "CRIT", "warning": "WARN", "info": "info"}
_STATE_ORDER = ["firing", "pending", "acknowledged", "silenced", "inhibited", "resolved"]


class DeploymentsPane(Pane):
    TITLE = "Deployments"
    EMPTY = "No rollouts in progress"

    def columns(self, width: int) -> list[Column]:
        return [Column("service", "service", 10), Column("versions", "from → to", 14),
                Column("verdict", "verdict", 11, status=True),
                Column("progress", "done", 5, "right"),
                Column("step", "step", 16), Column("strategy", "strategy", 10)]

    def rows(self, snapshot: Snapshot, env: str,
             trends: dict[str, tuple[float, ...]]) -> list[Row]:
        return [Row(d.service, {"service": d.service,
                                "versions": f"{d.from_version} → {d.to_version}",
                                "strategy": d.strategy, "progress": _done(d),
                                "step": d.step, "verdict": d.verdict},
                    "bad" if d.verdict in ("failed", "aborted") else
                    "dim" if d.verdict == "completed" else "ok")
                for d in snapshot.deployments if d.env == env]


def _done(d) -> str:  # noqa: ANN001 - snapshot.DeploymentRow
    """Steps of the rollout's plan passed, ``2/4`` (not its traffic share: the step column
    says that)."""
    return f"{d.steps_done}/{d.steps}" if d.steps else f"{d.progress:.0%}"
