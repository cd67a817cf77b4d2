"""The console's behaviour, driven with Pilot. The clock is driven by hand: no wall-time sleeps."""

from __future__ import annotations

import re

import pytest

from devsim_tui.app import DevsimApp, make_app
from devsim_tui.config import Config
from devsim_tui.screens.confirm_screen import ConfirmScreen
from devsim_tui.screens.detail_screen import DetailScreen
from devsim_tui.screens.help_screen import HelpScreen
from devsim_tui.widgets.chat_log import ChatLog
from devsim_tui.widgets.command_bar import CommandBar
from devsim_tui.widgets.pane_deck import PaneDeck


def app(**kwargs) -> DevsimApp:
    return make_app("shopfront", seed=7, speed=60, autostart=False, **kwargs)


def chat_text(a: DevsimApp) -> str:
    return "\n".join(line.text for line in a.query_one(ChatLog).lines)


async def type_command(pilot, text: str) -> None:
    pilot.app.query_one(CommandBar).focus()
    await pilot.press(*[c if c != " " else "space" for c in text], "enter")
    await pilot.pause()


async def test_a_typed_command_and_its_reply_reach_the_chat() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "scale checkout to 3")
        text = chat_text(a)
        assert "you › scale checkout to 3" in text
        assert "✓ production: scaled checkout 2 → 3" in text
        assert a.sim.snapshot().service("checkout").desired == 3


async def test_a_refusal_is_shown_with_suggestions() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "fail over checkout")
        assert "✗ checkout is a service, not a database" in chat_text(a)


async def test_pause_stops_the_clock_and_resume_restarts_it() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("space")
        assert a.sim.paused
        before = a.sim.now
        a.bridge.run_for(5.0)
        assert a.sim.now == before
        await pilot.press("space")
        a.bridge.run_for(5.0)
        assert a.sim.now == before + 300_000  # 5 s of wall time at ×60


async def test_speed_keys_step_through_the_speeds() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("plus")
        assert a.sim.speed == 120
        await pilot.press("minus", "minus")
        assert a.sim.speed == 30


async def test_history_recall_keeps_the_draft() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "status")
        await type_command(pilot, "status checkout")
        bar = a.query_one(CommandBar)
        await pilot.press("d", "r")
        await pilot.press("up")
        assert bar.value == "status checkout"
        await pilot.press("up")
        assert bar.value == "status"
        await pilot.press("down", "down")
        assert bar.value == "dr"


async def test_tab_completes_names_from_the_scenario() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one(CommandBar).focus()
        await pilot.press(*"fail", "space", *"over", "space", *"ord", "tab")
        assert a.query_one(CommandBar).value == "fail over orders-db "


async def test_slash_focuses_the_bar_and_f1_opens_help() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("slash")
        assert isinstance(a.focused, CommandBar)
        await pilot.press("f1")
        assert isinstance(a.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(a.screen, HelpScreen)


async def test_enter_on_a_service_opens_its_detail_with_charts() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.run_for(20.0)  # 20 minutes of history at ×60
        await pilot.pause()
        table = a.query_one("#services").table
        table.focus()
        table.move_to("checkout")
        await pilot.press("enter")
        await pilot.pause()
        screen = a.screen
        assert isinstance(screen, DetailScreen) and screen.target == "checkout"
        assert all(len(chart.values) > 100 for chart in screen.charts)
        assert {row.key for row in screen.instances.rows} == {"checkout-0", "checkout-1"}
        await pilot.press("w")
        assert screen.window == 1
        await pilot.press("escape")
        assert not isinstance(a.screen, DetailScreen)


async def test_production_changes_ask_first() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "scale checkout to 0")
        assert isinstance(a.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert "cancelled" in chat_text(a)
        assert a.sim.snapshot().service("checkout").desired == 2
        await type_command(pilot, "scale checkout to 0")
        await pilot.press("y")
        await pilot.pause()
        assert a.sim.snapshot().service("checkout").desired == 0
        await type_command(pilot, "scale checkout to 4")  # not to zero: no question
        assert not isinstance(a.screen, ConfirmScreen)
        assert a.sim.snapshot().service("checkout").desired == 4


async def test_the_confirmation_says_what_changes_and_what_was_corrected() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "deploy chekout 2.4.0 as a canary")
        assert isinstance(a.screen, ConfirmScreen)
        text = a.screen.plain
        assert "read 'chekout' as checkout" in text
        assert "deploy checkout 2.3.1 → 2.4.0 in production (canary 10 → 25 → 50 → 100 %)" in text
        await pilot.press("n")


