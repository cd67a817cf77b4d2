"""The Prometheus exposition: promtool accepts it, counters match the run summary, and a real
Prometheus scraping a paced ``devsim run`` answers queries (a histogram_quantile among them)."""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

import httpx
import pytest

from devsim_tui.interop import InteropError, add_interop_arguments, start_interop
from devsim_tui.interop.prometheus_attachment import serve_metrics
from engine import Simulation, load_scenario
from tests.interop.servers import free_port, prometheus, require


def _exposition(sim: Simulation) -> str:
    handle = serve_metrics(sim, 0)
    try:
        return httpx.get(handle.url, timeout=5).text
    finally:
        handle.close()


@pytest.fixture(scope="module")
def ran() -> tuple[Simulation, str]:
    sim = Simulation(load_scenario("shopfront"))
    sim.run_until(300_000)
    return sim, _exposition(sim)


def test_promtool_accepts_the_exposition(ran: tuple[Simulation, str]) -> None:
    promtool = require("promtool")
    result = subprocess.run([promtool, "check", "metrics"], input=ran[1].encode(),
                            capture_output=True, timeout=30)
    assert result.returncode == 0, result.stdout.decode() + result.stderr.decode()


def test_counters_are_the_summary_request_counts(ran: tuple[Simulation, str]) -> None:
    sim, text = ran
    summary = sim.summary()["services"]
    for service, figures in summary.items():
        total = sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                    if line.startswith("devsim_http_requests_total{")
                    and 'env="production"' in line and f'service="{service}"' in line)
        assert round(total) == figures["requests"], service
    assert 'devsim_http_request_duration_seconds_bucket{' in text
    assert 'le="+Inf"' in text and "devsim_instance_up{" in text
    assert "devsim_database_replication_lag_seconds{" in text


def test_histogram_buckets_are_cumulative(ran: tuple[Simulation, str]) -> None:
    counts = [float(line.rsplit(" ", 1)[1]) for line in ran[1].splitlines()
              if line.startswith("devsim_http_request_duration_seconds_bucket{")
              and 'service="gateway"' in line and 'env="production"' in line]
    assert len(counts) > 10 and counts == sorted(counts) and counts[-1] > 0


def test_port_in_use_is_one_line() -> None:
    parser = argparse.ArgumentParser()
    add_interop_arguments(parser)
    sim = Simulation(load_scenario("shopfront"))
    first = start_interop(parser.parse_args(["--metrics-port", "0"]), sim, report=lambda _: None)
    try:
        port = first.handles[0].port
        with pytest.raises(InteropError, match=f"--metrics-port {port}: .* is in use"):
            start_interop(parser.parse_args(["--metrics-port", str(port)]), sim,
                          report=lambda _: None)
    finally:
        first.close()


def test_run_refuses_metrics_without_speed() -> None:
    result = subprocess.run([sys.executable, "-m", "devsim_tui", "run", "--duration", "1m",
                             "--metrics-port", "0", "--no-record"], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "devsim run: error: --metrics-port serves a live run: pace it with --speed X"]


def _poll(server, query: str, deadline_s: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        result = server.get("/api/v1/query", query=query).json()["data"]["result"]
        if result:
            return result
        time.sleep(0.2)
    raise AssertionError(f"no answer to {query!r}")


def test_real_prometheus_scrapes_a_paced_run(tmp_path) -> None:
    port = free_port()
    with prometheus(tmp_path, [f"127.0.0.1:{port}"]) as server:
        run = subprocess.Popen([sys.executable, "-m", "devsim_tui", "run", "--speed", "120",
                                "--duration", "1h", "--metrics-port", str(port),
                                "--no-record", "--format", "json"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            total = _poll(server, 'devsim_http_requests_total{service="gateway",'
                                  'env="production",code_class="2xx"}')
            assert float(total[0]["value"][1]) > 0
            p99 = _poll(server, "histogram_quantile(0.99, sum by (le, service) (rate("
                                'devsim_http_request_duration_seconds_bucket{env="production"}'
                                "[10s])))")
            by_service = {r["metric"]["service"]: float(r["value"][1]) for r in p99}
            assert 0.001 < by_service["gateway"] < 5.0  # seconds
        finally:
            run.kill()
            run.wait(timeout=10)
