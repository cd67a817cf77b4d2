"""The four panes, laid out for the space there is.

Wide (≥ 100×30): services tall on the left, databases, alerts and deployments stacked on the
right. Narrow: a tab strip and one pane at a time, so 80×24 stays readable. ``Tab`` moves to the
next pane in either layout.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Tab, Tabs

from engine import Snapshot

from .panes import AlertsPane, DatabasesPane, DeploymentsPane, Pane, ServicesPane

__all__ = ["PaneDeck"]

NARROW_WIDTH, NARROW_HEIGHT = 100, 30


class PaneDeck(Container):
    DEFAULT_CSS = """
    PaneDeck { height: 1fr; }
    PaneDeck > Tabs { display: none; }
    PaneDeck.-narrow > Tabs { display: block; }
    PaneDeck #panes { layout: grid; grid-size: 2 3; grid-columns: 3fr 2fr;
                      grid-rows: 2fr 1fr 1fr; height: 1fr; }
    PaneDeck #services { row-span: 3; }
    PaneDeck.-narrow #panes { layout: vertical; }
    PaneDeck.-narrow #panes > Pane { display: none; }
    PaneDeck.-narrow #panes > Pane.-active { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="deck")
        self.panes: list[Pane] = [ServicesPane(id="services"), DatabasesPane(id="databases"),
                                  AlertsPane(id="alerts"), DeploymentsPane(id="deployments")]
        self.panes[0].add_class("-active")

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(p.TITLE, id=f"tab-{p.id}") for p in self.panes))
        with Container(id="panes"):
            yield from self.panes

    def fit(self, width: int, height: int) -> None:
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")

    def show(self, snapshot: Snapshot, env: str, trends: dict[str, tuple[float, ...]]) -> None:
        for pane in self.panes:
            pane.show(snapshot, env, trends)

    @property
    def active(self) -> Pane:
        return next(p for p in self.panes if p.has_class("-active"))

    def activate(self, pane: Pane) -> None:
        for p in self.panes:
            p.set_class(p is pane, "-active")
        self.query_one(Tabs).active = f"tab-{pane.id}"
        pane.table.focus()

    def next_pane(self) -> None:
        """Focus the next pane (showing it, in the narrow layout)."""
        focused = next((p for p in self.panes if p.table.has_focus), None)
        current = focused or self.active
        self.activate(self.panes[(self.panes.index(current) + 1) % len(self.panes)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        pane_id = (event.tab.id or "").removeprefix("tab-")
        for p in self.panes:
            p.set_class(p.id == pane_id, "-active")
