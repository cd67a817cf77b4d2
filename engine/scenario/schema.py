"""The scenario file format, declared once: every key, its type, default, bounds and meaning.

``scenarios/README.md`` is generated from these declarations (``python -m engine.scenario.docs``)
and a test keeps the two in step.
"""

from __future__ import annotations

from typing import Any

from .schema_types import REQUIRED, ListOf, MapOf, Record
from .schema_types import Field as F
from .schema_observe import ALERTS, SLO
from .schema_stores import CACHE, DATABASE, EXTERNAL, QUEUE, memory_record as _memory
from .spec import (
    AutoscaleSpec,
    BreakerSpec,
    CallSpec,
    ChaosSpec,
    ClusterSpec,
    DeliverySpec,
    DiurnalSpec,
    EnvironmentSpec,
    LivenessSpec,
    NodeOverride,
    ResourcesSpec,
    RestartSpec,
    ScenarioSpec,
    ServiceSpec,
    SpikeSpec,
    TrafficSpec,
    VersionSpec,
)

__all__ = ["SCENARIO"]

DEFAULT_ZONES = ("zone-a", "zone-b", "zone-c")
CALL_MODES = ("sequential", "parallel")


VERSION = Record(
    {
        "error_rate": F("rate", 0.0, "fraction of requests this version fails by itself"),
        "latency_factor": F("float", 1.0, "multiplies the service's own latency", min=0.1, max=100),
        "cpu_factor": F("float", 1.0, "CPU per request relative to normal (2 = half the capacity)",
                        min=0.1, max=100),
        "memory_leak": F("float", 0.0, "MiB leaked per minute while running", min=0),
        "crash_on_start": F("bool", False, "the instance crashes when it becomes ready"),
        "description": F("str", "", "what is wrong with it, for debriefs"),
    },
    cls=VersionSpec,
)


def _autoscale_checks(v: dict[str, Any]) -> list[tuple[str, str]]:
    problems = []
    if v["min"] > v["max"]:
        problems.append(("min", f"min ({v['min']}) must not exceed max ({v['max']})"))
    if not any(v[k] is not None for k in ("target_cpu", "target_memory", "target_rps",
                                          "target_p99")) and not v["predictive"]:
        problems.append(("", "give at least one target (target_cpu, target_memory, target_rps, "
                             "target_p99) or predictive: true"))
    return problems


AUTOSCALE = Record(
    {
        "min": F("int", 1, "fewest replicas", min=0),
        "max": F("int", 10, "most replicas", min=1, max=10_000),
        "target_cpu": F("rate", None, "average CPU utilisation to hold (0.6 = 60%)"),
        "target_memory": F("rate", None, "average memory use as a share of the limit"),
        "target_rps": F("float", None, "requests/s per instance to hold", min=0.001),
        "target_p99": F("duration", None, "p99 latency above which to add replicas"),
        "stabilization": F("duration", 300_000, "scale-down looks back this far and takes the "
                           "highest recommendation (like the HPA's stabilisation window)"),
        "scale_up_window": F("duration", 0, "scale-up takes the lowest recommendation of this "
                             "window, so a surge must last it (the HPA's scale-up "
                             "stabilisation; 'CPU above 70 % for 5 minutes')", min=0),
        "sync": F("duration", 15_000, "how often the autoscaler decides", min=1000),
        "tolerance": F("rate", 0.1, "no change while the ratio to target is within this"),
        "predictive": F("bool", False, "also scale ahead of a forecast of traffic "
                        "(scikit-learn regression on the recent history)"),
        "horizon": F("duration", 600_000, "how far ahead the predictive autoscaler looks",
                     min=60_000),
    },
    cls=AutoscaleSpec, checks=(_autoscale_checks,),
)

DELIVERY = Record(
    {
        "strategy": F("str", "rolling", "used when a deploy names none",
                      choices=("rolling", "canary", "blue-green")),
        "canary_steps": ListOf(F("float", None, "", min=0.1, max=100), "traffic % at each "
                               "canary step (default 10, 25, 50)", default=(10.0, 25.0, 50.0)),
        "pause": F("duration", 60_000, "canary: wait before each analysis", min=1000),
        "bake": F("duration", 30_000, "rolling: wait before analysing each batch; blue-green: "
                  "twice this on the preview", min=1000),
        "progress_deadline": F("duration", 300_000, "abort when new instances are not ready "
                               "by then", min=1000),
        "max_error_increase": F("rate", 0.01, "analysis fails above stable's error rate + this"),
        "max_latency_ratio": F("float", 1.5, "analysis fails above stable's median or p99 × this",
                               min=1.0),
        "max_memory_growth": F("float", 10.0, "analysis fails above this MiB/min of growth "
                               "(a leak)", min=0),
        "confidence": F("rate", 0.95, "how sure an analysis must be before it fails or passes "
                        "a version (one-sided; 95 % fails a healthy version 5 % of the time at "
                        "most)", min=0.5, max=0.999),
        "min_requests": F("int", 50, "requests each pool must have served before an analysis "
                          "judges its errors or latency", min=1),
        "max_bake": F("duration", None, "how long an inconclusive analysis may keep baking "
                      "(default three bakes)", min=1000),
        "on_inconclusive": F("str", "promote", "what to do when it is still inconclusive "
                             "then", choices=("promote", "abort")),
    },
    cls=DeliverySpec, default={}, doc="how rollouts of this service go",
)

