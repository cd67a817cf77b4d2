"""The command bar with Pilot: Tab completion keystrokes, and a multi-line paste run as a script
after one confirmation. The clock is never started: no wall-time sleeps."""

from __future__ import annotations

from rich.console import Console
from textual import events

from devsim_tui.app import DevsimApp, make_app
from devsim_tui.screens.confirm_screen import ConfirmScreen
from devsim_tui.screens.paste_screen import PasteScreen
from devsim_tui.widgets.chat_log import ChatLog
from devsim_tui.widgets.command_bar import CommandBar


def app() -> DevsimApp:
    return make_app("shopfront", seed=7, speed=60, autostart=False)


def chat_text(a: DevsimApp) -> str:
    return "\n".join(line.text for line in a.query_one(ChatLog).lines)


def said(a: DevsimApp) -> list[str]:
    return [line.text.split("you › ", 1)[1].strip() for line in a.query_one(ChatLog).lines
            if "you › " in line.text]


async def paste(pilot, text: str) -> None:
    bar = pilot.app.query_one(CommandBar)
    bar.focus()
    bar.post_message(events.Paste(text))
    await pilot.pause()


def put(bar: CommandBar, text: str) -> None:
    """Text in the bar as if typed (typing it key by key costs a repaint a key)."""
    bar.value = text
    bar.cursor_position = len(text)


async def test_tab_completes_a_word_with_a_space_then_the_next_slot() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        bar = a.query_one(CommandBar)
        bar.focus()
        await pilot.press("s", "c", "a", "tab")
        assert bar.value == "scale "
        put(bar, "deploy checkout")
        await pilot.press("tab")
        assert bar.value == "deploy checkout "  # a whole word: only the space is added
        await pilot.press("tab")
        assert bar.value == "deploy checkout 2.4.0 "  # the version slot: checkout's versions
        await pilot.press("t", "o", "space", "tab")
        assert bar.value == "deploy checkout 2.4.0 to production "
        await pilot.press("tab")  # again at once: the next environment
        assert bar.value == "deploy checkout 2.4.0 to staging "
        put(bar, "scale checkout to ")
        await pilot.press("tab")
        assert bar.value == "scale checkout to "  # a number goes there: nothing to offer


async def test_a_multi_line_paste_is_shown_and_runs_in_order_after_one_yes() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "# morning checks\nstatus checkout\n\nscale checkout to 3\nalerts\n")
        screen = a.screen
        assert isinstance(screen, PasteScreen)
        assert screen.lines == ["# morning checks", "status checkout", "", "scale checkout to 3",
                                "alerts"]
        assert [n for n, _ in screen.commands] == [2, 4, 5]
        console = Console(width=100, record=True)
        console.print(screen.listing())
        listing = [line.split() for line in console.export_text().splitlines()]
        assert listing == [["1", "#", "morning", "checks", "—", "skipped"],
                           ["2", "status", "checkout"], ["3", "(blank)", "—", "skipped"],
                           ["4", "scale", "checkout", "to", "3"], ["5", "alerts"]]
        assert a.query_one(CommandBar).value == ""  # nothing cut into the bar
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(a.screen, PasteScreen)
        assert said(a) == ["status checkout", "scale checkout to 3", "alerts"]
        assert a.sim.snapshot().service("checkout").desired == 3


async def test_a_pasted_script_stops_at_the_first_refusal() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "scale checkout to 3\nfail over checkout\nscale cart to 4")
        await pilot.press("enter")
        await pilot.pause()
        assert said(a) == ["scale checkout to 3", "fail over checkout"]
        text = chat_text(a)
        assert "✗ checkout is a service, not a database" in text
        assert "stopped at line 2; not run (1): 3: scale cart to 4" in text
        assert a.sim.snapshot().service("cart").desired == 2


async def test_a_cancelled_paste_runs_nothing_and_production_changes_still_ask() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "status\nscale checkout to 3")
        await pilot.press("escape")
        await pilot.pause()
        assert said(a) == [] and "pasted script cancelled; nothing run" in chat_text(a)
        await paste(pilot, "fail over orders-db\nstatus")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(a.screen, ConfirmScreen)  # the one yes does not cover production
        await pilot.press("n")
        await pilot.pause()
        assert said(a) == ["fail over orders-db"]  # cancelled: the rest is not run
        assert "not run (1): 2: status" in chat_text(a)


async def test_a_one_line_paste_is_typed_in() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "\nstatus checkout\n")
        assert not isinstance(a.screen, PasteScreen)
        assert a.query_one(CommandBar).value == "status checkout"
