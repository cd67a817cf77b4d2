"""The Textual console: wiring only. Panes, chat, bar and screens live in their own modules;
the engine runs in ``EngineBridge``; the language in ``chatops``."""

from __future__ import annotations

from collections import deque

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Input

from engine import Event, Simulation, load_scenario
from engine.actions.checks import check
from engine.commands import Help
from engine.actions.plan import preview

from .bridge import EngineBridge
from .chatops import ParseError
from .chatops.completion import SimulationVersions
from .chatops.session import ChatSession
from .config import Config, theme_problem
from .headless.event_text import format_event
from .messages import EventsPosted, SnapshotReady
from .notifier import toasts
from .palette import RegistryCommands
from .screens.confirm_screen import ConfirmScreen, blast_of, needs_confirmation
from .screens.detail_screen import DetailScreen
from .screens.help_screen import HelpScreen
from .startup import login_name, warm_models
from .screens.paste_screen import PasteScreen, script_commands, script_stopped
from .widgets.chat_log import ChatLog
from .widgets.command_bar import CommandBar
from .widgets.header_bar import HeaderBar
from .widgets.live_table import LiveTable
from .widgets.pane_deck import PaneDeck

__all__ = ["DevsimApp", "make_app"]

SPEEDS = (0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1000)
NOTABLE = {"instance.crashed", "instance.restarted", "db.failover", "scale", "deploy.started",
           "deploy.step", "deploy.completed", "deploy.aborted", "deploy.rolled_back",
           "chaos.started", "chaos.ended", "db.backup", "db.restore", "db.failover.started",
           "alert.firing", "alert.resolved"}


