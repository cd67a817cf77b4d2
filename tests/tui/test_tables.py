"""The live tables: sorting (numbers as numbers, the cursor staying on its row, through live
updates), health colours that survive the cursor, and rollout progress in steps."""

from __future__ import annotations

import pytest
from rich.color import Color

from devsim_tui.app import DevsimApp, make_app
from devsim_tui.config import Config
from devsim_tui.widgets.format import sort_value, status_style
from engine.commands import Deploy, InjectFault


def app(theme: str = "textual-dark") -> DevsimApp:
    return make_app("shopfront", seed=7, speed=60, autostart=False, config=Config(theme=theme))


def test_cells_sort_by_the_numbers_they_show() -> None:
    assert sort_value("1.2k") == 1200 and sort_value("605ms") == pytest.approx(0.605)
    assert sort_value("42%") == 42 and sort_value("3/3") == 1.0 and sort_value("0/2") == 0.0
    assert sort_value("40ms") < sort_value("3s") < sort_value("1h30m") == 5400
    assert sort_value("#12") == 12 and sort_value("—") is None and sort_value("1.8.2") is None
    assert [status_style(w) for w in ("ok", "degraded", "failing over", "firing/silenced",
                                      "progressing")] == ["good", "warn", "bad", "bad", ""]


async def test_sorting_by_rps_keeps_the_cursor_on_its_row_through_updates() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.run_for(1.0)
        await pilot.pause()
        table = a.query_one("#services").table
        table.focus()
        table.move_to("checkout")
        given = [r.key for r in table.rows]
        await pilot.press("s", "s", "s", "s")  # service, ver, ready, rps
        assert table.sort_column == "rps" and table.sort_descending  # numbers: largest first
        assert "rps▼" in table.render_line(0).text
        keys = [r.key for r in table.rows]
        values = [sort_value(r.cells["rps"]) for r in table.rows]
        assert None not in values and values == sorted(values, reverse=True)
        texts = [r.cells["rps"] for r in table.rows]
        assert texts != sorted(texts, reverse=True)  # as text, "40.0" would beat "334"
        assert keys != given
        assert table.cursor_key == "checkout" and table.cursor == keys.index("checkout")
        assert table.cursor != given.index("checkout")  # it moved with its row
        await pilot.press("S")
        assert not table.sort_descending and "rps▲" in table.render_line(0).text
        values = [sort_value(r.cells["rps"]) for r in table.rows]
        assert values == sorted(values)
        assert table.cursor_key == "checkout"
        a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
        a.bridge.run_for(3.0)  # three simulated minutes: the figures move, the order follows
        await pilot.pause()
        shown = [sort_value(r.cells["rps"]) for r in table.rows]
        assert shown == sorted(shown)
        assert table.cursor_key == "checkout"
        assert table.rows[table.cursor].key == "checkout"


async def test_sorting_keeps_a_databases_nodes_under_it() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        table = a.query_one("#databases").table
        table.focus()
        await pilot.press("s")  # by name
        await pilot.press("S")  # Z→A
        names = [r.key for r in table.rows if not r.parent]
        assert names == ["users-db", "orders-db"]
        for i, row in enumerate(table.rows):
            if row.parent:
                assert table.rows[i - 1].key == row.parent or \
                    table.rows[i - 1].parent == row.parent


def _colour(app: DevsimApp, variable: str) -> Color:
    return Color.parse(app.theme_variables[variable])


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_health_colours_survive_the_cursor(theme: str) -> None:
    a = app(theme)
    async with a.run_test(size=(120, 40)) as pilot:
        a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
        a.bridge.run_for(3.0)
        await pilot.pause()
        table = a.query_one("#services").table
        table.focus()
        red, green = _colour(a, "text-error"), _colour(a, "text-success")
        keys = [r.key for r in table.rows]
        assert a.sim.snapshot().service("orders").health.value == "failing"

        off = table.render_line(keys.index("orders") + 1)
        table.move_to("orders")
        await pilot.pause()
        on = table.render_line(keys.index("orders") + 1)
        texts = [s for s in on if s.text.strip()]
        # the whole row stays red under the cursor
        assert texts and all(s.style.color.triplet == red.triplet for s in texts)
        assert {s.style.bgcolor for s in on} != {s.style.bgcolor for s in off}  # the cursor
        assert "failing" in "".join(s.text for s in texts)

        table.move_to("web")
        await pilot.pause()
        line = table.render_line(keys.index("web") + 1)
        ok = [s for s in line if s.text.strip() == "ok"]
        # "ok" is green, under the cursor too
        assert ok and ok[0].style.color.triplet == green.triplet
        assert ok[0].style.bgcolor == list(line)[0].style.bgcolor  # one cursor background
        plain = [s for s in line if s.text.strip() and s.text.strip() != "ok"]
        assert plain and all(s.style.color.triplet not in (red.triplet, green.triplet)
                             for s in plain)


async def test_the_deployments_pane_counts_steps_not_traffic() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.sim.apply(Deploy("checkout", "2.5.0", strategy="canary"))
        table = a.query_one("#deployments").table
        seen = set()
        for _ in range(8):  # up to four simulated minutes, 30 s at a time
            a.bridge.run_for(0.5)
            await pilot.pause()
            cells = table.rows[0].cells
            seen.add((cells["step"], cells["progress"]))
            if cells["progress"] == "2/4":
                break
        # canary 10 → 25 → 50 %, then the promotion: four steps; the share is in "step"
        assert ("10% canary", "0/4") in seen and ("25% canary", "1/4") in seen
        assert ("50% canary", "2/4") in seen


async def test_a_rolling_update_counts_its_batches() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.sim.apply(Deploy("cart", "2.8.0", strategy="rolling"))
        table = a.query_one("#deployments").table
        seen = []
        for _ in range(12):
            a.bridge.run_for(0.5)
            await pilot.pause()
            seen.append(table.rows[0].cells["progress"])
            if table.rows[0].cells["verdict"] == "completed":
                break
        assert seen[-1] == "2/2" and "1/2" in seen  # two replicas, one at a time
        assert set(seen) <= {"0/2", "1/2", "2/2"}
