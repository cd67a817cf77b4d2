"""The four panes, laid out for the space there is, each as tall as its rows.

Wide (≥ 100×30): services over databases on the left, alerts over deployments on the right.
Narrow: a tab strip and one pane at a time, so 80×24 stays readable. Either way a pane is only
as tall as its rows need, the deck only as tall as its taller column, and the chat below takes
the rest of the screen (``z`` gives it the whole screen). ``Tab`` moves to the next pane.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Container, Vertical
from textual.widgets import Tab, Tabs

from engine import Snapshot

from .panes import AlertsPane, DatabasesPane, DeploymentsPane, Pane, ServicesPane

__all__ = ["PaneDeck"]

NARROW_WIDTH, NARROW_HEIGHT = 100, 30
CHROME = 5  # rows the header, the command bar and the footer take
CHAT_MIN = 7  # the chat keeps at least this many rows (five lines of text)
PANE_MIN = 4  # a pane shows at least its title, its header and one row
TABS = 2  # the tab strip's rows


def need(pane: Pane) -> int:
    """Rows a pane needs to show every row: its rows, the header line and the border."""
    return max(len(pane.table.rows), 1) + 3


class PaneDeck(Container):
    DEFAULT_CSS = """
    PaneDeck { height: 20; }
    PaneDeck > Tabs { display: none; }
    PaneDeck.-narrow > Tabs { display: block; }
    PaneDeck #panes { layout: horizontal; height: 1fr; }
    PaneDeck .column { height: 1fr; }
    PaneDeck #left { width: 3fr; }
    PaneDeck #right { width: 2fr; }
    PaneDeck.-narrow #panes { layout: vertical; }
    PaneDeck.-narrow #left, PaneDeck.-narrow #right { width: 100%; display: none; }
    PaneDeck.-narrow #left.-holds-active, PaneDeck.-narrow #right.-holds-active {
        display: block;
    }
    PaneDeck.-narrow .column > Pane { display: none; }
    PaneDeck.-narrow .column > Pane.-active { display: block; }
    """

    def __init__(self) -> None:
        super().__init__(id="deck")
        self.services, self.databases = ServicesPane(id="services"), DatabasesPane(id="databases")
        self.alerts, self.deployments = AlertsPane(id="alerts"), DeploymentsPane(id="deployments")
        self.panes: list[Pane] = [self.services, self.databases, self.alerts, self.deployments]
        self.columns = (Vertical(self.services, self.databases, id="left", classes="column"),
                        Vertical(self.alerts, self.deployments, id="right", classes="column"))
        self.screen_size = (120, 40)
        self._heights: dict[str, object] = {}
        self.activate_class(self.services)

    def compose(self) -> ComposeResult:
        yield Tabs(*(Tab(p.TITLE, id=f"tab-{p.id}") for p in self.panes))
        with Container(id="panes"):
            yield from self.columns

    # -- sizing ------------------------------------------------------------------------------
    def fit(self, width: int, height: int) -> None:
        """Lay out for a screen of this size (called on mount and on every resize)."""
        self.screen_size = (width, height)
        self.set_class(width < NARROW_WIDTH or height < NARROW_HEIGHT, "-narrow")
        self.size_to_rows()

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def room(self) -> int:
        """The most rows the deck may take, leaving the chat its minimum."""
        return max(PANE_MIN + (TABS if self.narrow else 0),
                   self.screen_size[1] - CHROME - CHAT_MIN)

    def size_to_rows(self) -> None:
        """Give each pane the rows it needs, within the room there is."""
        room = self.room()
        if self.narrow:
            deck = min(need(self.active) + TABS, room)
            self._set(self, deck)
            for pane in self.panes:
                self._set(pane, deck - TABS)
            return
        services, databases = need(self.services), need(self.databases)
        alerts, deployments = need(self.alerts), need(self.deployments)
        deck = max(min(max(services + databases, alerts + deployments), room), 2 * PANE_MIN)
        self._set(self, deck)
        # the upper pane of each column takes what it needs, leaving the lower one at least a
        # few rows; the lower one takes the rest
        upper = max(PANE_MIN, min(services, deck - min(databases, 6)))
        self._set(self.services, upper)
        self._set(self.databases, deck - upper)
        upper = max(PANE_MIN, min(alerts, deck - min(deployments, 5)))
        self._set(self.alerts, upper)
        self._set(self.deployments, deck - upper)

    def _set(self, widget: Pane | PaneDeck, height: int) -> None:
        if self._heights.get(widget.id or "") != height:  # (a layout pass only on change)
            self._heights[widget.id or ""] = height
            widget.styles.height = height

    # -- content -----------------------------------------------------------------------------
    def show(self, snapshot: Snapshot, env: str, trends: dict[str, tuple[float, ...]]) -> None:
        for pane in self.panes:
            pane.show(snapshot, env, trends)
        self.size_to_rows()

    @property
    def active(self) -> Pane:
        return next(p for p in self.panes if p.has_class("-active"))

    def activate_class(self, pane: Pane) -> None:
        for p in self.panes:
            p.set_class(p is pane, "-active")
        holder = self.columns[0] if pane in (self.services, self.databases) else self.columns[1]
        for column in self.columns:
            column.set_class(column is holder, "-holds-active")

    def activate(self, pane: Pane) -> None:
        self.activate_class(pane)
        self.query_one(Tabs).active = f"tab-{pane.id}"
        pane.table.focus()
        self.size_to_rows()

    def next_pane(self) -> None:
        """Focus the next pane (showing it, in the narrow layout)."""
        focused = next((p for p in self.panes if p.table.has_focus), None)
        current = focused or self.active
        self.activate(self.panes[(self.panes.index(current) + 1) % len(self.panes)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        pane_id = (event.tab.id or "").removeprefix("tab-")
        pane = next((p for p in self.panes if p.id == pane_id), None)
        if pane is not None:
            self.activate_class(pane)
            self.size_to_rows()
