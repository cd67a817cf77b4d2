"""The call graph: who calls whom from the entry points, each component with its health, rps,
errors and p99, so a failure can be followed from the database up to the gateway.

Drawn as a tree with box-drawing characters. A component called by several others is drawn
once, where it is nearest an entry point; its other callers show ``→ see orders-db`` with its
health, so the tree stays the size of the estate. Calls come from the topology (a cache's
misses go to its backing store, a queue's messages to its consumers); components no entry
point reaches start trees of their own. The figures come from snapshots of the environment on
screen, taken from ``source`` four times a second. ``Esc`` goes back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from engine import Snapshot

from ..widgets.format import number, status_style

__all__ = ["CallGraph", "Line", "TopologyScreen", "call_graphs", "layout"]

REFRESH_S = 0.25  # as often as the bridge publishes snapshots
KIND = {"database": "db", "cache": "cache", "queue": "queue", "external": "ext"}
HOW = {"miss": "on a miss", "consume": "consumes"}
COLOUR = {"good": "$text-success", "warn": "$text-warning", "bad": "$text-error bold"}
METRICS = (("health", 11, "health"), ("ready", 5, "ready"), ("rps", 6, "rps"),
           ("err", 6, "err%"), ("p99", 7, "p99"))  # (key, width, title), right of the tree


@dataclass(frozen=True, slots=True)
class CallGraph:
    """One environment's calls, by name."""

    env: str
    names: tuple[str, ...]  # every component, in the scenario's order
    kinds: dict[str, str]
    entries: tuple[str, ...]  # where traffic comes in, the largest share first
    calls: dict[str, tuple[tuple[str, str], ...]]  # caller → ((callee, "call"/"miss"/"consume"))


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the tree: ``prefix`` is its box drawing (``│  ├─ ``)."""

    prefix: str
    name: str
    how: str = "call"  # how its parent reaches it: "call", "miss" or "consume"
    ref: bool = False  # drawn elsewhere: this line only points there


def call_graphs(topo: Any) -> dict[str, CallGraph]:
    """Every environment's call graph, from an ``engine.topology.Topology`` (read once)."""
    nodes = topo.nodes
    edges: dict[int, list[tuple[int, str]]] = {}
    for src, dst, cache in zip(topo.edge_src.tolist(), topo.edge_dst.tolist(),
                               topo.edge_cache.tolist(), strict=True):
        edges.setdefault(src, []).append((dst, "miss" if cache >= 0 else "call"))
    for queue, consumer in topo.consumers:
        edges.setdefault(int(queue), []).append((int(consumer), "consume"))
    graphs = {}
    for env in topo.envs:
        mine = [n for n in nodes if n.env == env]
        entries = sorted((n for n in mine if topo.entry_share[n.index] > 0),
                         key=lambda n: -float(topo.entry_share[n.index]))
        graphs[env] = CallGraph(
            env, tuple(n.name for n in mine), {n.name: n.kind for n in mine},
            tuple(n.name for n in entries),
            {n.name: tuple((nodes[d].name, how) for d, how in edges.get(n.index, ()))
             for n in mine})
    return graphs


def layout(graph: CallGraph) -> list[Line]:
    """The tree's lines: every component once, expanded where it is nearest an entry point;
    components no entry point reaches start trees of their own."""
    lines: list[Line] = []
    drawn: set[str] = set()
    roots = [n for n in graph.entries if n in graph.kinds]
    while True:
        depth = _depths(graph, roots, drawn)

        def walk(name: str, how: str, lead: str, branch: str, level: int) -> None:
            if name in drawn or level > depth.get(name, level):
                lines.append(Line(lead + branch, name, how, ref=True))
                return
            drawn.add(name)
            lines.append(Line(lead + branch, name, how))
            children = graph.calls.get(name, ())
            below = lead + ("│  " if branch == "├─ " else "   " if branch else "")
            for i, (child, child_how) in enumerate(children):
                walk(child, child_how, below, "└─ " if i == len(children) - 1 else "├─ ",
                     level + 1)

        for root in roots:
            if root not in drawn:
                walk(root, "call", "", "", 0)
        left = [n for n in graph.names if n not in drawn]
        if not left:
            return lines
        called = {c for n in left for c, _ in graph.calls.get(n, ())}
        roots = [next((n for n in left if n not in called), left[0])]


