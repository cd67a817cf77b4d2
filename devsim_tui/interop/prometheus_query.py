"""A Prometheus range query over HTTP (``/api/v1/query_range``), for ``devsim detect
--prometheus``: httpx with timeouts, retries with back-off on what may pass (a refused
connection, a timeout, a 5xx), and one line saying what failed and what to check otherwise.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx

__all__ = ["QueryError", "RangeSeries", "query_range"]

TIMEOUT_S = 10.0
ATTEMPTS = 3
BACKOFF_S = 0.5  # doubled after each failed attempt
RETRY_STATUS = (502, 503, 504)
MAX_POINTS = 11_000  # Prometheus refuses a range query of more points than this


class QueryError(Exception):
    """Why a query could not be answered: one line, naming what failed and what to check."""


@dataclass(frozen=True, slots=True)
class RangeSeries:
    labels: dict[str, str]
    times: list[float]  # unix seconds
    values: list[float]

    @property
    def name(self) -> str:
        """``metric{label="value",…}`` as Prometheus writes a series."""
        labels = dict(self.labels)
        metric = labels.pop("__name__", "")
        inner = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        return f"{metric}{{{inner}}}" if inner or not metric else metric


def query_range(base_url: str, query: str, range_s: float, step_s: float, *,
                end: float | None = None, client: httpx.Client | None = None,
                sleep: Callable[[float], None] = time.sleep) -> list[RangeSeries]:
    """The series ``query`` returns over the last ``range_s`` seconds (to ``end``, default
    now) every ``step_s``. Raises ``QueryError``."""
    base = _base(base_url)
    if range_s / step_s > MAX_POINTS:
        raise QueryError(f"--range {range_s:g}s at --step {step_s:g}s is "
                         f"{range_s / step_s:,.0f} points a series; Prometheus answers at most "
                         f"{MAX_POINTS:,}: widen --step or shorten --range")
    end = time.time() if end is None else end
    params = {"query": query, "start": f"{end - range_s:.3f}", "end": f"{end:.3f}",
              "step": f"{step_s:g}"}
    own = client is None
    client = client or httpx.Client(timeout=TIMEOUT_S)
    try:
        body = _get(client, f"{base}/api/v1/query_range", params, base, sleep)
    finally:
        if own:
            client.close()
    return _series(body, query, base)


def _base(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise QueryError(f"--prometheus {url!r}: not an http(s) URL: expected e.g. "
                         "http://localhost:9090")
    return url.strip().rstrip("/")


def _get(client: httpx.Client, url: str, params: dict[str, str], base: str,
         sleep: Callable[[float], None]) -> dict[str, object]:
    delay, problem = BACKOFF_S, ""
    for attempt in range(ATTEMPTS):
        if attempt:
            sleep(delay)
            delay *= 2
        try:
            response = client.get(url, params=params)
        except httpx.TimeoutException:
            problem = (f"{base}: no answer within {TIMEOUT_S:g}s (tried {ATTEMPTS} times): "
                       "is Prometheus overloaded, or the query too heavy? try a shorter "
                       "--range or a wider --step")
            continue
        except httpx.TransportError as exc:
            problem = (f"{base}: cannot connect ({_reason(exc)}; tried {ATTEMPTS} times): "
                       "is Prometheus running there? check the host and port")
            continue
        if response.status_code in RETRY_STATUS:  # a proxy or a server starting: may pass
            problem = _http_problem(response, base) + f" (tried {ATTEMPTS} times)"
            continue
        return _decode(response, base)
    raise QueryError(problem)


def _decode(response: httpx.Response, base: str) -> dict[str, object]:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "status" not in body:
        if response.status_code >= 400:
            raise QueryError(_http_problem(response, base))
        raise QueryError(f"{base}: the answer is not Prometheus's API JSON: is this URL a "
                         "Prometheus server (e.g. http://localhost:9090)?")
    if body.get("status") != "success":
        kind, error = body.get("errorType", "error"), body.get("error", "no reason given")
        raise QueryError(f"{base}: Prometheus refused the query ({kind}): {error}")
    return body


def _http_problem(response: httpx.Response, base: str) -> str:
    hint = {404: "is this the Prometheus base URL (no /api/v1 path)?",
            401: "it wants credentials", 403: "it wants credentials"}.get(
        response.status_code, "check the server's log")
    return f"{base}: HTTP {response.status_code} {response.reason_phrase}: {hint}"


def _series(body: dict[str, object], query: str, base: str) -> list[RangeSeries]:
    data = body.get("data")
    if not isinstance(data, dict) or data.get("resultType") != "matrix":
        kind = data.get("resultType") if isinstance(data, dict) else None
        raise QueryError(f"{base}: the query {query!r} gave a {kind or 'malformed'} result, "
                         "not a range of samples")
    out = []
    for item in data.get("result") or ():
        points = item.get("values") or ()
        out.append(RangeSeries(dict(item.get("metric") or {}), [float(t) for t, _ in points],
                               [float(v) for _, v in points]))
    if not out:
        raise QueryError(f"{base}: the query {query!r} returned no series over that range: "
                         "check the metric name and labels (and --range)")
    return out


def _reason(exc: httpx.TransportError) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]


def iso(seconds: float) -> str:
    """A unix time as ISO 8601, UTC."""
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