class DevsimApp(App[None]):
    """A live console over one simulation."""

    CSS_PATH = "app.tcss"
    TITLE = "devsim"
    COMMANDS = App.COMMANDS | {RegistryCommands}
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause", id="pause", tooltip="Pause or resume time"),
        Binding("plus,equals_sign", "speed(1)", "Faster", id="faster", key_display="+"),
        Binding("minus", "speed(-1)", "Slower", id="slower", key_display="-"),
        Binding("slash", "focus_bar", "Command", id="focus-bar", key_display="/", show=False),
        Binding("e", "switch_env", "Env", id="switch-env",
                tooltip="Show the next environment; commands act on the one shown"),
        Binding("t", "topology", "Graph", id="topology",
                tooltip="The call graph from the entry points, live"),
        Binding("f", "chat_filter", "Filter", id="chat-filter",
                tooltip="Chat: everything, my commands, events, alerts"),
        Binding("z", "zoom_chat", "Zoom", id="zoom-chat",
                tooltip="Give the chat the whole screen, and back"),
        Binding("pageup", "chat_scroll(-1)", "Scroll chat", show=False, id="chat-up"),
        Binding("pagedown", "chat_scroll(1)", "Scroll chat", show=False, id="chat-down"),
        Binding("f1", "help", "Help", id="help"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]
    # keys that would type into the bar while it has focus: not offered (nor shown) then
    TYPED = {"toggle_pause", "speed", "switch_env", "topology", "chat_filter", "zoom_chat",
             "focus_bar"}
    CHAT = {"chat_filter", "zoom_chat", "chat_scroll"}  # keys for the main screen's chat

    def __init__(self, sim: Simulation, config: Config | None = None, *,
                 autostart: bool = True) -> None:
        """Args:
            sim: the simulation to show and drive.
            config: the user's settings.
            autostart: start pacing the clock on mount (tests drive ``bridge`` themselves).
        """
        super().__init__()
        self.autostart = autostart
        self.sim = sim
        self.config = config or Config()
        self.env = sim.spec.primary_environment
        self.session = ChatSession(sim)
        self.bridge = EngineBridge(sim, self)
        self.recent: deque[Event] = deque(maxlen=2000)

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        yield PaneDeck()
        yield ChatLog()
        yield CommandBar(self.session.context.names, SimulationVersions(self.sim))
        yield Footer()

    def on_mount(self) -> None:
        chat = self.query_one(ChatLog)
        if self.config.theme in self.available_themes:
            self.theme = self.config.theme
        else:
            chat.note(f"{self.config.path or 'settings'}: theme: "
                      f"{theme_problem(self.config.theme, self.available_themes)}")
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.query_one(PaneDeck).fit(self.size.width, self.size.height)
        chat.note(f"{self.sim.spec.title or self.sim.spec.name} — type a command below, F1 for "
                  "help, Ctrl+P for the palette.")
        self.query_one(CommandBar).focus()
        self.bridge.start(run=self.autostart)
        if self.autostart:  # after the first frame, load scikit-learn off the event loop, so
            self.call_after_refresh(warm_models)  # the first model fit does not stall it

    async def on_unmount(self) -> None:
        await self.bridge.stop()

    def on_resize(self, event: events.Resize) -> None:
        self.query_one(PaneDeck).fit(event.size.width, event.size.height)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The footer shows the keys that act now: with the bar focused, letters type."""
        if action in self.CHAT and self.screen is not self.screen_stack[0]:
            return False  # the chat is not on this screen
        return not (action in self.TYPED and isinstance(self.focused, CommandBar))

    # -- engine → screen ---------------------------------------------------------------------
    @on(Input.Changed, "#bar")
    def typed(self) -> None:
        self.bridge.typing()

    @on(SnapshotReady)
    def show_snapshot(self, message: SnapshotReady) -> None:
        self.query_one(HeaderBar).show(message.snapshot, self.env)
        with self.batch_update():
            self.query_one(PaneDeck).show(message.snapshot, self.env, message.trends)
        if isinstance(self.screen, DetailScreen):
            self.screen.show(message.snapshot, self.env)

    @on(EventsPosted)
    def show_events(self, message: EventsPosted) -> None:
        events = [e for e in message.events if not e.data.get("hidden")]  # exercises' secrets
        events = [e for e in events if not (e.type.startswith("alert.") and (
            e.data.get("silenced") or e.data.get("inhibited")))]  # muted: not paged
        self.recent.extend(events)
        chat = self.query_one(ChatLog)
        for event in events:
            if event.type in NOTABLE:
                chat.event(event, _said(event))
        for title, text, severity in toasts(events, _said):
            self.notify(text, title=title, severity=severity, timeout=8)
        if isinstance(self.screen, DetailScreen):
            self.screen.add_events(events)

    # -- commands ----------------------------------------------------------------------------
    @on(Input.Submitted, "#bar")
    def submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        bar = self.query_one(CommandBar)
        bar.value = ""
        if text:
            bar.remember(text)
            self.run_command(text)

    @work(exclusive=False)
    async def run_command(self, text: str) -> bool:
        chat = self.query_one(ChatLog)
        chat.said(self.sim.now, text)
        result = self.session.understand(text)
        notes = tuple(self.session.context.notes)
        if isinstance(result, ParseError):
            chat.replied(False, self.session.reject(text, result).reply.message)
            return False
        if isinstance(result, Help) and result.topic is None:  # the screen, not 25 chat lines
            self.session.run(text, result, notes)
            chat.replied(True, "help is open (F1 any time; Esc closes it)")
            self.action_help()
            return True
        problem = check(self.sim, result)
        if problem is not None:  # refused before any confirmation it could not honour
            self.session.refuse(text, result, problem)
            chat.replied(False, problem)
            return False
        result = result.fixed_at(self.sim.now)  # what is asked about is what runs
        if needs_confirmation(result, self.sim.spec.primary_environment,
                              blast_of(self.sim, result)):
            changes = preview(self.sim, result)
            env = getattr(result, "env", None) or self.sim.spec.primary_environment
            if not await self.push_screen_wait(ConfirmScreen(text, result, changes, notes, env)):
                self.session.cancel(text, result)
                chat.replied(False, "cancelled; nothing changed")
                return False
        outcome = self.session.run(text, result, notes)
        chat.replied(outcome.ok, outcome.reply.message)
        self.bridge.publish()
        return outcome.ok

    @on(CommandBar.Pasted)
    @work(exclusive=False)
    async def run_pasted(self, message: CommandBar.Pasted) -> None:
        """Several lines pasted: all shown, one confirmation, then each command run in order
        as if typed; the first refused or cancelled stops the rest (see ``paste_screen``)."""
        if not await self.push_screen_wait(PasteScreen(message.lines)):
            self.query_one(ChatLog).replied(False, "pasted script cancelled; nothing run")
            return
        commands = script_commands(message.lines)
        for done, (number, line) in enumerate(commands, 1):
            if not await self.run_command(line).wait():
                self.query_one(ChatLog).note(script_stopped(number, commands[done:]))
                return

    def fill_command(self, text: str) -> None:
        bar = self.query_one(CommandBar)
        bar.value = text
        bar.cursor_position = len(text)
        bar.focus()

    # -- actions -----------------------------------------------------------------------------
    def action_toggle_pause(self) -> None:
        self.sim.paused = not self.sim.paused
        self.bridge.publish()

    def action_speed(self, step: int) -> None:
        current = min(range(len(SPEEDS)), key=lambda i: abs(SPEEDS[i] - self.sim.speed))
        self.sim.speed = float(SPEEDS[max(0, min(len(SPEEDS) - 1, current + step))])
        self.bridge.publish()

    def action_switch_env(self) -> None:
        envs = self.sim.world.topo.envs
        self.env = envs[(envs.index(self.env) + 1) % len(envs)]
        self.bridge.env = self.session.env = self.env
        self.query_one(ChatLog).note(f"showing {self.env}: commands act on {self.env} unless "
                                     "they name another environment")
        self.bridge.publish()

    def action_focus_bar(self) -> None:
        self.query_one(CommandBar).focus()

    def action_chat_filter(self) -> None:
        shown = self.query_one(ChatLog).cycle_filter()
        self.notify(f"the chat shows {shown}", timeout=2)

    def action_zoom_chat(self) -> None:
        self.screen.toggle_class("-chat-zoom")

    def action_chat_scroll(self, pages: int) -> None:
        chat = self.query_one(ChatLog)
        (chat.scroll_page_down if pages > 0 else chat.scroll_page_up)(animate=False)

    def action_next_pane(self) -> None:
        self.query_one(PaneDeck).next_pane()

    def action_topology(self) -> None:
        from .screens.topology_screen import TopologyScreen, call_graphs

        if not isinstance(self.screen, TopologyScreen):
            self.push_screen(TopologyScreen(call_graphs(self.sim.world.topo),
                                            lambda: (self.bridge.snapshot(), self.env)))

    def action_help(self) -> None:
        keys = [(b.key_display or b.key, b.tooltip or b.description) for b in self.BINDINGS]
        keys += [("enter", "open a service's detail screen"), ("esc", "back / leave the bar"),
                 ("↑ ↓", "history in the bar, rows in a pane"), ("tab (in the bar)", "complete"),
                 ("→ (in the bar)", "accept the suggestion"), ("ctrl+p", "command palette"),
                 ("s / S (in a pane)", "sort by the next column / reverse"),
                 ("pgup / pgdn", "scroll the chat"),
                 ("paste several lines", "shown, then run as a script after one yes")]
        self.push_screen(HelpScreen(keys))

    @on(LiveTable.RowSelected)
    def open_detail(self, event: LiveTable.RowSelected) -> None:
        if event.table.parent is not None and event.table.parent.id == "services":
            self.bridge.watching = {event.key}
            first = (self.bridge.snapshot(), self.env)
            self.push_screen(DetailScreen(event.key, self.bridge.series, list(self.recent),
                                          format_event, first),
                             callback=lambda _: self.bridge.watching.clear())


def _said(event: Event) -> str:
    """An event's one-line text without its clock and type columns."""
    return format_event(event).split(maxsplit=2)[-1]


def make_app(scenario: str = "shopfront", seed: int | None = None, speed: float | None = None,
             paused: bool = False, config: Config | None = None,
             autostart: bool = True) -> DevsimApp:
    """Build the console on a scenario (tests and benchmarks reuse this)."""
    config = config or Config()
    sim = Simulation(load_scenario(scenario), seed=seed)
    sim.speed = config.speed if speed is None else speed
    sim.user = login_name()  # who acknowledges and silences alerts
    sim.paused = paused
    return DevsimApp(sim, config, autostart=autostart)
