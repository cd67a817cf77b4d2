"""``anomalies [SERVICE] [since D]``: the detector's episodes, strongest first, in words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Anomalies, Reply
from ..durations import format_clock, format_duration
from .registry import handles
from .targets import find_node

if TYPE_CHECKING:
    from ..simulation import Simulation

SHOWN = 10
DEFAULT_SINCE_MS = 3_600_000  # the last hour unless asked


@handles(Anomalies)
def anomalies(sim: Simulation, cmd: Anomalies) -> Reply:
    book = sim.anomalies
    component = None
    if cmd.service is not None:
        info = find_node(sim, cmd.service, None)
        if isinstance(info, Reply):
            return info
        component = info.name
    since_ms = max(sim.now - (cmd.since * 1000 if cmd.since is not None else DEFAULT_SINCE_MS),
                   0)
    found = book.episodes(component, since_ms)
    where = f" in {component}" if component else ""
    span = format_duration(sim.now - since_ms) if sim.now > since_ms else "0s"
    data = {"anomalies": [{"service": e.component, "start_s": e.start_ms / 1000,
                           "end_s": None if e.end_ms is None else e.end_ms / 1000,
                           "score": e.score, "peak": round(e.peak, 3),
                           "metrics": list(e.metrics)} for e in found]}
    if not found:
        warm = "" if sim.now >= book.warmup_ms else (
            f" (the detector is still learning what normal looks like, until "
            f"{format_clock(book.warmup_ms)})")
        return Reply(True, f"no anomalies{where} in the last {span}{warm}", data)
    lines = []
    for rank, e in enumerate(found[:SHOWN], 1):
        lasting = (f"since {format_clock(e.start_ms)}, still open" if e.open else
                   f"{format_clock(e.start_ms)}–{format_clock(e.end_ms or 0)}")
        lines.append(f"{rank}. {e.component} — score {e.peak:.2f}, {lasting}: "
                     + "; ".join(e.details))
    more = f"\n… and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    return Reply(True, f"{len(found)} anomal{'y' if len(found) == 1 else 'ies'}{where} in the "
                       f"last {span}:\n" + "\n".join(lines) + more, data)
