"""Checks that span the whole scenario: references between components, and the call graph.

The schema validates each value on its own; this module knows the estate's topology: a call to a
component that does not exist, a name used twice, a cycle in the calls (which would make every
request recurse forever), an entry point or a cache backing that is missing.
"""

from __future__ import annotations

import difflib
from typing import Any

from .spec import ScenarioSpec
from .yaml_source import Path

__all__ = ["cross_check", "call_cycle"]

Issue = tuple[Path, str, bool]  # path, message, located at the key (True) or the value


def _did_you_mean(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _valid(table: dict[str, Any]) -> dict[str, Any]:
    """The entries whose value passed the schema (one that failed is None, already reported)."""
    return {name: value for name, value in table.items() if value is not None}


def cross_check(spec: ScenarioSpec) -> list[Issue]:
    """Every reference problem in ``spec``, each with the key path where it was written.

    ``spec`` may hold values that failed the schema (None, already reported): they are skipped,
    so that reference problems can be reported together with the schema's.
    """
    issues: list[Issue] = []
    names = spec.node_names()
    seen: dict[str, str] = {}
    for section in ("services", "databases", "caches", "queues", "externals"):
        for name in getattr(spec, section):
            if name in seen:
                issues.append(((section, name), f"{name!r} is already declared under "
                               f"{seen[name]}; component names must be unique", True))
            seen.setdefault(name, section)

    def unknown(path: Path, name: str, what: str) -> None:
        issues.append((path, f"{what} {name!r} does not exist{_did_you_mean(name, names)}", False))

    zones = list(spec.zones or ())
    from ..faults import fault_names

    for i, planned in enumerate(spec.chaos or ()):
        if planned is None:
            continue
        if planned.fault not in fault_names():
            issues.append((("chaos", i, "fault"), f"no fault called {planned.fault!r}"
                           f"{_did_you_mean(planned.fault, fault_names())}", False))
        if planned.target not in seen and planned.target not in zones:
            unknown(("chaos", i, "target"), planned.target, "component or zone")
        if planned.peer is not None and planned.peer not in seen:
            unknown(("chaos", i, "peer"), planned.peer, "component")
    for name in spec.protected or {}:
        if name not in seen and name not in zones:
            unknown(("protected", name), name, "protected component")
    issues += _alert_checks(spec, seen, unknown)
    for section in ("services", "databases", "caches", "queues"):
        for name, comp in _valid(getattr(spec, section)).items():
            for i, zone in enumerate(comp.zones or ()):
                if zone not in zones and spec.zones is not None:
                    issues.append(((section, name, "zones", i), f"zone {zone!r} is not one of "
                                   f"the scenario's zones ({', '.join(zones)})"
                                   f"{_did_you_mean(zone, zones)}", False))

    for name, svc in _valid(spec.services).items():
        for callee in svc.calls or {}:
            if callee not in seen:
                unknown(("services", name, "calls"), callee, "called component")
            elif callee == name:
                issues.append((("services", name, "calls"), f"{name!r} calls itself", False))
        if svc.consumes is not None:
            if svc.consumes not in spec.queues:
                queues = list(spec.queues)
                hint = _did_you_mean(svc.consumes, queues) or (
                    f" (queues: {', '.join(queues)})" if queues else " (no queues are declared)")
                issues.append((("services", name, "consumes"),
                               f"queue {svc.consumes!r} does not exist{hint}", False))
        if svc.autoscale is not None and isinstance(svc.autoscale.max, int) and isinstance(
                svc.replicas, int) and svc.autoscale.max < svc.replicas:
            issues.append((("services", name, "replicas"), f"replicas ({svc.replicas}) is above "
                           f"autoscale.max ({svc.autoscale.max})", False))

    for name, cache in _valid(spec.caches).items():
        if cache.backing is not None:
            kind = spec.kind_of(cache.backing)
            if kind is None:
                unknown(("caches", name, "backing"), cache.backing, "backing store")
            elif kind not in ("database", "service", "external"):
                issues.append((("caches", name, "backing"), f"a cache's misses go to a database "
                               f"or service, not to the {kind} {cache.backing!r}", False))

    services = list(spec.services)
    for entry in (spec.traffic and spec.traffic.entry) or {}:
        if entry not in spec.services:
            issues.append((("traffic", "entry"), f"entry service {entry!r} does not exist"
                           f"{_did_you_mean(entry, services)}", False))
    for env_name, env in _valid(spec.environments).items():
        for i, excluded in enumerate(env.exclude or ()):
            if excluded not in seen:
                unknown(("environments", env_name, "exclude", i), excluded, "component")
        for target, override in _valid(env.overrides or {}).items():
            if target not in seen:
                issues.append((("environments", env_name, "overrides", target),
                               f"component {target!r} does not exist"
                               f"{_did_you_mean(target, names)}", True))
            elif override.version is not None and spec.kind_of(target) not in ("service",
                                                                                 "database"):
                issues.append((("environments", env_name, "overrides", target, "version"),
                               "only services and databases have versions", False))

    cycle = call_cycle(spec)
    if len(cycle) > 1:  # a self-call is reported above
        issues.append((("services", cycle[0], "calls"),
                       "the calls form a cycle: " + " -> ".join([*cycle, cycle[0]]), False))
    if not spec.services:
        issues.append(((), "a scenario needs at least one service under 'services'", False))
    return issues


def call_cycle(spec: ScenarioSpec) -> list[str]:
    """The first cycle in the call graph (calls plus cache backings), or an empty list."""
    edges = {name: list(svc.calls or ()) for name, svc in _valid(spec.services).items()}
    for name, cache in _valid(spec.caches).items():
        if cache.backing:
            edges.setdefault(name, []).append(cache.backing)
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        stack.append(node)
        for nxt in edges.get(node, ()):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return []

    for node in edges:
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def _alert_checks(spec: ScenarioSpec, seen: dict[str, str], unknown: Any) -> list[Issue]:
    """Alert rules name components, an environment and the rules they inhibit that exist."""
    from ..watch.defaults import DEFAULT_RULES

    rules = _valid(spec.alerts or {})
    known = sorted({*(r.name for r in DEFAULT_RULES if spec.default_alerts), *rules})
    issues: list[Issue] = []
    for name, rule in rules.items():
        for i, component in enumerate(rule.components):
            if component not in seen:
                unknown(("alerts", name, "components", i), component, "component")
        for i, other in enumerate(rule.inhibits):
            if other not in known:
                issues.append((("alerts", name, "inhibits", i), f"no alert rule called "
                               f"{other!r}{_did_you_mean(other, known)}", False))
        if rule.env is not None and rule.env not in (spec.environments or {}):
            issues.append((("alerts", name, "env"), f"environment {rule.env!r} does not exist"
                           f"{_did_you_mean(rule.env, list(spec.environments or {}))}", False))
    return issues
