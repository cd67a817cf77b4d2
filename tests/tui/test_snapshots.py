"""Snapshots of the key screens (pytest-textual-snapshot; Textual is pinned exactly).

Seed fixed, clock driven by hand to ten simulated minutes, then paused: the same pixels every
run. Regenerate after a deliberate change with ``pytest tests/tui --snapshot-update`` and look
at the report before committing.
"""

from __future__ import annotations

from devsim_tui.app import DevsimApp, make_app


def console() -> DevsimApp:
    app = make_app("shopfront", seed=42, speed=60, autostart=False)
    app.sim.step(600)
    app.sim.paused = True
    return app


async def settle(pilot) -> None:
    pilot.app.bridge.run_for(0)
    await pilot.pause()


async def open_checkout(pilot) -> None:
    await settle(pilot)
    table = pilot.app.query_one("#services").table
    table.focus()
    table.move_to("checkout")
    await pilot.press("enter")
    await pilot.pause()


def test_main_screen_80x24(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(80, 24), run_before=settle)


def test_main_screen_120x40(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(120, 40), run_before=settle)


def test_detail_screen(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(120, 40), run_before=open_checkout)


def test_detail_screen_80x24(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(80, 24), run_before=open_checkout)


def test_help_screen(snap_compare) -> None:
    async def open_help(pilot) -> None:
        await settle(pilot)
        await pilot.press("f1")

    assert snap_compare(console(), terminal_size=(100, 32), run_before=open_help)


async def ask_to_deploy(pilot) -> None:
    await settle(pilot)
    bar = pilot.app.query_one("#bar")
    bar.focus()
    bar.value = "deploy checkout 2.5.0 as a canary"
    await pilot.press("enter")
    await pilot.pause()


def test_confirmation_80x24(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(80, 24), run_before=ask_to_deploy)


def test_confirmation_120x40(snap_compare) -> None:
    assert snap_compare(console(), terminal_size=(120, 40), run_before=ask_to_deploy)
