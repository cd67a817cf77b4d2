"""The engine as an asyncio task on the app's loop: paced, sliced, never blocking a keystroke.

Every frame the bridge steps the simulation by the simulated time that is due (wall time ×
speed), in slices that yield to the event loop between them, then posts the events it saw and,
a few times a second, a fresh snapshot. It is the one place the UI touches engine objects;
widgets get snapshots and plain tuples.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from engine import Event, Simulation, Snapshot
from engine.metrics import M

from .messages import EventsPosted, SnapshotReady

if TYPE_CHECKING:
    from textual.message_pump import MessagePump

__all__ = ["EngineBridge"]

FRAME_S = 0.05  # stepping cadence
SNAPSHOT_S = 0.25  # panes refresh four times a second
SLICE_TICKS = 50  # ticks between yields to the event loop
MAX_CATCH_UP_S = 2.0  # after a stall, do not try to replay more than this of wall time
TYPING_S = 0.3  # keys this close together are typing: the panes wait for them…
STALE_S = 1.0  # …but never show a snapshot older than this
KEY_GRACE_S = 0.02  # after a key, its frame goes out before the engine steps again
TREND_POINTS = 24
TREND_WINDOW_MS = 15 * 60_000


class EngineBridge:
    """Drives a ``Simulation`` for a Textual app."""

    def __init__(self, sim: Simulation, target: MessagePump,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.sim = sim
        self.target = target
        self.clock = clock
        self.env = sim.spec.primary_environment
        self._pending: list[Event] = []
        self._debt_ms = 0.0
        self._last_snapshot = 0.0
        self._typed_at = -1.0
        self._task: asyncio.Task[None] | None = None
        self.watching: set[str] = set()  # components whose instances a screen shows
        self.stepped: list[Callable[[], None]] = []  # after each frame's steps (the recorder)
        sim.bus.subscribe(self._pending.append)

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self, *, run: bool = True) -> None:
        """Publish the first snapshot and (unless ``run`` is false, as in tests) start pacing."""
        self.publish()
        if run:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="engine")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def typing(self) -> None:
        """A key was typed: keystrokes come first for a moment (see ``_run``)."""
        self._typed_at = self.clock()

    async def _run(self) -> None:
        """Step the engine every frame. While someone types, each keystroke's frame goes out
        before the next step, and the panes are refreshed once a second instead of four times
        (simulated time is not lost: the next step catches up)."""
        last = self.clock()
        while True:
            await asyncio.sleep(FRAME_S)
            now = self.clock()
            typing = now - self._typed_at < TYPING_S
            if now - self._typed_at < KEY_GRACE_S:
                await asyncio.sleep(KEY_GRACE_S)
                now = self.clock()
            elapsed, last = min(now - last, MAX_CATCH_UP_S), now
            for _ in self.advance(elapsed):
                await asyncio.sleep(0)  # let keystrokes in between slices
            self.flush_events()
            for hook in self.stepped:
                hook()
            if now - self._last_snapshot >= (STALE_S if typing else SNAPSHOT_S):
                self.publish()

    def advance(self, elapsed_s: float) -> Iterator[int]:
        """Step the simulated time that ``elapsed_s`` of wall time is worth at the current
        speed (nothing while paused), one slice per iteration; yields ticks done so far."""
        if self.sim.paused:
            return
        self._debt_ms += elapsed_s * 1000 * self.sim.speed
        ticks = int(self._debt_ms // self.sim.spec.tick)
        self._debt_ms -= ticks * self.sim.spec.tick
        done = 0
        while done < ticks:
            step = min(ticks - done, SLICE_TICKS)
            self.sim.step(step)
            done += step
            yield done

    def run_for(self, elapsed_s: float) -> None:
        """Advance all at once (tests and benchmarks), then publish."""
        for _ in self.advance(elapsed_s):
            pass
        self.flush_events()
        for hook in self.stepped:
            hook()
        self.publish()

    # -- what the UI gets --------------------------------------------------------------------
    def flush_events(self) -> None:
        if self._pending:
            batch, self._pending[:] = tuple(self._pending), []
            self.target.post_message(EventsPosted(batch))
            if any(event.type == "rewind" for event in batch):
                self.publish()  # the world went back: the panes show it at once

    def publish(self) -> None:
        """Post the current snapshot (and trends) now."""
        self._last_snapshot = self.clock()
        self.target.post_message(SnapshotReady(self.snapshot(), self.trends()))

    def snapshot(self) -> Snapshot:
        """The panes need no instance rows; a detail screen asks for its component's."""
        return self.sim.snapshot(self.watching)

    def trends(self) -> dict[str, tuple[float, ...]]:
        """Requests/s of every component of the shown environment over the last 15 minutes."""
        out: dict[str, tuple[float, ...]] = {}
        for info in self.sim.world.topo.nodes:
            if info.env == self.env:
                _, values = self.sim.metrics.series(info.index, M.RPS, TREND_WINDOW_MS,
                                                    self.sim.now)
                out[info.name] = _downsample(values, TREND_POINTS)
        return out

    def series(self, name: str, metric: str, window_ms: int) -> tuple[tuple[float, ...],
                                                                        tuple[float, ...]]:
        """Times (s) and values of one metric of one component, as plain tuples."""
        index = self.sim.world.topo.find(name, self.env)
        if index is None:
            return (), ()
        times, values = self.sim.metrics.series(index, metric, window_ms, self.sim.now)
        return tuple((times / 1000).tolist()), tuple(values.tolist())


def _downsample(values: object, points: int) -> tuple[float, ...]:
    seq = list(values)  # type: ignore[call-overload]
    if len(seq) <= points:
        return tuple(float(v) for v in seq)
    step = len(seq) / points
    return tuple(float(sum(seq[int(i * step):int((i + 1) * step)])
                       / max(len(seq[int(i * step):int((i + 1) * step)]), 1))
                 for i in range(points))
