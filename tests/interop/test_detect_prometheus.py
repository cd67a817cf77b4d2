"""``devsim detect --prometheus``: each failure is one line naming what to check (httpx's
MockTransport), retries back off, and a real Prometheus scraping a devsim run is queried."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
import pytest

from devsim_tui.interop.prometheus_query import ATTEMPTS, QueryError, query_range
from tests.interop.servers import free_port, prometheus

MATRIX = {"status": "success", "data": {"resultType": "matrix", "result": [
    {"metric": {"__name__": "x", "service": "api"},
     "values": [[1000 + i, str(1.0 + (50.0 if i == 80 else 0.0))] for i in range(120)]}]}}


def _query(handler, sleeps: list[float] | None = None) -> list:
    client = httpx.Client(transport=httpx.MockTransport(handler))
    return query_range("http://prom:9090", "x", 3600, 60, end=2000.0, client=client,
                       sleep=(sleeps.append if sleeps is not None else lambda _: None))


def test_a_matrix_is_read_with_its_labels_and_the_query_parameters() -> None:
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=MATRIX)

    [series] = _query(answer)
    assert series.name == 'x{service="api"}' and len(series.values) == 120
    params = seen[0].url.params
    assert seen[0].url.path == "/api/v1/query_range"
    assert (params["start"], params["end"], params["step"]) == ("-1600.000", "2000.000", "60")


def test_refused_connections_are_retried_with_back_off_then_one_line() -> None:
    sleeps: list[float] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    with pytest.raises(QueryError) as caught:
        _query(refuse, sleeps)
    assert sleeps == [0.5, 1.0] and len(sleeps) == ATTEMPTS - 1
    assert str(caught.value) == ("http://prom:9090: cannot connect (Connection refused; tried 3 "
                                 "times): is Prometheus running there? check the host and port")


def test_a_timeout_then_success_is_recovered() -> None:
    calls = []

    def slow_once(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if len(calls) == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(200, json=MATRIX)

    assert len(_query(slow_once)) == 1 and len(calls) == 2


def test_timeouts_every_time_say_so() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(QueryError, match=r"no answer within 10s \(tried 3 times\).*--step"):
        _query(slow)


@pytest.mark.parametrize(("response", "message"), [
    (httpx.Response(400, json={"status": "error", "errorType": "bad_data",
                               "error": "parse error at char 3"}),
     "http://prom:9090: Prometheus refused the query (bad_data): parse error at char 3"),
    (httpx.Response(404, text="404 page not found"),
     "http://prom:9090: HTTP 404 Not Found: is this the Prometheus base URL (no /api/v1 path)?"),
    (httpx.Response(200, text="<html>"),
     "http://prom:9090: the answer is not Prometheus's API JSON: is this URL a Prometheus "
     "server (e.g. http://localhost:9090)?"),
    (httpx.Response(200, json={"status": "success",
                               "data": {"resultType": "matrix", "result": []}}),
     "http://prom:9090: the query 'x' returned no series over that range: check the metric "
     "name and labels (and --range)"),
    (httpx.Response(503, text="starting"),
     "http://prom:9090: HTTP 503 Service Unavailable: check the server's log (tried 3 times)"),
])
def test_each_failure_is_one_line(response: httpx.Response, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        _query(lambda request: response)
    assert str(caught.value) == message and "\n" not in message


def test_a_bad_url_and_too_many_points_are_refused_before_any_request() -> None:
    with pytest.raises(QueryError, match="not an http\\(s\\) URL"):
        query_range("localhost:9090", "x", 60, 1)
    with pytest.raises(QueryError, match="widen --step"):
        query_range("http://prom:9090", "x", 86400 * 30, 1)


def _detect(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "devsim_tui", "detect", *args],
                          capture_output=True, text=True, timeout=60)


def test_detect_against_a_dead_server_exits_2_with_one_line() -> None:
    result = _detect("--prometheus", f"http://127.0.0.1:{free_port()}", "--query", "up",
                     "--range", "5m", "--step", "15s")
    assert result.returncode == 2 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "cannot connect" in result.stderr


def test_detect_against_a_real_prometheus_scraping_devsim(tmp_path) -> None:
    port = free_port()
    with prometheus(tmp_path, [f"127.0.0.1:{port}"]) as server:
        run = subprocess.Popen([sys.executable, "-m", "devsim_tui", "run", "--speed", "120",
                                "--duration", "1h", "--metrics-port", str(port),
                                "--no-record"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        try:
            query = 'devsim_service_ready_instances{env="production"}'
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:  # a few samples of every service
                result = server.get("/api/v1/query", query=f"count_over_time({query}[1m])")
                values = [float(r["value"][1]) for r in result.json()["data"]["result"]]
                if values and min(values) >= 3:
                    break
                time.sleep(0.2)
            found = _detect("--prometheus", server.url, "--query", query, "--range", "2m",
                            "--step", "1s")
            as_json = _detect("--prometheus", server.url, "--query", query, "--range", "2m",
                              "--step", "1s", "--format", "json")
            bad = _detect("--prometheus", server.url, "--query", "rate(x[", "--range", "2m")
        finally:
            run.kill()
            run.wait(timeout=10)
    assert found.returncode == 0, found.stderr
    lines = [line for line in found.stdout.splitlines() if not line.startswith(" ")]
    assert len(lines) == len(values)  # one line for each series Prometheus holds
    assert any('service="gateway"' in line for line in lines)
    assert all('devsim_service_ready_instances{' in line and "samples" in line for line in lines)
    assert as_json.returncode == 0
    assert bad.returncode == 2 and "Prometheus refused the query (bad_data)" in bad.stderr
