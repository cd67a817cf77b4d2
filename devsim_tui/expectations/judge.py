"""The judge: holds a run's pending expectations and decides each exactly once.

When it is decided:

- at its line, if it already holds (or, for a state form without ``within``, either way);
- with ``within D``: at its line, then every 15 simulated seconds (the watch's sample) and at
  the window's end — it passes at the first check where it holds and fails when the window
  closes, or when the run ends first;
- an event form without ``within``: by the end of the run;
- whatever is still open when a ``rewind`` ends its branch: then, from what that branch showed
  (the events up to the rewind; for a state form, its last check).

Each decision is one ``expect.passed`` or ``expect.failed`` event (``line``, ``text``,
``reason``) published at the simulated time it was made. The run loop drives the clock and
asks ``advance`` to stop wherever a check is due, so decisions never come late or early and a
run with expectations publishes exactly the events of the same run without them, plus theirs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from engine import Event, format_clock

from .conditions import CHECKS, Look, Observation
from .facts import Facts, Mark
from .model import Expectation

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["CHECK_EVERY_MS", "Judge"]

CHECK_EVERY_MS = 15_000  # the watch's sample: how often an open window is looked at


@dataclass(slots=True)
class _Pending:
    x: Expectation
    mark: Mark  # where its line was
    deadline: int | None  # its window's end (None: the end of the run)
    last: Observation  # what its latest check saw


class Judge:
    """Subscribed to the simulation's bus; ``activate`` each expectation at its line, call
    ``check`` after anything that moved the clock, and ``finish`` at the end of the run."""

    def __init__(self, sim: Simulation, dry_run: bool = False) -> None:
        self.sim, self.dry_run = sim, dry_run
        self.facts = Facts()
        sim.bus.subscribe(self._observe)
        self.pending: list[_Pending] = []
        self.passed = self.skipped = 0
        self.failures: list[dict[str, Any]] = []
        self._due: int | None = None  # the next check of an open window

    # the run loop's side -------------------------------------------------------------------

    def advance(self, target: int, step: Callable[[int], None]) -> None:
        """Move the clock to ``target`` with ``step``, stopping at every check on the way."""
        while self.sim.now < target:
            step(target if self._due is None else min(target, self._due))
            self.check()

    def activate(self, x: Expectation) -> None:
        """An expectation's line is reached: judge it now, or keep it for later."""
        now = self.sim.now
        if self.dry_run:
            self.skipped += 1
            self._publish("expect.skipped", x, "not judged: a dry run does none of the "
                                                "commands, so there is nothing to judge")
            return
        mark = self.facts.mark(now)
        seen = self._look(x, mark, now)
        if seen.holds:
            self._decide(x, seen, "")
        elif x.within_ms is None and not x.event:
            self._decide(x, seen, "")
        else:
            deadline = None if x.within_ms is None else now + x.within_ms
            self.pending.append(_Pending(x, mark, deadline, seen))
        self._due = self._next_check(now)

    def check(self) -> None:
        """Look at every open window, if a check is due."""
        now = self.sim.now
        if self._due is None or now < self._due:
            return
        for p in list(self.pending):
            if p.deadline is None:
                continue
            seen = self._look(p.x, p.mark, min(now, p.deadline))
            p.last = seen
            if seen.holds:
                self._close(p, seen, "")
            elif now >= p.deadline:
                late = f" (checked at {format_clock(now)})" if now > p.deadline else ""
                self._close(p, seen, f" when the window closed at {format_clock(p.deadline)}"
                                     + late)
        self._due = self._next_check(now)

    def finish(self) -> None:
        """The run is over: judge whatever is still open."""
        now = self.sim.now
        for p in list(self.pending):
            seen = self._look(p.x, p.mark, now if p.deadline is None else min(now, p.deadline))
            if p.deadline is None:
                when = f" by the end of the run at {format_clock(now)}"
            elif now >= p.deadline:
                when = f" when the window closed at {format_clock(p.deadline)}"
            else:
                when = (f" when the run ended at {format_clock(now)}, before the window closed "
                        f"at {format_clock(p.deadline)}")
            self._close(p, seen, when)
        self._due = None

    # results -------------------------------------------------------------------------------

    @property
    def failed(self) -> int:
        return len(self.failures)

    def report(self) -> dict[str, Any]:
        """The summary's ``expectations`` object."""
        return {"passed": self.passed, "failed": self.failed, "skipped": self.skipped,
                "failures": sorted(self.failures, key=lambda f: f["line"])}

    # inside --------------------------------------------------------------------------------

    def _observe(self, event: Event) -> None:
        if event.type == "rewind" and self.pending:
            self._branch_ended(int(round(float(event.data.get("from", 0)) * 1000)))
        self.facts.observe(event)  # (after: a rewind makes it forget the branch's later events)

    def _branch_ended(self, at: int) -> None:
        """A rewind left the branch the open expectations were watching: judge them from
        what it showed — its events up to the rewind, or a state form's last check."""
        when = f" when the rewind at {format_clock(at)} ended its branch"
        for p in list(self.pending):
            seen = (self._look(p.x, p.mark, at, live=False) if p.x.event else p.last)
            self._close(p, seen, when)
        self._due = None

    def _look(self, x: Expectation, mark: Mark, until: int, live: bool = True) -> Observation:
        look = Look(self.sim, self.facts, mark, until, live and until >= self.sim.now)
        return CHECKS[x.form](x, look)

    def _next_check(self, now: int) -> int | None:
        deadlines = [p.deadline for p in self.pending if p.deadline is not None]
        if not deadlines:
            return None
        grid = (now // CHECK_EVERY_MS + 1) * CHECK_EVERY_MS
        return min([grid, *(d for d in deadlines if d > now)])

    def _close(self, p: _Pending, seen: Observation, when: str) -> None:
        self.pending.remove(p)
        self._decide(p.x, seen, when)

    def _decide(self, x: Expectation, seen: Observation, when: str) -> None:
        if seen.holds:
            self.passed += 1
            self._publish("expect.passed", x, seen.text)
            return
        reason = f"{seen.text}{'' if seen.dated else when}, expected {x.expected()}"
        self.failures.append({"line": x.line, "text": x.text, "reason": reason})
        self._publish("expect.failed", x, reason)

    def _publish(self, kind: str, x: Expectation, reason: str) -> None:
        self.sim.publish_at(self.sim.now, kind, {"line": x.line, "text": x.text,
                                                 "reason": reason})
