"""The error budget a change puts at stake, for previews and confirmations.

What is at risk is an upper bound stated plainly: the availability budget spent if the share of
requests the change touches all failed for as long as it lasts — "up to 12 % of checkout's
30-day budget (96 % left)". It reads the services' objectives and the budget they have left,
never what the change will in fact do.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..durations import format_duration
from ..watch.slo import AVAILABILITY

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["budget_at_risk"]

SHOWN = 3  # services named; the rest are counted


def budget_at_risk(sim: Simulation, nodes: Iterable[int], share: float,
                   duration_ms: float | None) -> str:
    """'error budget at risk: …' for the services among ``nodes`` (the target first, then who
    feels it), or '' when none has an objective. ``duration_ms`` None: until undone."""
    book, topo = sim.slo, sim.world.topo
    left = book.left()
    rows = []
    for node in dict.fromkeys(nodes):
        i = book.row(node)
        if i is None:
            continue
        risk = None if duration_ms is None else book.at_risk(node, share, duration_ms)
        rows.append((topo.nodes[node].name, risk, float(left[i, AVAILABILITY]),
                     int(book.window[i])))
    if not rows:
        return ""
    name, risk, have, window = rows[0]
    days, rest = divmod(window, 86_400_000)
    period = f"{days}-day" if days and not rest else format_duration(window)
    whose = f"{_possessive(name)} {period} availability budget"
    if risk is None:
        stake = f"all of {whose} while it lasts ({have:.0%} left)"
    elif risk >= have:
        stake = f"the rest of {whose}: {_up_to(risk)} of it, and {have:.0%} is left"
    else:
        stake = f"{_up_to(risk)} of {whose} ({have:.0%} left)"
    others = [r[0] for r in rows[1:]]
    if others:
        named = ", ".join(others[:SHOWN]) + (f" and {len(others) - SHOWN} more"
                                             if len(others) > SHOWN else "")
        stake += f", and as much of {named}"
    return f"error budget at risk, if every request it touches failed: {stake}"


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _up_to(share: float) -> str:
    amount = _pct(share)
    return amount if amount.startswith("under") else f"up to {amount}"


def _pct(share: float) -> str:
    if share < 0.0005:  # would read "0.0%": say how small it is instead
        return "under 0.1%"
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"