BREAKER = Record(
    {
        "errors": F("rate", 0.5, "share of failed calls over the window that opens it"),
        "window": F("duration", 10_000, "the sliding window the share of failures is measured "
                    "over", min=1000),
        "min_calls": F("int", 20, "fewest calls in the window before it may open", min=1),
        "open": F("duration", 30_000, "how long it stays open before letting probes through",
                  min=1000),
        "probes": F("int", 5, "calls let through while half-open; all must succeed to close it",
                    min=1),
    },
    cls=BreakerSpec, default=None,
    doc="a circuit breaker: while open, calls fail at once without reaching the callee",
)

CALL = Record(
    {
        "weight": F("float", 1.0, "calls per request", min=0),
        "timeout": F("duration", None, "how long the caller waits for one attempt; default: the "
                     "callee's own timeout", min=1),
        "retries": F("int", 0, "attempts after a failed one", min=0, max=10),
        "backoff": F("duration", 50, "wait before a retry", min=0),
        "retry_budget": F("share", 0.2, "retries may add at most this share of the calls (0.2 = "
                          "20 %; above 1 lets every call retry), as Envoy and Finagle retry "
                          "budgets do", min=0, max=10),
        "mode": F("str", None, "overrides the caller's calls_mode for this call",
                  choices=CALL_MODES),
        "breaker": BREAKER,
    },
    cls=CallSpec, shorthand="weight",
)


def _service(*, calls: dict[str, CallSpec | None], **values: Any) -> ServiceSpec:
    """A ``ServiceSpec`` with its calls twice: callee → calls per request, and callee → policy.

    A call whose value failed is None in both (already reported; such a spec is never returned
    by the loader), so its callee is still checked as a reference.
    """
    weights = {callee: None if call is None else call.weight for callee, call in calls.items()}
    return ServiceSpec(calls=weights, call_policies=calls, **values)


SERVICE = Record(
    {
        "version": F("version", "1.0.0", "the version running at the start"),
        "replicas": F("int", 2, "instances at the start", min=0, max=100_000),
        "capacity": F("float", 200.0, "requests/s one instance serves at 100% CPU", min=0.001),
        "workers": F("int", 1, "parallel workers per instance (an M/M/c server); capacity is "
                     "shared among them", min=1, max=10_000),
        "latency": F("duration", 10, "the service's own work per request, before queueing",
                     min=0),
        "timeout": F("duration", 5000, "a request taking longer than this fails", min=1),
        "calls": MapOf(CALL, "components it calls: a list, or name: calls per request (0.3 = "
                       "three requests in ten call it), or name: these settings",
                       names=True),
        "calls_mode": F("str", "sequential", "how a request makes its calls: one after another, "
                        "or all at once (the slowest decides)", choices=CALL_MODES),
        "pool_size": F("int", 10, "connections each instance keeps open to each database it "
                       "calls (a client-side pool)", min=1, max=10_000),
        "consumes": F("name", None, "a queue whose messages this service consumes"),
        "zones": F("names", (), "zones its instances spread over (default: all)"),
        "startup": F("duration", 15_000, "time from start to ready", min=0),
        "warmup": F("duration", 0, "after becoming ready an instance is slower: its capacity "
                    "ramps from 50 % to 100 % over this time (JIT, cold caches)", min=0),
        "cpu_idle": F("rate", 0.05, "CPU use of an idle instance"),
        "memory": _memory(256, 1024),
        "resources": Record(
            {
                "cpu": F("float", 0.5, "CPU cores requested per instance, for scheduling on the "
                         "cluster", min=0.001),
                "memory": F("size", 512.0, "memory requested per instance (MiB), for scheduling",
                            min=1),
            },
            cls=ResourcesSpec, default={}, doc="what each instance requests from the cluster",
        ),
        "restart": Record(
            {
                "backoff": F("duration", 10_000, "first restart delay after a crash", min=0),
                "max_backoff": F("duration", 300_000, "the delay doubles up to this", min=0),
            },
            cls=RestartSpec, default={}, doc="crash-loop back-off",
        ),
        "liveness": Record(
            {
                "timeout": F("duration", 5000, "a health probe slower than this fails", min=1),
                "failures": F("int", 3, "consecutive failed probes before the instance is killed "
                              "and restarted", min=1),
                "period": F("duration", 10_000, "time between probes", min=1000),
            },
            cls=LivenessSpec, default=None,
            doc="a liveness probe: an instance too slow to answer it is restarted",
        ),
        "autoscale": Record(AUTOSCALE.fields, cls=AutoscaleSpec, default=None,
                            checks=AUTOSCALE.checks, doc="horizontal autoscaling"),
        "delivery": DELIVERY,
        "slo": SLO,
        "versions": MapOf(VERSION, "known versions and how they behave; unknown ones are healthy",
                          key_kind="version"),
        "port": F("int", None, "the port it listens on (shown, not simulated)", min=1, max=65535),
        "tech": F("str", "", "what it is built with, e.g. 'node/express'"),
        "description": F("str", "", "what it does"),
    },
    cls=_service, name_field="name",
)