def _depths(graph: CallGraph, roots: list[str], drawn: set[str]) -> dict[str, int]:
    """Calls from the nearest root to each component not drawn yet."""
    depth = {r: 0 for r in roots if r not in drawn}
    frontier = list(depth)
    while frontier:
        following = []
        for name in frontier:
            for child, _ in graph.calls.get(name, ()):
                if child not in depth and child not in drawn:
                    depth[child] = depth[name] + 1
                    following.append(child)
        frontier = following
    return depth


@dataclass(frozen=True, slots=True)
class _Figures:
    health: str
    ready: str
    rps: str
    err: str
    p99: str


def _figures(snapshot: Snapshot, env: str) -> dict[str, _Figures]:
    out = {}
    for s in snapshot.services:
        if s.env == env:
            out[s.name] = _Figures(s.health.value, f"{s.ready}/{s.desired}", number(s.rps),
                                   f"{s.error_rate * 100:.2f}", f"{s.p99_ms:.0f}ms")
    for d in snapshot.databases:
        if d.env == env:
            ready = sum(n.state == "ready" for n in d.nodes)
            out[d.name] = _Figures(d.status, f"{ready}/{len(d.nodes)}", number(d.qps),
                                   f"{d.error_rate * 100:.2f}", f"{d.p99_ms:.0f}ms")
    return out


def render(graph: CallGraph, lines: list[Line], snapshot: Snapshot, env: str,
           width: int) -> tuple[Content, Content, Content]:
    """(summary, column titles, tree) for a screen ``width`` cells wide."""
    figures = _figures(snapshot, env)
    labels = [_label(graph, line) for line in lines]
    metrics = [m for m in METRICS if m[0] != "ready" or width >= 84]
    room = width - 2 - sum(w + 1 for _, w, _ in metrics)
    tree = max(max((len(line.prefix) + len(label) for line, label in
                    zip(lines, labels, strict=True)), default=0), 9)
    tree = max(min(tree, room), 9)
    body = []
    for line, label in zip(lines, labels, strict=True):
        shown = figures.get(line.name)
        kind = status_style(shown.health) if shown else ""
        colour = COLOUR.get(kind, "") if kind != "good" else ""
        lead = ("→ see ", "dim") if line.ref else ("", "")
        name = (line.name, colour or ("bold" if not line.prefix else ""))
        tail = (label[len(lead[0]) + len(line.name):], "dim")
        branch = 3 if line.prefix else 0  # the last "├─ ": coloured as the node it leads to
        parts: list[tuple[str, str] | str] = [
            " ", (line.prefix[:-branch or None] if branch else "", "dim"),
            (line.prefix[len(line.prefix) - branch:], colour or "dim")]
        parts += _fit([lead, name, tail], tree - len(line.prefix))
        if shown is None:
            body.append(Content.assemble(*parts))
            continue
        for key, size, _ in metrics:
            if key == "health":
                parts += [" ", (f"● {shown.health}"[:size].ljust(size),
                                COLOUR.get(kind, "dim"))]
            elif not line.ref:
                parts += [" ", (getattr(shown, key).rjust(size), colour)]
        body.append(Content.assemble(*parts))
    titles = Content.assemble((" " + "calls".ljust(tree) + "".join(
        " " + (t.ljust(w) if k == "health" else t.rjust(w)) for k, w, t in metrics),
        "bold dim"))
    counts = {kind: sum(status_style(f.health) == kind for n, f in figures.items()
                        if n in graph.kinds) for kind in ("good", "warn", "bad")}
    entries = ", ".join(graph.entries) or "no entry point"
    tally = [(f"{counts['good']} ok", COLOUR["good"]), ", ",
             (f"{counts['warn']} degraded", COLOUR["warn"] if counts["warn"] else ""), ", ",
             (f"{counts['bad']} failing", COLOUR["bad"] if counts["bad"] else "")]
    for where, when in ((f" · from {entries}", f" · T+{snapshot.clock}"),
                        ("", f" · T+{snapshot.clock}"), ("", "")):  # what fits, longest first
        summary = Content.assemble(("Call graph", "bold"), f" · {env}{where} · "
                                   f"{len(graph.names)} components: ", *tally, when)
        if summary.cell_length <= width - 2:
            break
    return summary, titles, Content("\n").join(body)


