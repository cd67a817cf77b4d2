"""The Prometheus collector: metric families built from the latest ``MetricsFrame``.

It never touches the simulation: the front end's stepping loop hands it frames (``update``)
and a scrape, on prometheus_client's server thread, reads whichever frame is current (one
reference, swapped whole). Names follow Prometheus conventions: base units (seconds, bytes,
ratios), ``_total`` counters, latency as a real histogram.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from prometheus_client.core import (CounterMetricFamily, GaugeMetricFamily,
                                    HistogramMetricFamily)
from prometheus_client.registry import Collector
from prometheus_client.utils import floatToGoString

from .prometheus_frame import BUCKET_BOUNDS, MetricsFrame

__all__ = ["EstateCollector"]

MIB = 2**20
_SERVICE = ("scenario", "env", "service")
_INSTANCE = ("scenario", "env", "service", "instance", "zone", "version")
_STATE_UP = {"running"}


class EstateCollector(Collector):
    """Yields the estate's metric families from the current frame (none before the first)."""

    def __init__(self) -> None:
        self._frame: MetricsFrame | None = None

    def update(self, frame: MetricsFrame) -> None:
        self._frame = frame  # one reference swap: a scrape sees one frame whole

    def collect(self) -> Iterator[Any]:
        frame = self._frame
        if frame is None:
            return
        yield from _estate(frame)
        yield from _traffic(frame)
        yield from _instances(frame)
        yield from _stores(frame)
        yield from _alerts_and_slos(frame)


def _estate(frame: MetricsFrame) -> Iterator[Any]:
    snap = frame.snapshot
    info = GaugeMetricFamily("devsim_scenario_info", "The scenario being simulated (always 1).",
                             labels=("scenario", "env", "seed"))
    info.add_metric((snap.scenario, snap.primary_env, str(snap.seed)), 1)
    yield info
    clock = GaugeMetricFamily("devsim_simulated_time_seconds",
                              "Simulated time since the scenario started.", labels=("scenario",))
    clock.add_metric((snap.scenario,), snap.t_ms / 1000)
    yield clock
    speed = GaugeMetricFamily("devsim_speed_ratio",
                              "Simulated seconds per wall second (0 while paused).",
                              labels=("scenario",))
    speed.add_metric((snap.scenario,), 0.0 if snap.paused else snap.speed)
    yield speed


def _traffic(frame: MetricsFrame) -> Iterator[Any]:
    scenario = frame.snapshot.scenario
    labels = (*_SERVICE, "kind", "code_class")
    requests = CounterMetricFamily(
        "devsim_http_requests", "Requests served since the start, by outcome (5xx: failed).",
        labels=labels)
    hist = HistogramMetricFamily(
        "devsim_http_request_duration_seconds",
        "Latency of answered requests since the start (refused requests are not timed).",
        labels=(*_SERVICE, "kind"))
    for n in frame.nodes:
        if n.kind == "external":
            continue
        base = (scenario, n.env, n.name, n.kind)
        requests.add_metric((*base, "2xx"), max(n.requests - n.failed, 0.0))
        requests.add_metric((*base, "5xx"), n.failed)
        buckets = [(_le(b), c) for b, c in zip(BUCKET_BOUNDS, n.buckets, strict=True)]
        buckets.append(("+Inf", n.latency_count))
        hist.add_metric(base, buckets, n.latency_sum_s)
    yield requests
    yield hist
    ready = GaugeMetricFamily("devsim_service_ready_instances", "Instances ready to serve.",
                              labels=_SERVICE)
    desired = GaugeMetricFamily("devsim_service_desired_instances",
                                "Instances the component should have.", labels=_SERVICE)
    cpu = GaugeMetricFamily("devsim_service_cpu_utilization_ratio",
                            "Mean CPU use of the ready instances (0–1).", labels=_SERVICE)
    saturation = GaugeMetricFamily("devsim_service_saturation_ratio",
                                   "Share of capacity in use (0–1).", labels=_SERVICE)
    for s in frame.snapshot.services:
        key = (scenario, s.env, s.name)
        ready.add_metric(key, s.ready)
        desired.add_metric(key, s.desired)
        cpu.add_metric(key, s.cpu)
        saturation.add_metric(key, s.saturation)
    yield from (ready, desired, cpu, saturation)


