"""The fault catalogue, modelled on Chaos Mesh and LitmusChaos: what can be injected, into what.

The names are a contract of the ChatOps language (``chaos`` intent, ``fault`` argument).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FAULTS", "FaultKind", "fault_names"]


@dataclass(frozen=True, slots=True)
class FaultKind:
    name: str
    summary: str
    targets: tuple[str, ...]  # component kinds (or "zone") it applies to
    parameters: tuple[str, ...] = ()


FAULTS: tuple[FaultKind, ...] = (
    FaultKind("instance-kill", "kill instances (they restart)", ("service", "cache", "queue"),
              ("count",)),
    FaultKind("crash-loop", "make instances crash on start", ("service",), ("count",)),
    FaultKind("latency", "add latency to every request", ("service", "database", "cache",
                                                          "external"), ("latency_ms",)),
    FaultKind("packet-loss", "drop a share of packets (retries, timeouts)",
              ("service", "database", "cache", "external"), ("percent",)),
    FaultKind("error-injection", "fail a share of requests", ("service", "external"),
              ("percent",)),
    FaultKind("partition", "cut a component off from its callers", ("service", "database",
                                                                    "cache", "queue")),
    FaultKind("cpu-stress", "burn CPU on instances", ("service", "database"), ("percent",)),
    FaultKind("memory-leak", "leak memory until OOM", ("service",)),
    FaultKind("disk-fill", "fill the disk", ("database", "queue", "service")),
    FaultKind("dns-failure", "make name resolution fail", ("service",), ("percent",)),
    FaultKind("db-primary-failure", "kill a database's primary", ("database",)),
    FaultKind("replication-lag", "slow replicas down", ("database",)),
    FaultKind("cache-flush", "empty a cache", ("cache",)),
    FaultKind("zone-outage", "take a whole zone down", ("zone",)),
    FaultKind("traffic-spike", "multiply incoming traffic", ("service",), ("percent",)),
    FaultKind("dependency-outage", "make a dependency unavailable", ("external", "service")),
    FaultKind("cert-expiry", "let a TLS certificate expire: handshakes to it fail until renewed",
              ("service", "external")),
    FaultKind("queue-backlog", "stall a queue's consumers so lag builds", ("queue",)),
    FaultKind("config-error", "push a bad config: errors jump until it is rolled back",
              ("service",), ("percent",)),
)


def fault_names() -> list[str]:
    return [f.name for f in FAULTS]