def _fit(pieces: list[tuple[str, str]], room: int) -> list[tuple[str, str] | str]:
    """``pieces`` of text cut to ``room`` cells (the last one shown ending in …), padded."""
    out: list[tuple[str, str] | str] = []
    left = room
    for text, style in pieces:
        if len(text) > left:
            out.append((text[: max(left - 1, 0)] + "…" if left else "", style))
            return out
        out.append((text, style))
        left -= len(text)
    out.append(" " * left)
    return out


def _label(graph: CallGraph, line: Line) -> str:
    """The text after the box drawing: the name, then its kind and how it is reached."""
    tags = [t for t in (KIND.get(graph.kinds.get(line.name, ""), ""), HOW.get(line.how, ""))
            if t]
    name = f"→ see {line.name}" if line.ref else line.name
    return f"{name} ({', '.join(tags)})" if tags and not line.ref else name


class TopologyScreen(Screen[None]):
    """The call graph of the environment on screen, live."""

    BINDINGS = [Binding("escape", "dismiss", "Back", id="topology.back")]
    DEFAULT_CSS = """
    TopologyScreen { layout: vertical; }
    TopologyScreen #topology-summary { height: 1; padding: 0 1; background: $panel; }
    TopologyScreen #topology-titles { height: 1; }
    TopologyScreen #topology-scroll { height: 1fr; scrollbar-size-vertical: 1; }
    TopologyScreen #topology-tree { width: auto; min-width: 100%; }
    """

    def __init__(self, graphs: dict[str, CallGraph],
                 source: Callable[[], tuple[Snapshot, str]]) -> None:
        """Args:
            graphs: each environment's call graph (``call_graphs``).
            source: the current snapshot and the environment on screen.
        """
        super().__init__()
        self.graphs = graphs
        self.source = source
        self.lines: dict[str, list[Line]] = {}
        self.env = ""
        self._shown: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="topology-summary")
        yield Static(id="topology-titles")
        with VerticalScroll(id="topology-scroll"):
            yield Static(id="topology-tree")
        yield Footer()

    def on_mount(self) -> None:
        self.show(*self.source())
        self.set_interval(REFRESH_S, self.tick)
        self.query_one("#topology-scroll").focus()

    def on_resize(self) -> None:
        self.tick()

    def tick(self) -> None:
        self.show(*self.source())

    def show(self, snapshot: Snapshot, env: str) -> None:
        graph = self.graphs.get(env)
        if graph is None:
            return
        self.env = env
        if env not in self.lines:
            self.lines[env] = layout(graph)
        summary, titles, tree = render(graph, self.lines[env], snapshot, env,
                                       self.size.width or self.app.size.width)
        shown = (summary.plain, titles.plain, tree.plain)
        if self._shown == shown:  # the colours follow the words: nothing changed
            return
        self._shown = shown
        self.query_one("#topology-summary", Static).update(summary)
        self.query_one("#topology-titles", Static).update(titles)
        self.query_one("#topology-tree", Static).update(tree)