def _instances(frame: MetricsFrame) -> Iterator[Any]:
    scenario = frame.snapshot.scenario
    up = GaugeMetricFamily("devsim_instance_up", "1 while the instance is running, else 0.",
                           labels=(*_INSTANCE, "state"))
    cpu = GaugeMetricFamily("devsim_instance_cpu_utilization_ratio", "CPU use (0–1).",
                            labels=_INSTANCE)
    memory = GaugeMetricFamily("devsim_instance_memory_bytes", "Memory in use.",
                               labels=_INSTANCE)
    restarts = CounterMetricFamily("devsim_instance_restarts", "Restarts since the start.",
                                   labels=_INSTANCE)
    for i in frame.snapshot.instances:
        key = (scenario, i.env, i.node, i.name, i.zone, i.version)
        up.add_metric((*key, i.state), 1.0 if i.state in _STATE_UP else 0.0)
        cpu.add_metric(key, i.cpu)
        memory.add_metric(key, i.memory_mib * MIB)
        restarts.add_metric(key, i.restarts)
    yield from (up, cpu, memory, restarts)


def _stores(frame: MetricsFrame) -> Iterator[Any]:
    scenario = frame.snapshot.scenario
    db_labels = ("scenario", "env", "database", "instance", "role")
    lag = GaugeMetricFamily("devsim_database_replication_lag_seconds",
                            "How far a replica is behind its primary.", labels=db_labels)
    conns = GaugeMetricFamily("devsim_database_connections", "Open connections.",
                              labels=db_labels)
    max_conns = GaugeMetricFamily("devsim_database_max_connections",
                                  "The connection limit.", labels=db_labels)
    for d in frame.snapshot.databases:
        for node in d.nodes:
            key = (scenario, d.env, d.name, node.name, node.role)
            lag.add_metric(key, node.lag_s)
            conns.add_metric(key, node.connections)
            max_conns.add_metric(key, node.max_connections)
    yield from (lag, conns, max_conns)
    disk = GaugeMetricFamily("devsim_database_disk_used_ratio",
                             "Share of the database volume in use (0–1).",
                             labels=("scenario", "env", "database"))
    for n in frame.nodes:
        if n.kind == "database":
            disk.add_metric((scenario, n.env, n.name), n.disk_ratio)
    yield disk
    hits = GaugeMetricFamily("devsim_cache_hit_ratio", "Share of lookups answered (0–1).",
                             labels=("scenario", "env", "cache"))
    for c in frame.snapshot.caches:
        hits.add_metric((scenario, c.env, c.name), c.hit_ratio)
    yield hits
    queue = GaugeMetricFamily("devsim_queue_consumer_lag_messages",
                              "Messages published but not yet consumed.",
                              labels=("scenario", "env", "queue"))
    for q in frame.snapshot.queues:
        queue.add_metric((scenario, q.env, q.name), q.consumer_lag)
    yield queue
    queue_s = GaugeMetricFamily("devsim_queue_consumer_lag_seconds",
                                "How long the oldest unconsumed message has waited.",
                                labels=("scenario", "env", "queue"))
    for n in frame.nodes:
        if n.kind == "queue":
            queue_s.add_metric((scenario, n.env, n.name), n.queue_lag_s)
    yield queue_s


def _alerts_and_slos(frame: MetricsFrame) -> Iterator[Any]:
    snap = frame.snapshot
    alerts = GaugeMetricFamily(
        "devsim_alerts", "Live alerts, as Prometheus's ALERTS (1 per alert).",
        labels=("scenario", "env", "alertname", "alertstate", "severity", "service"))
    for a in snap.alerts:
        alerts.add_metric((snap.scenario, a.env or "", a.name, a.state, a.severity,
                           a.target or ""), 1)
    yield alerts
    budget = GaugeMetricFamily("devsim_slo_error_budget_remaining_ratio",
                               "Share of the SLO's error budget left (0–1, below 0 overspent).",
                               labels=("scenario", "env", "service", "slo"))
    burn = GaugeMetricFamily("devsim_slo_burn_rate_1h",
                             "How fast the availability budget burned over the last hour "
                             "(1: exactly on budget).", labels=("scenario", "env", "service"))
    for s in snap.slos:
        budget.add_metric((snap.scenario, s.env, s.service, "availability"), s.availability_left)
        budget.add_metric((snap.scenario, s.env, s.service, "latency"), s.latency_left)
        burn.add_metric((snap.scenario, s.env, s.service), s.burn_1h)
    yield budget
    yield burn


def _le(bound: float) -> str:
    return floatToGoString(bound)
