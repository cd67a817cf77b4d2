"""The run summary: per-component availability, p99 and error rate over the whole run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .topology import Kind

if TYPE_CHECKING:
    from .simulation import Simulation

__all__ = ["run_summary"]


def run_summary(sim: Simulation) -> dict[str, Any]:
    world, totals = sim.world, sim.metrics.run_totals()
    availability = totals.availability()
    error_rate = totals.error_rate()
    p99 = totals.quantile_ms(0.99)
    primary = sim.spec.primary_environment
    sections: dict[str, dict[str, Any]] = {"services": {}, "databases": {}, "caches": {},
                                           "queues": {}}
    section_of = {Kind.SERVICE: "services", Kind.DATABASE: "databases", Kind.CACHE: "caches",
                  Kind.QUEUE: "queues"}
    environments: dict[str, dict[str, Any]] = {}
    for info in world.topo.nodes:
        i = info.index
        figures = {
            "availability": round(float(availability[i]), 6),
            "p99_ms": round(float(p99[i]), 3),
            "error_rate": round(float(error_rate[i]), 6),
            "requests": int(round(float(totals.requests[i]))),
        }
        section = section_of.get(info.kind)
        if section is None:  # externals are outside the estate
            continue
        if info.env == primary:
            sections[section][info.name] = figures
        else:
            environments.setdefault(info.env, {k: {} for k in sections})[section][
                info.name] = figures
    return {
        "duration": sim.clock.now / 1000,
        "seed": sim.seed,
        "scenario": sim.spec.name,
        "environment": primary,
        "events": dict(sorted(sim.bus.counts.items())),
        **sections,
        "environments": environments,
    }
