"""``--metrics-port N [--metrics-host H]``: the estate's metrics for Prometheus to scrape.

A custom collector in its own ``CollectorRegistry`` (never the process-wide one), served by
prometheus_client's threaded HTTP server on ``H:N`` (127.0.0.1 unless told otherwise; port 0
takes any free one, and the address is reported). The stepping loop hands the handle a frame
after each step; a fresh copy of the figures is taken at most every ``REFRESH_S`` of wall time
(and always at the first frame and the last), so pacing is not slowed by scrapes nobody makes.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, start_http_server

from .prometheus_collector import EstateCollector
from .prometheus_frame import take_frame
from .wiring import Frame, InteropError, register

__all__ = ["PrometheusAttachment", "MetricsHandle", "serve_metrics"]

REFRESH_S = 0.25


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0–65535, not {value}")
    return value


class MetricsHandle:
    """Serves the collector; refreshes its frame from the stepping loop."""

    def __init__(self, server: Any, thread: Any, collector: EstateCollector,
                 registry: CollectorRegistry, clock: Callable[[], float] = time.monotonic,
                 ) -> None:
        self.server = server
        self.thread = thread
        self.collector = collector
        self.registry = registry
        self.clock = clock
        self._taken = float("-inf")
        self.host, self.port = server.server_address[:2]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/metrics"

    def publish(self, frame: Frame) -> None:
        now = self.clock()
        if frame.force or now - self._taken >= REFRESH_S:
            self._taken = now
            self.collector.update(frame.take("prometheus", take_frame))

    def refresh(self, sim: Any) -> None:
        """Take a frame now (at the start, and when a run has finished)."""
        self._taken = self.clock()
        self.collector.update(take_frame(sim))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def serve_metrics(sim: Any, port: int, host: str = "127.0.0.1") -> MetricsHandle:
    """Start serving ``sim``'s metrics (one frame taken now). ``InteropError`` when the
    address cannot be bound."""
    registry = CollectorRegistry(auto_describe=False)
    collector = EstateCollector()
    registry.register(collector)
    try:
        server, thread = start_http_server(port, addr=host, registry=registry)
    except OSError as exc:
        why = "is in use (choose another port, or 0 for any free one)" \
            if getattr(exc, "errno", None) in (48, 98, 10048) else f"cannot be bound: " \
            f"{exc.strerror or exc}"
        raise InteropError(f"devsim: --metrics-port {port}: {host}:{port} {why}") from None
    handle = MetricsHandle(server, thread, collector, registry)
    handle.refresh(sim)
    return handle


class PrometheusAttachment:
    name = "prometheus"
    flags = ("--metrics-port",)

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--metrics-port", type=_port, default=None, metavar="N",
                            help="serve the simulated metrics for Prometheus on port N "
                                 "(0: any free port)")
        parser.add_argument("--metrics-host", default="127.0.0.1", metavar="HOST",
                            help="the address to serve them on (default 127.0.0.1)")

    def start(self, args: argparse.Namespace, sim: Any, *,
              report: Callable[[str], None]) -> MetricsHandle | None:
        port = getattr(args, "metrics_port", None)
        if port is None:
            return None
        handle = serve_metrics(sim, port, getattr(args, "metrics_host", "127.0.0.1"))
        report(f"devsim: Prometheus metrics on {handle.url}")
        return handle


register(PrometheusAttachment())
