"""Interop attachments: what plugs devsim into outside tools (Prometheus, Alertmanager, …).

Each attachment is a row of ``ATTACHMENTS``: it adds its own command-line flags and, when
they are given, starts a *handle*. The front ends (the console, the REPL and a paced
``devsim run``) call ``add_interop_arguments(parser)`` when they build their parser and
``start_interop(args, sim)`` once the simulation exists; then their stepping loop calls
``Interop.stepped()`` after each step and ``Interop.close()`` when it stops.

The simulation is not thread-safe, so a handle never reads it from another thread: after
each step it is given a ``Frame`` — the simulated time, the events published since the last
frame (``alert.firing``, ``alert.resolved``, …) and, on demand, an immutable snapshot taken
on the stepping thread — and keeps whatever copies it needs. ``publish`` is also the
handle's periodic tick (to re-send firing alerts, say); it must return at once and leave any
slow work (HTTP) to its own thread.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = ["ATTACHMENTS", "Attachment", "Frame", "Handle", "Interop", "InteropError",
           "add_interop_arguments", "register", "start_interop"]


class InteropError(Exception):
    """Bad interop input (a port in use, a malformed URL): one line, meant for the user."""


class Frame:
    """What one step of the front end hands every handle; the snapshot is taken lazily, at
    most once per frame, on the stepping thread."""

    def __init__(self, sim: Any, events: tuple[Any, ...], force: bool = False) -> None:
        self._sim = sim
        self.now_ms: int = sim.now
        self.events = events
        self.force = force  # a handle that refreshes at most so often refreshes now
        self._taken: dict[str, Any] = {}

    def snapshot(self) -> Any:
        """The whole estate (every instance row) at this frame."""
        if "snapshot" not in self._taken:
            self._taken["snapshot"] = self._sim.snapshot(None)
        return self._taken["snapshot"]

    def take(self, key: str, build: Callable[[Any], Any]) -> Any:
        """A copy ``build(sim)`` of something the snapshot lacks (``build`` runs here, on the
        stepping thread, once per frame per key; it must return data, not live engine
        objects)."""
        if key not in self._taken:
            self._taken[key] = build(self._sim)
        return self._taken[key]


class Handle(Protocol):
    def publish(self, frame: Frame) -> None: ...

    def close(self) -> None: ...


class Attachment(Protocol):
    name: str
    flags: tuple[str, ...]  # the flags that ask for it (a run without --speed refuses them)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def start(self, args: argparse.Namespace, sim: Any, *,
              report: Callable[[str], None]) -> Handle | None:
        """A handle when this attachment's flags were given, else None. Raises
        ``InteropError`` for bad input; ``report`` takes later one-line notices (an endpoint
        that began failing)."""
        ...


ATTACHMENTS: list[Attachment] = []


def register(attachment: Attachment) -> Attachment:
    """Add an attachment to the table (once per name)."""
    if all(a.name != attachment.name for a in ATTACHMENTS):
        ATTACHMENTS.append(attachment)
    return attachment


def _load() -> list[Attachment]:
    from . import attachments  # noqa: F401  (each module registers its row)

    return ATTACHMENTS


def add_interop_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("observability tools")
    for attachment in _load():
        attachment.add_arguments(group)  # type: ignore[arg-type]


def requested(args: argparse.Namespace) -> list[str]:
    """The interop flags given on the command line, as ``--flag`` (for front ends that accept
    them only in some modes)."""
    given = []
    for attachment in _load():
        for flag in getattr(attachment, "flags", ()):
            value = getattr(args, flag.lstrip("-").replace("-", "_"), None)
            if value is not None and value is not False:  # (port 0 is given)
                given.append(flag)
    return given


@dataclass
class Interop:
    """The started handles of one front end, fed after each step."""

    sim: Any
    handles: list[Handle] = field(default_factory=list)
    _events: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.handles:
            self.sim.bus.subscribe(self._events.append)

    def stepped(self, force: bool = False) -> None:
        """Hand every handle this step's frame (cheap when nothing is attached). ``force``:
        where steps are rare and large (a line at a plain prompt), refresh everything now."""
        if not self.handles:
            return
        events, self._events[:] = tuple(self._events), []
        frame = Frame(self.sim, events, force)
        for handle in self.handles:
            handle.publish(frame)

    def close(self) -> None:
        handles, self.handles = self.handles, []
        for handle in reversed(handles):
            handle.close()


def start_interop(args: argparse.Namespace, sim: Any, *,
                  report: Callable[[str], None] | None = None,
                  strict: bool = True) -> Interop:
    """Start every attachment whose flags were given. ``strict`` (headless): the first
    ``InteropError`` closes what was started and is raised. Not strict (the console): it is
    passed to ``report`` and the others start. ``report`` also takes later notices."""
    import sys

    notify = report or (lambda line: print(line, file=sys.stderr, flush=True))
    handles: list[Handle] = []
    for attachment in _load():
        try:
            handle = attachment.start(args, sim, report=notify)
        except InteropError as exc:
            if strict:
                for started in reversed(handles):
                    started.close()
                raise
            notify(str(exc))
            continue
        if handle is not None:
            handles.append(handle)
    return Interop(sim, handles)
