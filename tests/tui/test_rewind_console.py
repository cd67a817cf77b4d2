"""Rewind in the console, driven with Pilot: it asks first, saying what it undoes; then the
clock, the panes and the chat show the world as it was. The clock is driven by hand."""

from __future__ import annotations

from devsim_tui.app import make_app
from devsim_tui.screens.confirm_screen import ConfirmScreen
from devsim_tui.widgets.chat_log import ChatLog
from devsim_tui.widgets.command_bar import CommandBar
from devsim_tui.widgets.header_bar import HeaderBar


async def type_command(pilot, text: str) -> None:  # noqa: ANN001
    pilot.app.query_one(CommandBar).focus()
    await pilot.press(*[c if c != " " else "space" for c in text], "enter")
    await pilot.pause()


async def test_rewind_asks_first_then_the_clock_goes_back() -> None:
    a = make_app("shopfront", seed=7, speed=60, autostart=False)
    async with a.run_test(size=(120, 40)) as pilot:
        a.bridge.run_for(3.0)  # three simulated minutes at ×60
        await type_command(pilot, "scale checkout to 3")
        a.bridge.run_for(2.0)
        await pilot.pause()
        header = a.query_one(HeaderBar)
        assert "T+00:05:00" in header._shown

        await type_command(pilot, "rewind 4m")
        assert isinstance(a.screen, ConfirmScreen)
        question = a.screen.plain
        assert "go back 4m to 00:01:00" in question
        assert "undoes 1 command (scale checkout to 3 at 00:03:00)" in question
        await pilot.press("n")
        await pilot.pause()
        assert a.sim.now == 300_000  # cancelled: nothing changed

        await type_command(pilot, "rewind 4m")
        await pilot.press("y")
        await pilot.pause()
        assert a.sim.now == 60_000
        assert "T+00:01:00" in header._shown  # the panes had a fresh snapshot at once
        chat = "\n".join(line.text for line in a.query_one(ChatLog).lines)
        assert "rewound 4m: now 00:01:00; undid 1 command (scale checkout to 3)" in chat
        assert a.sim.snapshot().service("checkout").desired == 2
        a.bridge.run_for(1.0)  # and time goes on from there
        assert a.sim.now == 120_000
