"""``chaos``, ``chaos stop`` and ``chaos list``: experiments on the estate."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import ChaosList, ChaosStop, InjectFault, Reply
from ..durations import format_clock, format_duration
from ..faults import FAULTS
from .registry import handles

if TYPE_CHECKING:
    from ..chaos.controller import Experiment
    from ..simulation import Simulation


@handles(InjectFault)
def inject(sim: Simulation, cmd: InjectFault) -> Reply:
    result = sim.chaos.start(cmd)
    if isinstance(result, str):
        return Reply(False, result)
    hit = f" ({', '.join(result.affected)})" if result.affected else ""
    lasts = "once" if result.ends is None else \
        f"for {format_duration(result.ends - result.started)}"
    return Reply(True, f"chaos #{result.id}: {result.fault} on {result.target}{hit}, {lasts}; "
                       f"'chaos stop {result.id}' ends it", result.summary())


@handles(ChaosStop)
def stop(sim: Simulation, cmd: ChaosStop) -> Reply:
    ended = sim.chaos.stop(cmd.id, cmd.target)
    if not ended:
        if not sim.chaos.running:
            return Reply(False, "no fault is running, so there is nothing to stop")
        what = f" #{cmd.id}" if cmd.id else f" on {cmd.target}" if cmd.target else ""
        return Reply(False, f"no fault running{what}; 'chaos list' shows the ones that are")
    listed = ", ".join(f"#{e.id} {e.fault} on {e.target}" for e in ended)
    return Reply(True, f"stopped {listed}", {"stopped": [e.id for e in ended]})


@handles(ChaosList)
def listing(sim: Simulation, cmd: ChaosList) -> Reply:
    running = list(sim.chaos.running.values())
    lines = [_line(e) for e in running] or ["no fault running"]
    catalogue = ", ".join(f.name for f in FAULTS)
    return Reply(True, "\n".join([*lines, f"faults: {catalogue}"]),
                 {"running": [e.summary() for e in running]})


def _line(e: Experiment) -> str:
    ends = "" if e.ends is None else f", ends {format_clock(e.ends)}"
    return f"#{e.id} {e.fault} on {e.target} ({e.env}), started {format_clock(e.started)}{ends}"
