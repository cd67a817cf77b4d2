"""The console's layout and feedback: panes sized to their rows, re-laid out on resize, keys that
act from where the focus is, the environment on screen, help in the bar, chat filtering and
scrolling, pop-up notifications."""

from __future__ import annotations

from engine import Event

from devsim_tui.screens.help_screen import HelpScreen
from devsim_tui.widgets.chat_log import ChatLog
from devsim_tui.widgets.command_bar import CommandBar
from devsim_tui.widgets.pane_deck import PaneDeck

from test_console import app, chat_text, type_command


async def test_panes_take_their_rows_and_the_chat_the_rest() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.publish()
        await pilot.pause()
        services = a.query_one("#services")
        rows = len(services.table.rows)
        assert services.outer_size.height == rows + 3  # every row, its header and the border
        chat = a.query_one(ChatLog)
        deck = a.query_one(PaneDeck)
        assert chat.outer_size.height == 40 - 5 - deck.outer_size.height  # all the rest
        assert chat.outer_size.height >= 7


async def test_resizing_relays_out_both_ways() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.publish()
        await pilot.pause()
        deck = a.query_one(PaneDeck)
        assert not deck.has_class("-narrow")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert deck.has_class("-narrow")
        assert deck.outer_size.height <= 24 - 5 - 7  # the chat keeps its rows
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not deck.has_class("-narrow")
        assert a.query_one("#alerts").display and a.query_one("#alerts").outer_size.height >= 4


async def test_letter_keys_type_in_the_bar_and_act_elsewhere() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        bar = a.query_one(CommandBar)
        bar.focus()
        await pilot.pause()
        assert a.check_action("toggle_pause", ()) is False  # not offered in the footer
        await pilot.press("space", "e")
        assert bar.value == " e" and a.env == "production" and not a.sim.paused
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.has_focus
        assert a.check_action("toggle_pause", ()) is True
        await pilot.press("space")
        assert a.sim.paused


async def test_commands_act_on_the_environment_on_screen() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.query_one("#services").table.focus()
        await pilot.press("e")
        assert a.env == "staging"
        before = a.sim.world.topo.find("cart", "production")
        production = int(a.sim.world.inst.counts[before])
        await type_command(pilot, "scale cart to 3")
        staging = a.sim.world.topo.find("cart", "staging")
        assert int(a.sim.world.inst.counts[staging]) == 3
        assert int(a.sim.world.inst.counts[before]) == production
        assert "staging: scaled cart" in chat_text(a)


async def test_help_in_the_bar_opens_the_help_screen() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "help")
        assert isinstance(a.screen, HelpScreen)


async def test_the_chat_filters_to_my_commands_and_scrolls_by_page() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "scale cart to 3")
        a.bridge.run_for(2.0)
        await pilot.pause()
        chat = a.query_one(ChatLog)
        assert any(e.kind == "event" for e in chat.entries)
        a.query_one("#services").table.focus()
        await pilot.press("f", "f")  # everything → my commands → events
        assert chat.filter == "events"
        assert "you ›" not in chat_text(a) and "scale" in chat_text(a)
        await pilot.press("f", "f", "f")
        assert chat.filter == "mine"
        assert "you › scale cart to 3" in chat_text(a) and "instance.restarted" not in chat_text(a)
        chat.set_filter("all")
        for n in range(40):
            chat.note(f"note {n}")
        await pilot.pause()
        bottom = chat.scroll_y
        await pilot.press("pageup")
        await pilot.pause()
        assert chat.scroll_y < bottom
        chat.event(Event(a.sim.now, "scale", {}), "a new event does not pull a reader down")
        await pilot.pause()
        assert chat.scroll_y < bottom


async def test_an_aborted_rollout_pops_up() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await type_command(pilot, "deploy checkout 2.4.0 as a canary")
        await pilot.press("y")
        await pilot.pause()
        a.bridge.run_for(2.0)
        await pilot.pause()
        titles = [n.title for n in a._notifications]
        assert "Rollout aborted" in titles


async def test_columns_that_do_not_fit_scroll_sideways() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.publish()
        await pilot.pause()
        table = a.query_one("#deployments").table
        keys = [c.key for c in table.columns]
        assert "strategy" in keys  # kept, though it does not fit: reachable
        assert table.max_scroll_x > 0
        table.focus()
        await pilot.press("right", "right")
        await pilot.pause()
        assert table.scroll_offset.x > 0
        header = "".join(segment.text for segment in table.render_line(0))
        assert header.startswith("‹")