CLUSTER = Record(
    {
        "nodes": F("int", 10, "machines in the cluster", min=1, max=100_000),
        "cpu": F("float", 8.0, "allocatable CPU cores per machine", min=0.1),
        "memory": F("size", 32_768.0, "allocatable memory per machine (MiB)", min=1),
    },
    cls=ClusterSpec, default=None,
    doc="the cluster instances are scheduled on; without it capacity is unlimited. Instances "
        "that do not fit stay pending",
)

ENVIRONMENT = Record(
    {
        "traffic": F("float", 1.0, "traffic as a share of the scenario's rps", min=0),
        "replicas": F("int", None, "give every component this many instances (and no "
                      "autoscaling here)", min=0),
        "exclude": F("names", (), "components that do not exist here"),
        "overrides": MapOf(
            Record({"replicas": F("int", None, "instances here (read replicas for a database; "
                                  "no autoscaling)", min=0),
                    "version": F("version", None, "version here")}, cls=NodeOverride),
            "per-component replicas or version in this environment",
        ),
        "description": F("str", "", "what it is for"),
    },
    cls=EnvironmentSpec, name_field="name",
)

TRAFFIC = Record(
    {
        "rps": F("float", 100.0, "requests/s entering at the daily mean", min=0),
        "entry": F("weights", {}, "entry services and their share of traffic (default: every "
                   "service nobody calls, equally)"),
        "diurnal": Record(
            {
                "amplitude": F("rate", 0.4, "daily swing: 0.4 = ±40% around the mean", ),
                "peak": F("timeofday", 14 * 3_600_000, "busiest time of day"),
            },
            cls=DiurnalSpec, default={}, doc="the daily curve",
        ),
        "noise": F("rate", 0.05, "size of the random wander around the curve"),
        "spikes": ListOf(
            Record(
                {
                    "at": F("duration", REQUIRED, "when it starts (elapsed time)"),
                    "duration": F("duration", 600_000, "how long it lasts at full height",
                                  min=1000),
                    "factor": F("float", 2.0, "traffic multiplier at the top", min=0.01,
                                max=1000),
                    "ramp": F("duration", 30_000, "time to climb and to fall back", min=0),
                },
                cls=SpikeSpec,
            ),
            "scheduled surges",
        ),
    },
    cls=TrafficSpec, default={}, doc="what enters the estate",
)

SCENARIO = Record(
    {
        "name": F("name", None, "short name (default: the file name)"),
        "title": F("str", "", "one-line title"),
        "description": F("str", "", "what this estate is"),
        "seed": F("int", 1, "default random seed", min=0),
        "tick": F("duration", 1000, "simulated time per step", min=100, max=60_000),
        "start": F("timeofday", 9 * 3_600_000, "time of day when the simulation starts"),
        "zones": F("names", DEFAULT_ZONES, "availability zones"),
        "environments": MapOf(ENVIRONMENT, "environments; the first is the primary one",
                              default={"production": {}}),
        "traffic": TRAFFIC,
        "services": MapOf(SERVICE, "application services"),
        "databases": MapOf(DATABASE, "databases with a primary and replicas"),
        "caches": MapOf(CACHE, "caches"),
        "queues": MapOf(QUEUE, "message queues / topics"),
        "externals": MapOf(EXTERNAL, "third-party dependencies outside the estate"),
        "cluster": CLUSTER,
        "chaos": ListOf(
            Record(
                {
                    "at": F("duration", REQUIRED, "when it starts (elapsed time)"),
                    "fault": F("name", REQUIRED, "a fault of the catalogue"),
                    "target": F("name", REQUIRED, "a component or a zone"),
                    "peer": F("name", None, "the other end of a link"),
                    "duration": F("duration", None, "how long (default 5m)", min=1000),
                    "latency_ms": F("float", None, "added latency (ms)", min=0),
                    "percent": F("float", None, "magnitude or share, 0–100 (a traffic spike: "
                                 "its traffic against normal, e.g. 300)", min=0, max=10_000),
                    "count": F("int", None, "how many instances", min=1),
                    "env": F("name", None, "environment (default: the primary one)"),
                    "hidden": F("bool", False, "kept from the trainee: for exercises to find"),
                },
                cls=ChaosSpec,
            ),
            "faults injected on a schedule",
        ),
        "protected": MapOf(F("str", REQUIRED, "why"), "components chaos may not touch, and why"),
        "alerts": ALERTS,
        "default_alerts": F("bool", True, "also watch with the default rule pack"),
    },
    cls=ScenarioSpec,
)
