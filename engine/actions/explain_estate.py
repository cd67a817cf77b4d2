"""``explain`` without a target: "why is everything on fire?".

Every component of the environment that shows a symptom is diagnosed as ``explain`` would
diagnose it alone; the diagnoses are grouped by the cause they lead to, and the cause behind
the most symptoms (then the most failing) comes first — an incident usually has one root and
many victims. The answer names the root, what it explains, and any other, separate trouble.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..commands import Reply
from .explain import NOW_MS, _baseline_p99, diagnose

if TYPE_CHECKING:
    from ..simulation import Simulation

__all__ = ["explain_estate"]


def explain_estate(sim: Simulation, env: str | None) -> Reply:
    env = env or sim.spec.primary_environment
    topo = sim.world.topo
    if env not in topo.envs:
        return Reply(False, f"there is no {env} environment here (environments: "
                            f"{', '.join(topo.envs)})")
    recent = sim.metrics.recent(NOW_MS, sim.now)
    base = _baseline_p99(sim)
    found = [(n.index, d) for n in topo.nodes if n.env == env
             for d in [diagnose(sim, n.index, recent, base)] if d is not None]
    if not found:
        return Reply(True, f"{env} looks healthy: no component fails 1 % of its requests or is "
                           "1.5× slower than its own quarter hour before",
                     {"env": env, "causes": []})
    groups: dict[str, list[tuple[int, tuple[str, dict]]]] = {}
    for node, d in found:
        groups.setdefault(d[1]["cause"], []).append((node, d))
    order = sorted(groups, key=lambda c: (-len(groups[c]), -max(
        float(recent["error_rate"][n]) for n, _ in groups[c])))
    root = order[0]
    victims = [topo.nodes[n].name for n, _ in groups[root]]
    # the diagnosis of the root's own symptom if it has one, else of its nearest victim
    message, data = next((d for n, d in groups[root] if topo.nodes[n].name == root),
                         groups[root][0][1])
    unwell = ", ".join(topo.nodes[n].name for n, _ in found)
    text = (f"{len(found)} component{'s' if len(found) > 1 else ''} in {env} show symptoms "
            f"({unwell}). Most of it comes from {root}, behind {', '.join(victims)}: "
            f"{data['confidence']}: {data['evidence']}")
    if data.get("timing"):
        text += f". Timing: {data['timing']}"
    others = [f"{c} ({', '.join(topo.nodes[n].name for n, _ in groups[c])})"
              for c in order[1:]]
    if others:
        text += f". Separately: {'; '.join(others)}"
    return Reply(True, text, {"env": env, "cause": root, "explains": victims,
                              "causes": [{"cause": c, "explains": [topo.nodes[n].name for n, _
                                                                   in groups[c]]}
                                         for c in order],
                              "evidence": data["evidence"], "confidence": data["confidence"]})
