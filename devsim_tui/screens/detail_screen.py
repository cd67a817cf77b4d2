"""One component up close: charts of its metrics, its instances, its recent events.

Wide terminals (≥ 110 × 36) stack the charts on the left, so their time axes line up, with the
instances and events beside them; smaller ones put the charts in two columns above the
instances and events. Charts are redrawn at most once a second (snapshots come four times a
second), and a switch of window is drawn after the key's own repaint.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, HorizontalScroll, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Static

from engine import Event, Snapshot

from ..widgets.event_list import EventList
from ..widgets.live_table import Column, LiveTable, Row
from ..widgets.metric_chart import MetricChart, Scale

__all__ = ["CHARTS", "DetailScreen"]

Series = Callable[[str, str, int], tuple[tuple[float, ...], tuple[float, ...]]]
WINDOWS = ((15 * 60_000, "last 15 minutes"), (60 * 60_000, "last hour"))
REDRAW_S = 1.0  # charts are redrawn at most this often
WIDE = (110, 36)  # from this size on, the charts are stacked beside the side panels


def _num(value: float) -> str:
    """At most three significant figures, no exponent, no trailing zeros: 1950, 19.5, 0.25."""
    if abs(value) >= 100:
        return f"{value:.0f}"
    text = f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def per_second(value: float) -> str:
    return f"{_num(value / 1000)}k/s" if value >= 10_000 else f"{_num(value)}/s"


def millis(value: float) -> str:
    return f"{_num(value / 1000)} s" if value >= 1000 else f"{_num(value)} ms"


def percent(value: float) -> str:
    return f"{_num(value)}%"


def mebibytes(value: float) -> str:
    return f"{_num(value / 1024)} GiB" if value >= 1024 else f"{_num(value)} MiB"


def count(value: float) -> str:
    return f"{value:.0f}" if abs(value - round(value)) < 0.05 else f"{value:.1f}"


@dataclass(frozen=True, slots=True)
class Chart:
    metric: str
    title: str
    scale: Scale
    factor: float = 1.0  # shares are shown as percentages


CHARTS = (
    Chart("rps", "requests/s", Scale(per_second, top=1)),
    Chart("p99_ms", "p99 latency", Scale(millis, top=100)),
    Chart("error_rate", "errors", Scale(percent, top=1), 100),
    Chart("cpu", "cpu", Scale(percent, top=100, limit=100), 100),
    Chart("memory_mib", "memory per instance", Scale(mebibytes, zero=False, span=0.25)),
    Chart("ready", "ready instances", Scale(count, top=1, whole=True, line=True)),
)
# what matters in an incident first; version and zone last (scrolled to when narrow)
INSTANCE_COLUMNS = (Column("state", "state", 8), Column("rps", "rps", 5, "right"),
                    Column("cpu", "cpu", 4, "right"), Column("mem", "MiB", 5, "right"),
                    Column("restarts", "restarts", 8, "right"), Column("ver", "version", 8),
                    Column("zone", "zone", 6))


class InstanceTable(LiveTable):
    """The instances: nothing to open here, so Enter is not offered, and Tab goes on to the
    events (there are no panes to cycle through on this screen)."""

    BINDINGS = [Binding("enter", "select", "Open", show=False, id="table.open"),
                Binding("tab", "app.focus_next", "Next", show=False, id="detail.next")]

    def action_sideways(self, step: int) -> None:
        """Here the table is as wide as its columns and its container scrolls: ← → move it."""
        if isinstance(self.parent, HorizontalScroll):
            self.parent.scroll_relative(x=step * 8, animate=False)


class Sideways(HorizontalScroll, can_focus=False):
    """Scrolls the instances table sideways. It takes no focus: the table keeps it, and ← →,
    which the table has no use for, reach this."""


class DetailScreen(Screen[None]):
    """``Esc`` goes back; ``w`` switches between the last 15 minutes and the last hour."""

    BINDINGS = [
        Binding("escape", "dismiss", "Back", id="detail.back"),
        Binding("w", "window", "15m / 1h", id="detail.window",
                tooltip="Switch the charts between the last 15 minutes and the last hour"),
    ]
    DEFAULT_CSS = """
    DetailScreen { layout: vertical; }
    DetailScreen #summary { height: auto; padding: 0 1; background: $panel; }
    DetailScreen #body { height: 1fr; layout: horizontal; }
    DetailScreen #charts { width: 1fr; layout: grid; grid-size: 1; grid-gutter: 0; }
    DetailScreen MetricChart { height: 1fr; min-height: 4; }
    DetailScreen #side { width: 40; max-width: 55%; }
    DetailScreen #instances { height: auto; max-height: 50%; border: round $panel-lighten-2; }
    DetailScreen #instances-scroll { height: auto; max-height: 100%; }
    DetailScreen #events { height: 1fr; border: round $panel-lighten-2; }
    DetailScreen.-compact #body { layout: vertical; }
    DetailScreen.-compact #charts { width: 1fr; height: 1fr; grid-size: 2; grid-gutter: 0 2; }
    DetailScreen.-compact #side { width: 1fr; max-width: 100%; height: 7; layout: horizontal; }
    DetailScreen.-compact #instances { width: 3fr; height: 100%; max-height: 100%; }
    DetailScreen.-compact #instances-scroll { height: 1fr; }
    DetailScreen.-compact #events { width: 2fr; height: 100%; }
    DetailScreen .-error_rate > .metric-chart--bar { color: $error; }
    DetailScreen .-p99_ms > .metric-chart--bar { color: $warning; }
    DetailScreen .-cpu > .metric-chart--bar { color: $success; }
    DetailScreen .-memory_mib > .metric-chart--bar { color: $secondary-lighten-2; }
    DetailScreen .-ready > .metric-chart--bar { color: $text; }
    """

    clock: Callable[[], float] = staticmethod(time.monotonic)

    def __init__(self, name: str, series: Series, events: Iterable[Event],
                 describe: Callable[[Event], str], first: tuple[Snapshot, str] | None = None,
                 ) -> None:
        super().__init__()
        self.target = name
        self.series = series
        self.describe = describe
        self.window = 0
        self.charts = [MetricChart(c.title, c.scale, classes=f"-{c.metric}") for c in CHARTS]
        self.instances = InstanceTable([Column("name", "instance", 10), *INSTANCE_COLUMNS],
                                       "No instances")
        self.events = EventList(f"nothing has happened to {name} yet", id="events")
        self._initial = [e for e in events if _about(e, name)]
        self._last: tuple[Snapshot, str] | None = first
        self._drawn: tuple[int, str, int] | None = None  # (t_ms, env, window) on the charts
        self._drawn_at = -REDRAW_S
        self._fitted = (-1, -1)  # (rows, name width) the table was last sized for
        self._timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="summary")
        with Horizontal(id="body"):
            with Vertical(id="charts"):
                yield from self.charts
            with Vertical(id="side"):
                with Vertical(id="instances") as box:
                    box.border_title = "Instances"
                    with Sideways(id="instances-scroll"):
                        yield self.instances
                yield self.events
        yield Footer()

    def on_mount(self) -> None:
        self.events.border_title = "Recent events"
        for event in self._initial[-200:]:
            self.events.add(self.describe(event))
        if self._last is not None:
            self.show(*self._last)

    def on_resize(self) -> None:
        width, height = self.size
        self.set_class(width < WIDE[0] or height < WIDE[1], "-compact")
        self._fit()
        if self._last is not None:
            self._summary(*self._last)

    # -- data --------------------------------------------------------------------------------
    def show(self, snapshot: Snapshot, env: str) -> None:
        """The newest snapshot: summary and instances now, charts when a second has passed."""
        self._last = (snapshot, env)
        self._summary(snapshot, env)
        rows = [i for i in snapshot.instances if i.node == self.target and i.env == env]
        width = max([10, *(len(i.name) for i in rows)])
        if width != self.instances.columns[0].width:
            self.instances.set_columns([Column("name", "instance", width), *INSTANCE_COLUMNS])
        self.instances.update([
            Row(i.name, {"name": i.name, "ver": i.version, "zone": i.zone, "state": i.state,
                         "rps": f"{i.rps:.1f}", "cpu": f"{i.cpu:.0%}",
                         "mem": f"{i.memory_mib:.0f}", "restarts": str(i.restarts)},
                "ok" if i.state == "ready" else "bad")
            for i in rows])
        if (len(rows), width) != self._fitted:
            self._fitted = (len(rows), width)
            self._fit()
        self._draw_when_due()

    def _summary(self, snapshot: Snapshot, env: str) -> None:
        """Name, version, readiness, health and error budget (the charts' titles have rps,
        latency and errors); the chart window too when there is room."""
        row = snapshot.service(self.target, env)
        parts = [f"[b]{self.target}[/b]"]
        if row is not None:
            parts = [f"[b]{self.target}[/b] {row.version}", f"{row.ready}/{row.desired} ready",
                     row.health.value]
            slo = next((o for o in snapshot.slos if o.service == row.name and o.env == env),
                       None)
            if slo is not None:
                parts.append(f"budget {slo.availability_left:.0%} left "
                             f"({slo.availability:.2%}), latency {slo.latency_left:.0%}")
        if not self.has_class("-compact"):
            parts.append(f"charts: {WINDOWS[self.window][1]} (w)")
        self.query_one("#summary", Static).update(" · ".join(parts))

    def _draw_when_due(self) -> None:
        """Draw the charts now if a second has passed since they were last drawn, else once
        it has (one timer at a time)."""
        wait = REDRAW_S - (self.clock() - self._drawn_at)
        if wait <= 0:
            self.draw_charts()
        elif self._timer is None:
            self._timer = self.set_timer(wait, self._timer_fired)

    def _timer_fired(self) -> None:
        self._timer = None
        self._draw_when_due()

    def draw_charts(self) -> None:
        """Fetch each metric over the window and hand it to its chart (skipped when nothing
        has changed since the last time)."""
        if self._last is None:
            return
        snapshot, env = self._last
        window_ms = WINDOWS[self.window][0]
        key = (snapshot.t_ms, env, window_ms)
        if key == self._drawn:
            return
        self._drawn, self._drawn_at = key, self.clock()
        for chart, spec in zip(self.charts, CHARTS, strict=True):
            times, values = self.series(self.target, spec.metric, window_ms)
            chart.plot(times, np.asarray(values) * spec.factor, snapshot.t_ms / 1000,
                       window_ms / 1000)

    def _fit(self) -> None:
        """Size the instances table to its columns (scrolled sideways when the panel is
        narrower) and, when the panels are stacked, to its rows."""
        table = self.instances
        width = sum(c.width + 1 for c in table.columns) + 2  # leading space, scrollbar
        table.styles.width = width
        side = self.query_one("#side")
        if self.has_class("-compact"):
            side.styles.width = None
            table.styles.height = "1fr"
        else:
            side.styles.width = width + 2  # (max-width: 55 % of the screen)
            table.styles.height = min(len(table.rows), 12) + 1

    def add_events(self, events: Iterable[Event]) -> None:
        for event in events:
            if _about(event, self.target):
                self.events.add(self.describe(event))

    def action_window(self) -> None:
        self.window = 1 - self.window
        if self._last is not None:
            self._summary(*self._last)
        self.call_after_refresh(self.draw_charts)


def _about(event: Event, name: str) -> bool:
    data = event.data
    return name in (data.get("service"), data.get("database"), data.get("target")) or (
        event.type == "command" and name in str(data.get("text", "")))
