"""The detail screen read as a person reads it: axes, honest ranges, windows, instance columns
and events. Pilot drives it; the clock is driven by hand."""

from __future__ import annotations

import pytest

from devsim_tui.app import DevsimApp, make_app
from devsim_tui.screens.detail_screen import CHARTS, DetailScreen
from devsim_tui.widgets.event_list import EventList, wrap_entry
from devsim_tui.widgets.metric_chart import LABEL, MetricChart, Scale, axis_range

METRIC = {c.metric: i for i, c in enumerate(CHARTS)}


def console(minutes: int = 20) -> DevsimApp:
    app = make_app("shopfront", seed=42, speed=60, autostart=False)
    app.sim.step(minutes * 60)
    app.sim.paused = True
    return app


async def open_detail(pilot, name: str = "checkout") -> DetailScreen:
    pilot.app.bridge.run_for(0)
    await pilot.pause()
    table = pilot.app.query_one("#services").table
    table.focus()
    table.move_to(name)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DetailScreen) and screen.target == name
    return screen


def chart_lines(chart: MetricChart) -> list[str]:
    return [chart.render_line(y).text for y in range(chart.size.height)]


def screen_lines(app: DevsimApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def marked_rows(chart: MetricChart) -> list[int]:
    """Plot rows (0 at the top) with anything drawn in them."""
    lines = chart_lines(chart)[1:-1]
    return [k for k, line in enumerate(lines) if line[LABEL:].strip()]


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_chart_has_a_time_axis_and_units(size) -> None:
    app = console()
    async with app.run_test(size=size) as pilot:
        screen = await open_detail(pilot)
        for chart, spec in zip(screen.charts, CHARTS, strict=True):
            lines = chart_lines(chart)
            assert chart.size.height >= 5, f"{spec.metric} has no room for bars"
            axis = lines[-1]
            for tick in ("-15m", "-10m", "-5m", "now"):
                assert tick in axis, (spec.metric, axis)
            assert axis.rstrip().endswith("now")  # now is the right edge
            top = lines[1][: LABEL - 1].strip()
            assert top == spec.scale.fmt(chart.range[1]) and top, (spec.metric, lines[1])
        units = {"rps": "/s", "p99_ms": "s", "error_rate": "%", "cpu": "%", "memory_mib": "MiB"}
        for metric, unit in units.items():
            lines = chart_lines(screen.charts[METRIC[metric]])
            labels = [line[: LABEL - 1].strip() for line in lines[1:]]
            assert all(label.endswith(unit) for label in labels if label), (metric, labels)


async def test_a_flat_memory_series_stays_flat_and_rates_start_at_zero() -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot)
        memory = screen.charts[METRIC["memory_mib"]]
        values = memory.values[-900:]
        assert values.max() - values.min() < 0.04 * values.mean()  # it hardly moves…
        low, high = memory.range
        assert high - low >= 0.25 * values.mean()  # …so the axis is far wider than the data
        assert low <= values.min() and values.max() <= high
        rows = memory.size.height - 2
        assert rows >= 4
        assert len(marked_rows(memory)) <= 2  # a thin line, not a chart-high zigzag
        for metric in ("rps", "error_rate", "cpu"):
            assert screen.charts[METRIC[metric]].range[0] == 0.0, metric
        cpu = screen.charts[METRIC["cpu"]]
        assert cpu.range == (0.0, 100.0)
        assert len(marked_rows(cpu)) < rows  # ~20 % busy is well short of the top


def test_axis_ranges_are_round_and_floored() -> None:
    memory = next(c.scale for c in CHARTS if c.metric == "memory_mib")
    low, high = axis_range([259.0, 261.0], memory)
    assert high - low >= 0.25 * 260 and low <= 259 and high >= 261
    assert axis_range([0.0, 0.0], next(c.scale for c in CHARTS if c.metric == "error_rate")) \
        == (0.0, 1.0)  # no errors: 0–1 %, not a range around zero
    assert axis_range([15.3, 21.6], Scale(str, top=1)) == (0.0, 30.0)
    assert axis_range([15.3, 21.6], Scale(str, top=1), steps=3) == (0.0, 30.0)


