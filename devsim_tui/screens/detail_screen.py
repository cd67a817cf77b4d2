"""One component up close: charts of its metrics, its instances, its recent events."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, RichLog, Static

from engine import Event, Snapshot

from ..widgets.bar_chart import BarChart
from ..widgets.live_table import Column, LiveTable, Row

__all__ = ["DetailScreen"]

Series = Callable[[str, str, int], tuple[tuple[float, ...], tuple[float, ...]]]
CHARTS = (("rps", "requests/s", ""), ("p99_ms", "p99", "ms"), ("error_rate", "errors", ""),
          ("cpu", "cpu", ""), ("memory_mib", "memory", "Mi"))
WINDOWS = ((15 * 60_000, "last 15 minutes"), (60 * 60_000, "last hour"))


class DetailScreen(Screen[None]):
    """``Esc`` goes back; ``w`` switches between the last 15 minutes and the last hour."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="detail.back"),
        Binding("w", "window", "15m / 1h", id="detail.window",
                tooltip="Switch the charts between the last 15 minutes and the last hour"),
    ]
    DEFAULT_CSS = """
    DetailScreen { layout: vertical; }
    DetailScreen #summary { height: 1; padding: 0 1; background: $panel; }
    DetailScreen #body { height: 1fr; }
    DetailScreen #charts { width: 3fr; padding: 0 1; }
    DetailScreen #side { width: 2fr; }
    DetailScreen #instances { height: 1fr; border: round $panel-lighten-2; }
    DetailScreen #events { height: 1fr; border: round $panel-lighten-2; }
    DetailScreen BarChart { height: 1fr; min-height: 3; }
    """

    def __init__(self, name: str, series: Series, events: Iterable[Event],
                 describe: Callable[[Event], str], first: tuple[Snapshot, str] | None = None,
                 ) -> None:
        super().__init__()
        self.target = name
        self.series = series
        self.describe = describe
        self.window = 0
        self.charts = [BarChart(title, unit) for _, title, unit in CHARTS]
        self.instances = LiveTable([
            Column("name", "instance", 14), Column("ver", "ver", 7), Column("zone", "zone", 6),
            Column("state", "state", 8), Column("rps", "rps", 6, "right"),
            Column("cpu", "cpu", 4, "right"), Column("mem", "MiB", 5, "right"),
            Column("restarts", "rst", 3, "right")], "No instances")
        self.events = RichLog(id="events", wrap=True, max_lines=500)
        self._initial = [e for e in events if _about(e, name)]
        self._last: tuple[Snapshot, str] | None = first

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="body"):
            with Vertical(id="charts"):
                yield from self.charts
            with Vertical(id="side"):
                with Vertical(id="instances") as box:
                    box.border_title = "Instances"
                    yield self.instances
                yield self.events
        yield Footer()

    def on_mount(self) -> None:
        self.events.border_title = "Recent events"
        for event in self._initial[-200:]:
            self.events.write(self.describe(event))
        if not self._initial:
            self.events.write(f"nothing has happened to {self.target} yet")
        if self._last is not None:
            self.show(*self._last)

    def show(self, snapshot: Snapshot, env: str) -> None:
        self._last = (snapshot, env)
        row = snapshot.service(self.target, env)
        window, label = WINDOWS[self.window]
        summary = self.query_one("#summary", Static)
        if row is not None:
            slo = next((o for o in snapshot.slos if o.service == row.name and o.env == env),
                       None)
            budget = "" if slo is None else (
                f" · budget {slo.availability_left:.0%} left ({slo.availability:.2%}), "
                f"latency {slo.latency_left:.0%}")
            summary.update(f"[b]{row.name}[/b] {row.version} · {row.ready}/{row.desired} ready · "
                           f"{row.rps:.1f} rps · p99 {row.p99_ms:.0f} ms · errors "
                           f"{row.error_rate:.2%} · {row.health.value}{budget} · charts: {label}")
        else:
            summary.update(f"[b]{self.target}[/b] · charts: {label}")
        for chart, (metric, _, _) in zip(self.charts, CHARTS, strict=True):
            _, values = self.series(self.target, metric, window)
            if metric in ("error_rate", "cpu"):  # shares, shown as percentages
                values = tuple(v * 100 for v in values)
                chart.unit = "%"
            chart.plot(values)
        self.instances.update([
            Row(i.name, {"name": i.name, "ver": i.version, "zone": i.zone, "state": i.state,
                         "rps": f"{i.rps:.1f}", "cpu": f"{i.cpu:.0%}",
                         "mem": f"{i.memory_mib:.0f}", "restarts": str(i.restarts)},
                "ok" if i.state == "ready" else "bad")
            for i in snapshot.instances if i.node == self.target and i.env == env])

    def add_events(self, events: Iterable[Event]) -> None:
        for event in events:
            if _about(event, self.target):
                self.events.write(self.describe(event))

    def action_window(self) -> None:
        self.window = 1 - self.window
        if self._last is not None:
            self.show(*self._last)


def _about(event: Event, name: str) -> bool:
    data = event.data
    return name in (data.get("service"), data.get("database"), data.get("target")) or (
        event.type == "command" and name in str(data.get("text", "")))


