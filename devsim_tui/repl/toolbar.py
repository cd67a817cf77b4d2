"""The REPL's bottom toolbar: where you are and what is on fire, redrawn as the clock moves.

`` shopfront · production │ T+00:10:58 (09:10) │ ▶ ×10 │ 2 firing: HighErrorRate checkout,
ServiceDown payments``. Until the alert rules have run once it says so, rather than claiming
all is quiet. Muted alerts (silenced, inhibited) are not counted: nobody is paged for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from prompt_toolkit.formatted_text import StyleAndTextTuples

from engine import format_clock

if TYPE_CHECKING:
    from engine import Simulation

__all__ = ["firing", "toolbar"]

WORST = 3  # alerts named in the toolbar; the rest are counted
DAY_MS = 86_400_000
_SEVERITY = {"critical": 0, "warning": 1, "info": 2}


def firing(sim: Simulation) -> list[str]:
    """The names of the alerts firing and not muted, worst first (``HighErrorRate checkout``;
    an environment other than the primary one is named too)."""
    primary = sim.spec.primary_environment
    live = [a for a in sim.alerts.live.values() if a.state == "firing" and not a.muted]
    live.sort(key=lambda a: (_SEVERITY.get(a.severity, 3), a.starts_at or 0, a.id))
    out = []
    for alert in live:
        where = alert.component or ""
        if alert.env and alert.env != primary:
            where = f"{where}@{alert.env}"
        out.append(f"{alert.name} {where}".strip())
    return out


def toolbar(sim: Simulation, env: str) -> StyleAndTextTuples:
    """The toolbar's fragments for the simulation as it is now, ``env`` being the one
    commands act on."""
    day = format_clock((sim.spec.start + sim.now) % DAY_MS)[:5]
    out: StyleAndTextTuples = [
        ("class:bottom-toolbar", f" {sim.spec.name} · {env} │ T+{format_clock(sim.now)} "
                                 f"({day}) │ "),
    ]
    if sim.paused:
        out.append(("class:bottom-toolbar.paused", "PAUSED"))
    else:
        out.append(("class:bottom-toolbar", "▶"))
    out.append(("class:bottom-toolbar", f" ×{sim.speed:g} │ "))
    names = firing(sim)
    if not sim.alerts.evaluated:
        out.append(("class:bottom-toolbar", "alerts: not evaluated yet"))
    elif not names:
        out.append(("class:bottom-toolbar.quiet", "✓ nothing firing"))
    else:
        shown = ", ".join(names[:WORST]) + (f" +{len(names) - WORST}" if len(names) > WORST
                                            else "")
        out.append(("class:bottom-toolbar.firing", f"{len(names)} firing: "))
        out.append(("class:bottom-toolbar", shown))
    return out
