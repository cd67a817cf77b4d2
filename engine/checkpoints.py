"""Checkpoints and the timeline: the simulation's past, kept so it can be gone back to.

- **Checkpoints.** Every ``EVERY_MS`` of simulated time (the batch that reaches the mark ends
  on it) the state is frozen (``checkpoint_image``). At most ``KEEP`` are kept, within
  ``BUDGET`` bytes: the newest five minutes apart, older ones thinned so that the gaps grow
  with their age (after six hours they stand 0, 5, 10, 20, 30, 40, 60, 80, 120, 200, 280
  minutes back, and the start). The start is always kept. A run that knows where its
  rewinds will go back to (a script) keeps checkpoints at those times only (``plan``).
- **The timeline.** Every command applied, at its simulated time, with what was typed and
  what the parser assumed; every line only answered (not understood, help, a rewind); and the
  ``rewind`` markers. Running it again from a checkpoint gives the same world, byte for byte.
- **Rewinding** to T restores the newest checkpoint at or before T and runs again to T,
  applying the commands given in between at their own times. What that catch-up publishes
  goes to the event log and to every watcher but not to the bus's subscribers (the front ends
  saw it the first time). The commands given at T or later are undone; one ``rewind`` event
  (``from``, ``to``) is published at T. The clock's pause and speed stay as they were.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .checkpoint_image import CheckpointError, Freezer, Image
from .commands import Command, Reply
from .durations import format_clock

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["Applied", "Checkpoint", "Checkpoints", "Marked", "Said"]

EVERY_MS = 5 * 60_000
KEEP = 12
BUDGET = 128 * 2**20
# what a restore leaves as it is: the front ends' attachments and pace, and this record
KEPT = frozenset({"bus", "checkpoints", "paused", "speed", "user", "deferred"})


@dataclass(frozen=True, slots=True)
class Checkpoint:
    t: int  # simulated ms
    image: Image
    counts: tuple[tuple[str, int], ...]  # the bus's counts of events by type, then


@dataclass(frozen=True, slots=True)
class Applied:
    """A command applied: run again as it was."""

    t: int
    command: Command
    text: str | None
    notes: tuple[str, ...]
    ok: bool

    def redo(self, sim: Simulation) -> None:
        sim.apply(self.command, self.text, self.notes)

    @property
    def label(self) -> str:
        if self.text:
            return self.text
        args = " ".join(str(v) for v in self.command.args().values())
        return f"{self.command.intent.replace('_', ' ')} {args}".strip()


@dataclass(frozen=True, slots=True)
class Said:
    """A line only answered (not understood, help, a rewind): its ``command`` event."""

    t: int
    text: str
    intent: str | None
    reply: Reply

    def redo(self, sim: Simulation) -> None:
        sim.record_command(self.text, self.intent, self.reply)


@dataclass(frozen=True, slots=True)
class Marked:
    """An event the timeline itself published (a ``rewind``)."""

    t: int
    type: str
    data: dict[str, Any] = field(default_factory=dict)

    def redo(self, sim: Simulation) -> None:
        sim.checkpoints.mark(self)


Entry = Applied | Said | Marked


class Checkpoints:
    """The checkpoints of one simulation and its timeline (``sim.checkpoints``)."""

    def __init__(self, sim: Simulation, every_ms: int = EVERY_MS, keep: int = KEEP,
                 budget: int = BUDGET) -> None:
        self.sim = sim
        self.every, self.keep, self.budget = every_ms, max(keep, 2), budget
        self.enabled = True  # off: no checkpoints, and no rewind (a run that cannot need one)
        self.kept: list[Checkpoint] = []
        self.timeline: list[Entry] = []
        self.replaying = False  # during a rewind's catch-up (deferred work is not run)
        self.problem: str | None = None  # why the last skipped checkpoint was skipped
        self.freezer = Freezer({"simulation": sim, "scenario": sim.spec})
        self.planned: list[int] | None = None  # the only times to keep (None: every ``every``)
        self._next_at = 0

    def plan(self, times: Iterable[int]) -> None:
        """Keep checkpoints only at these simulated times (ms) and the start: a run that knows
        where its rewinds go back to needs no others. No times: no checkpoints at all."""
        self.planned = sorted(set(times))
        self.enabled = bool(self.planned)
        if self.kept:
            self._next_at = self._after(self.sim.clock.now)

    def _after(self, t: int) -> int:
        """When the next checkpoint after ``t`` is due."""
        if self.planned is None:
            return (t // self.every + 1) * self.every
        return next((p for p in self.planned if p > t), 1 << 62)

    # -- taking them ------------------------------------------------------------------------
    def ticks_left(self, now: int, tick_ms: int) -> int:
        """Ticks until the next checkpoint is due (a batch ends there)."""
        if not self.enabled:
            return 1 << 62
        return max((self._next_at - now) // tick_ms, 1)

    def due(self) -> None:
        """Take a checkpoint if one is due (called between batches and before commands)."""
        if self.enabled and self.sim.clock.now >= self._next_at:
            self.capture()

    def capture(self) -> Checkpoint | None:
        """Freeze the state now. A state that cannot be frozen faithfully (work scheduled
        from outside the engine as a closure over its objects) is skipped, with the reason
        kept in ``problem``; the checkpoints before it stay usable."""
        sim = self.sim
        now = sim.clock.now
        self._next_at = self._after(now)
        state = {k: v for k, v in vars(sim).items() if k not in KEPT}
        try:
            image = self.freezer.freeze(state)
        except CheckpointError as error:
            self.problem = f"no checkpoint at {format_clock(now)}: {error}"
            return None
        checkpoint = Checkpoint(now, image, tuple(sim.bus.counts.items()))
        self.kept.append(checkpoint)
        self._thin()
        return checkpoint

    def _thin(self) -> None:
        """Over the count or the budget: drop the checkpoint whose gap, against its age,
        would stay smallest (never the start, never the newest)."""
        kept = self.kept
        while len(kept) > 2 and (len(kept) > self.keep or self.nbytes() > self.budget):
            now = kept[-1].t
            i = min(range(1, len(kept) - 1), key=lambda i: (
                (kept[i + 1].t - kept[i - 1].t) / (now - kept[i].t + self.every), i))
            del kept[i]

    def nbytes(self) -> int:
        """The memory the checkpoints hold (blocks shared between them counted once)."""
        blocks = frozenset().union(*(c.image.blocks for c in self.kept))
        return sum(b.nbytes for b in blocks) + sum(len(c.image.stream) for c in self.kept)

    # -- the timeline -----------------------------------------------------------------------
    def applied(self, command: Command, text: str | None, notes: tuple[str, ...],
                reply: Reply) -> None:
        now = self.sim.clock.now
        if command.rewrites_history:  # a rewind is not run again: its line is
            if text is not None:
                self.timeline.append(Said(now, text, command.intent, reply))
            return
        self.timeline.append(Applied(now, command, text, tuple(notes), reply.ok))

    def said(self, text: str, intent: str | None, reply: Reply) -> None:
        self.timeline.append(Said(self.sim.clock.now, text, intent, reply))

    def mark(self, marker: Marked) -> None:
        """Publish an event of the timeline's own (a ``rewind``), and keep it on it."""
        self.timeline.append(marker)
        self.sim.publish_at(marker.t, marker.type, dict(marker.data))

    def undone_by(self, to_ms: int) -> list[Applied]:
        """The commands that changed something at ``to_ms`` or later: a rewind undoes them."""
        return [e for e in self.timeline if e.t >= to_ms and isinstance(e, Applied)
                and e.ok and e.command.changes_production]

    # -- going back -------------------------------------------------------------------------
    @property
    def earliest(self) -> int | None:
        return self.kept[0].t if self.enabled and self.kept else None

    def refusal(self, to_ms: int) -> str | None:
        """Why the simulation cannot go back to ``to_ms`` (None: it can)."""
        now = self.sim.clock.now
        if to_ms < 0:
            return "cannot rewind before the start (00:00:00)"
        if to_ms > now:
            return (f"cannot rewind forward: it is {format_clock(now)} and {format_clock(to_ms)}"
                    " is later ('advance' moves forward)")
        earliest = self.earliest
        if earliest is None:
            return "cannot rewind: this run keeps no checkpoints"
        if to_ms < earliest:
            return (f"cannot rewind to {format_clock(to_ms)}: the earliest time kept is "
                    f"{format_clock(earliest)}")
        if to_ms == now and not any(e.t >= to_ms for e in self.timeline):
            return f"it is {format_clock(now)} already; nothing to rewind"
        return None

    def rewind(self, to_ms: int) -> list[Applied]:
        """Put the world back as it was at ``to_ms`` (see the module's docstring); returns
        the commands undone. Call ``refusal`` first."""
        sim = self.sim
        start = sim.clock.now
        base = next(c for c in reversed(self.kept) if c.t <= to_ms)
        undone = self.undone_by(to_ms)
        again = [e for e in self.timeline if base.t <= e.t < to_ms]
        self.timeline = [e for e in self.timeline if e.t < base.t]  # (again: logged again)
        self.kept = [c for c in self.kept if c.t <= base.t]
        pace = sim.paused, sim.speed, sim.user
        self._restore(base)
        self.replaying, sim.bus.muted = True, True
        try:
            for entry in again:
                sim.run_until(entry.t)
                entry.redo(sim)
            sim.run_until(to_ms)
        finally:
            self.replaying, sim.bus.muted = False, False
        sim.paused, sim.speed, sim.user = pace
        self.mark(Marked(to_ms, "rewind", {"from": start / 1000, "to": to_ms / 1000}))
        return undone

    def _restore(self, checkpoint: Checkpoint) -> None:
        sim = self.sim
        vars(sim).update(self.freezer.thaw(checkpoint.image))
        sim.deferred = None
        sim.bus.counts.clear()
        sim.bus.counts.update(Counter(dict(checkpoint.counts)))
        self._next_at = self._after(checkpoint.t)
