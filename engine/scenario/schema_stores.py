"""The scenario format for data stores and externals: databases, caches, queues, external APIs.

Declared once, as in ``schema``: the loader validates against these records and the reference
in ``scenarios/README.md`` is generated from them.
"""

from __future__ import annotations

from typing import Any

from ..durations import format_duration
from .schema_types import Field as F
from .schema_types import Record
from .spec import (
    CacheSpec,
    DatabaseSpec,
    ExternalSpec,
    FailoverSpec,
    MemorySpec,
    QueueSpec,
    ReplicationSpec,
)

__all__ = ["CACHE", "DATABASE", "EXTERNAL", "QUEUE", "memory_record"]


def memory_record(base: float, limit: float, per_rps: float = 0.5) -> Record:
    return Record(
        {
            "base": F("size", base, "resident memory of an idle instance (MiB, or '512Mi', '2Gi')",
                      min=1),
            "per_rps": F("float", per_rps, "extra MiB per request/s the instance serves", min=0),
            "limit": F("size", limit, "the memory limit: above it the instance is OOM-killed",
                       min=1),
        },
        cls=MemorySpec, default={}, doc="memory model",
        checks=(lambda v: [("limit", f"limit ({v['limit']:g} MiB) must exceed base "
                           f"({v['base']:g} MiB)")] if v["limit"] <= v["base"] else [],),
    )


DATABASE = Record(
    {
        "engine": F("str", "postgresql", "the database engine"),
        "version": F("version", "16", "engine version"),
        "replicas": F("int", 1, "read replicas besides the primary", min=0, max=64),
        "capacity": F("float", 4000.0, "queries/s one node serves", min=0.001),
        "latency": F("duration", 2, "query time before queueing", min=0),
        "timeout": F("duration", 2000, "statement timeout", min=1),
        "max_connections": F("int", 200, "connection limit per node", min=1),
        "write_ratio": F("rate", 0.2, "share of queries that write (they go to the primary)"),
        "reads_from_primary": F("bool", False, "send reads to the primary even with replicas"),
        "replication": Record(
            {
                "mode": F("str", "async", "async or sync; sync: a write is acknowledged only "
                          "once a replica has it (no writes lost on failover; writes pay the "
                          "round trip)", choices=("async", "sync")),
                "apply_rate": F("float", 5000.0, "writes/s a replica can apply", min=0.001),
                "base_lag": F("duration", 50, "replication lag at rest", min=0),
            },
            cls=ReplicationSpec, default={}, doc="streaming replication",
        ),
        "failover": Record(
            {
                "automatic": F("bool", True, "promote a replica when the primary dies"),
                "detect": F("duration", 10_000, "time to notice a dead primary", min=0),
                "promotion": F("duration", 20_000, "time to promote a replica", min=0),
            },
            cls=FailoverSpec, default={}, doc="primary failover",
        ),
        "zones": F("names", (), "zones its nodes spread over (default: all)"),
        "startup": F("duration", 30_000, "time for a node to start", min=0),
        "data": F("size", 20_480.0, "how much data it holds: a backup copies it at 100 MiB/s, "
                  "a restore loads it at 50 MiB/s", min=1),
        "disk": F("size", None, "the volume it writes to (default: twice `data`); every "
                  "write adds a kibibyte to it", min=1),
        "wal_archive": F("bool", False, "archive the write-ahead log continuously: a restore "
                         "replays it past the backup, to any time since (point-in-time "
                         "recovery)"),
        "memory": memory_record(2048, 8192, per_rps=0.1),
        "port": F("int", None, "the port it listens on", min=1, max=65535),
        "description": F("str", "", "what it stores"),
    },
    cls=DatabaseSpec, name_field="name",
)

CACHE = Record(
    {
        "engine": F("str", "redis", "the cache engine"),
        "nodes": F("int", 1, "cache nodes", min=1, max=1000),
        "capacity": F("float", 50_000.0, "operations/s one node serves", min=0.001),
        "latency": F("duration", 1, "time per operation", min=0),
        "hit_ratio": F("rate", 0.9, "share of lookups found in the cache at steady state"),
        "backing": F("name", None, "where misses go (a database or service)"),
        "warmup": F("duration", 600_000, "time for the hit ratio to recover after a flush",
                    min=1000),
        "zones": F("names", (), "zones its nodes spread over"),
        "memory": memory_record(512, 4096, per_rps=0.01),
        "working_set": F("size", None, "memory the hot keys need to reach hit_ratio (MiB); when "
                         "it exceeds the nodes' room (limit − base each) the least recently used "
                         "keys are evicted and the hit ratio falls in proportion", min=1),
        "port": F("int", None, "the port it listens on", min=1, max=65535),
        "description": F("str", "", "what it caches"),
    },
    cls=CacheSpec, name_field="name",
)

QUEUE = Record(
    {
        "engine": F("str", "kafka", "the broker"),
        "partitions": F("int", 6, "partitions of the topic", min=1),
        "brokers": F("int", 3, "broker instances", min=1, max=1000),
        "capacity": F("float", 100_000.0, "messages/s one broker accepts", min=0.001),
        "latency": F("duration", 3, "publish time", min=0),
        "retention": F("duration", 604_800_000, "how long messages are kept", min=1000),
        "zones": F("names", (), "zones its brokers spread over"),
        "port": F("int", None, "the port it listens on", min=1, max=65535),
        "description": F("str", "", "what flows through it"),
    },
    cls=QueueSpec, name_field="name",
)


def _p99_checks(v: dict[str, Any]) -> list[tuple[str, str]]:
    if v["p99"] is not None and v["p99"] < v["latency"]:
        return [("p99", f"p99 ({format_duration(v['p99'])}) must not be below latency "
                        f"({format_duration(v['latency'])}), the median")]
    return []


EXTERNAL = Record(
    {
        "latency": F("duration", 150, "typical response time", min=0),
        "p99": F("duration", None, "99th-percentile response time (latency is the median); "
                 "default 4 × latency", min=0),
        "error_rate": F("rate", 0.001, "share of calls that fail"),
        "capacity": F("float", 1e9, "rate limit in requests/s: calls beyond it are refused with "
                      "HTTP 429", min=0.001),
        "timeout": F("duration", 10_000, "how long callers wait", min=1),
        "description": F("str", "", "what it is"),
    },
    cls=ExternalSpec, name_field="name", checks=(_p99_checks,),
)