async def test_w_switches_between_the_last_15_minutes_and_the_last_hour() -> None:
    app = console(minutes=70)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_detail(pilot)
        rps = screen.charts[METRIC["rps"]]
        assert rps.window == 900 and len(rps.values) == 900
        await pilot.press("w")
        await pilot.pause()
        assert screen.window == 1 and rps.window == 3600
        axis = chart_lines(rps)[-1]
        assert all(tick in axis for tick in ("-1h", "-45m", "-30m", "-15m", "now")), axis
        assert "-10m" not in axis
        assert "last hour" in "\n".join(screen_lines(app))
        await pilot.press("w")
        await pilot.pause()
        assert rps.window == 900 and "-10m" in chart_lines(rps)[-1]


async def test_charts_are_redrawn_at_most_once_a_second() -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        now = [0.0]
        screen = await open_detail(pilot)
        screen.clock = lambda: now[0]
        screen._drawn_at = 0.0
        drawn = [c._version for c in screen.charts]
        app.sim.paused = False
        for _ in range(3):  # three fresh snapshots within the same second
            app.bridge.run_for(0.25)
            await pilot.pause()
        assert [c._version for c in screen.charts] == drawn
        now[0] = 1.0
        app.bridge.run_for(0.25)
        await pilot.pause()
        assert all(c._version == v + 1 for c, v in zip(screen.charts, drawn, strict=True))


async def test_every_instance_column_is_visible_at_120x40() -> None:
    app = console()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_detail(pilot)
        text = "\n".join(screen_lines(app))
        header = next(line for line in screen_lines(app) if "instance" in line and "state" in line)
        for title in ("instance", "state", "rps", "cpu", "MiB", "restarts", "version", "zone"):
            assert title in header, (title, header)
        for name in ("checkout-0", "checkout-1", "zone-a", "zone-b"):
            assert name in text


async def test_instance_columns_are_reachable_sideways_at_80x24() -> None:
    app = console()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot)
        assert app.focused is screen.instances
        header = next(line for line in screen_lines(app) if "instance" in line)
        assert "zone" not in header  # it does not fit…
        scroll = screen.query_one("#instances-scroll")
        assert scroll.max_scroll_x > 0
        for _ in range(40):
            if scroll.scroll_x >= scroll.max_scroll_x:
                break
            await pilot.press("right")
        await pilot.pause()
        header = next(line for line in screen_lines(app) if "restarts" in line or "zone" in line)
        assert "version" in header and "zone" in header  # …but scrolls into view
        rows = [line for line in screen_lines(app) if "zone-a" in line or "zone-b" in line]
        assert len(rows) == 2
        await pilot.press("tab")  # on to the events (no panes to cycle through here)
        assert app.focused is screen.events


async def test_events_wrap_at_word_boundaries_with_the_newest_in_view() -> None:
    app = console()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_detail(pilot)
        events = screen.query_one(EventList)
        text = ("[00:20:00] alert.firing #7 HighLatency [warning]: 51% of checkout's requests "
                "are slower than its latency objective while the canary rolls out")
        for i in range(30):
            events.add(f"[00:19:{i:02}] chaos.started #{i} latency on checkout")
        events.add(text)
        await pilot.pause()
        width = events.size.width - 1
        words = set(text.split())
        wrapped = [line for line, _ in events.lines[-len(wrap_entry(text, width)):]]
        assert len(wrapped) > 2
        assert all(len(line) <= width for line in wrapped)
        assert all(word in words for line in wrapped for word in line.split())
        assert " ".join(" ".join(wrapped).split()) == text
        assert events.scroll_y == events.max_scroll_y > 0
        shown = screen_lines(app)
        last = next(i for i, line in enumerate(shown) if wrapped[-1].strip() in line)
        assert wrapped[-2].strip() in shown[last - 1]  # the newest entry's end is on screen


def test_wrap_entry_never_splits_a_word_that_fits() -> None:
    text = "[00:01:02] instance.crashed payment-provider-12 crashed: OOMKilled (memory limit)"
    for width in range(max(len(w) for w in text.split()), 80):
        lines = wrap_entry(text, width)
        assert all(len(line) <= width for line in lines)
        assert [w for line in lines for w in line.split()] == text.split()