async def test_80x24_collapses_the_panes_into_tabs() -> None:
    a = app()
    async with a.run_test(size=(80, 24)) as pilot:
        deck = a.query_one(PaneDeck)
        assert deck.has_class("-narrow")
        visible = [p.id for p in deck.panes if p.display and p.has_class("-active")]
        assert visible == ["services"]
        a.query_one("#services").table.focus()
        await pilot.press("tab")
        assert deck.active.id == "databases"
        assert deck.active.table.has_focus
    wide = app()
    async with wide.run_test(size=(160, 50)):
        assert not wide.query_one(PaneDeck).has_class("-narrow")


async def test_the_palette_fills_the_bar_from_the_registry() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"fail over", "enter")
        await pilot.pause()
        assert a.query_one(CommandBar).value == "fail over orders-db"


async def test_keymap_from_config_rebinds_by_id() -> None:
    a = app(config=Config(keymap={"pause": "p"}))
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("p")
        assert a.sim.paused


@pytest.mark.parametrize("theme", ["ansi-dark", "nord"])
async def test_themes_apply(theme: str) -> None:
    a = app(config=Config(theme=theme))
    async with a.run_test(size=(120, 40)):
        assert a.theme == theme


async def test_no_color_is_honoured(monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    a = app()
    assert a.no_color


def test_sparkline_fits_its_width() -> None:
    from devsim_tui.widgets.format import sparkline

    assert sparkline([1.0, 2.0, 3.0], 0) == ""
    assert len(sparkline(list(range(30)), 8)) == 8
    assert sparkline([5.0, 5.0], 4) == "▄▄"


async def test_only_the_open_detail_screen_pays_for_instance_rows() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        assert a.bridge.snapshot().instances == ()
        table = a.query_one("#services").table
        table.focus()
        table.move_to("payments")
        await pilot.press("enter")
        await pilot.pause()
        assert {i.node for i in a.bridge.snapshot().instances} == {"payments"}
        await pilot.press("escape")
        await pilot.pause()
        assert a.bridge.snapshot().instances == ()


async def test_a_rollout_shows_in_the_deployments_pane_and_the_chat() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "deploy checkout 2.4.0 as a canary")
        assert isinstance(a.screen, ConfirmScreen)
        await pilot.press("y")
        await pilot.pause()
        a.bridge.run_for(0.5)  # 30 simulated seconds: the canary is up
        await pilot.pause()
        rows = a.query_one("#deployments").table.rows
        assert [(r.cells["service"], r.cells["verdict"]) for r in rows] == [
            ("checkout", "progressing")]
        a.bridge.run_for(1.5)
        await pilot.pause()
        rows = a.query_one("#deployments").table.rows
        assert rows[0].cells["verdict"] == "aborted" and rows[0].style == "bad"
        chat = chat_text(a).replace("\n", "")
        assert re.search(r"analysis failed: errors \d+/[\d,]+ = [\d.]+% against", chat)


async def test_e_switches_the_environment_shown() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("e")
        await pilot.pause()
        assert a.env == "staging"
        rows = {r.key: r.cells["ready"] for r in a.query_one("#services").table.rows}
        assert rows["checkout"] == "1/1"  # staging runs one of each
        assert "staging" in str(a.query_one("#header").render())
        await pilot.press("e")
        assert a.env == "production"


async def test_chaos_asks_first_only_past_half_a_service_or_on_a_database() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "kill one pod of checkout")  # 1 of 2: no more than half
        assert not isinstance(a.screen, ConfirmScreen)
        await type_command(pilot, "add 300ms of latency to payments")  # every instance
        assert isinstance(a.screen, ConfirmScreen)
        text = a.screen.plain
        assert "blast radius 2 of 2 instances" in text and "gateway, api, checkout" in text
        await pilot.press("n")
        await pilot.pause()
        assert not a.sim.chaos.running


async def test_a_command_that_cannot_run_is_refused_before_any_confirmation() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "roll back checkout")  # no earlier revision
        assert not isinstance(a.screen, ConfirmScreen)
        assert "no earlier revision" in chat_text(a)
        await type_command(pilot, "deploy checkout 2.3.1")  # already runs it
        assert not isinstance(a.screen, ConfirmScreen)
        assert "already runs 2.3.1" in chat_text(a)


async def test_the_alerts_pane_never_claims_quiet_before_a_rule_ran_and_groups_a_storm() -> None:
    from engine.commands import InjectFault

    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        pane = a.query_one("#alerts")
        assert "No rule evaluated yet" in pane.table.empty
        a.bridge.run_for(1.0)  # a simulated minute at ×60
        await pilot.pause()
        assert "Nothing firing" in pane.table.empty
        a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
        a.bridge.run_for(4.0)
        await pilot.pause()
        rows = {r.key: r.cells for r in pane.table.rows}
        assert rows["HighErrorRate"]["alert"].startswith("HighErrorRate ×")
        assert "orders" in rows["HighErrorRate"]["target"]
        assert "HighErrorRate [critical]" in chat_text(a)  # paged in the chat
