"""The topology screen: the call graph from the entry points, each component once, coloured by
health, live, for the environment on screen; and its snapshots at 80×24 and 120×40."""

from __future__ import annotations

from collections import Counter

from rich.color import Color
from textual.geometry import Region
from textual.strip import Strip
from textual.widgets import Footer, Static

from devsim_tui.app import DevsimApp, make_app
from devsim_tui.screens.topology_screen import TopologyScreen
from engine.commands import InjectFault


def app() -> DevsimApp:
    return make_app("shopfront", seed=7, speed=60, autostart=False)


def tree_lines(screen: TopologyScreen) -> list[Strip]:
    tree = screen.query_one("#topology-tree", Static)
    return tree.render_lines(Region(0, 0, tree.size.width, tree.size.height))


def line_of(screen: TopologyScreen, name: str) -> Strip:
    """The line drawing ``name`` itself (not a "→ see" reference to it)."""
    for strip in tree_lines(screen):
        words = strip.text.split()
        if name in words and "see" not in words:
            return strip
    raise AssertionError(f"{name} is not drawn")


async def open_topology(pilot) -> TopologyScreen:
    pilot.app.query_one("#services").table.focus()
    await pilot.press("t")
    await pilot.pause()
    assert isinstance(pilot.app.screen, TopologyScreen)
    return pilot.app.screen


async def test_every_component_once_and_a_failing_one_in_red() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
        a.bridge.run_for(3.0)
        await pilot.pause()
        screen = await open_topology(pilot)
        lines = screen.lines["production"]
        drawn = Counter(line.name for line in lines if not line.ref)
        assert set(drawn) == set(a.sim.world.topo.names_in("production"))
        assert set(drawn.values()) == {1}  # each once, however many call it
        refs = {line.name for line in lines if line.ref}
        assert {"orders-db", "orders", "catalog", "cart"} <= refs  # shared: "→ see …"
        assert lines[0].name == "gateway" and lines[0].prefix == ""

        red = Color.parse(a.theme_variables["text-error"]).triplet
        orders = line_of(screen, "orders")
        failing = [s for s in orders if "failing" in s.text]
        assert failing and failing[0].style.color.triplet == red
        assert "● failing" in orders.text
        web = line_of(screen, "web")
        assert "● ok" in web.text and all(s.style.color is None or s.style.color.triplet != red
                                          for s in web)
        text = "\n".join(s.text for s in tree_lines(screen))
        assert "└─ → see orders-db" in text  # inventory's call, drawn under orders
        await pilot.press("escape")
        assert not isinstance(a.screen, TopologyScreen)


async def test_it_follows_the_snapshots_and_the_environment_on_screen() -> None:
    a = app()
    async with a.run_test(size=(120, 40)) as pilot:
        screen = await open_topology(pilot)
        assert "● ok" in line_of(screen, "orders").text
        a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
        a.bridge.run_for(3.0)
        for _ in range(40):  # the screen takes a snapshot four times a second
            await pilot.pause(0.05)
            if "failing" in line_of(screen, "orders").text:
                break
        assert "● failing" in line_of(screen, "orders").text
        await pilot.press("e")  # the app's key: staging on screen
        screen.tick()
        await pilot.pause()
        assert screen.env == "staging" == a.env
        assert "staging" in str(screen.query_one("#topology-summary", Static).content)
        assert "1/1" in line_of(screen, "checkout").text  # staging runs one of each


def _faulty() -> DevsimApp:
    a = make_app("shopfront", seed=42, speed=60, autostart=False)
    a.sim.step(600)
    a.sim.apply(InjectFault("latency", "payments", duration=1800, latency_ms=3000))
    a.sim.apply(InjectFault("error-injection", "orders", percent=60, duration=900))
    a.sim.step(180)
    a.sim.paused = True
    return a


async def _show_topology(pilot) -> None:
    await pilot.pause()
    screen = await open_topology(pilot)  # it takes its own snapshot: no events, no toasts
    pilot.app.clear_notifications()
    # the footer lists the app's keys, which change with other work and are snapshotted
    # with the main screen; these snapshots are about the graph
    screen.query_one(Footer).display = False
    await pilot.pause()


def test_topology_80x24(snap_compare) -> None:
    assert snap_compare(_faulty(), terminal_size=(80, 24), run_before=_show_topology)


def test_topology_120x40(snap_compare) -> None:
    assert snap_compare(_faulty(), terminal_size=(120, 40), run_before=_show_topology)
