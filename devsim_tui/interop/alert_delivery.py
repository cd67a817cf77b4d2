"""Getting a JSON body to an HTTP endpoint: httpx with timeouts, retries with exponential
back-off and seeded jitter, and an endpoint's health reported once when it starts failing and
once when it answers again — never every tick.

``Poster.post`` is synchronous and is only ever called from a delivery thread (never from the
thread that steps the simulation); its ``sleep`` is injected so tests wait for nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

__all__ = ["Attempt", "Health", "Poster", "TIMEOUT"]

TIMEOUT = httpx.Timeout(5.0, connect=2.0)
RETRIED_STATUS = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Attempt:
    """How one delivery ended: ``ok``; else a short reason and whether trying again may help
    (a refused connection, a timeout, a 5xx) or not (a 4xx: the request itself is wrong)."""

    ok: bool
    reason: str = ""
    retryable: bool = True


def _reason(exc: httpx.HTTPError, timeout: float) -> str:
    text = str(exc).lower()
    if isinstance(exc, httpx.TimeoutException):
        return f"no answer within {timeout:g}s"
    if isinstance(exc, httpx.ConnectError):
        if "refused" in text:
            return "connection refused"
        if "name or service" in text or "nodename" in text or "resolve" in text:
            return "host name not found"
        return f"cannot connect: {exc}" if str(exc) else "cannot connect"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _status_reason(response: httpx.Response) -> str:
    body = " ".join(response.text.split())[:120]
    return f"HTTP {response.status_code}" + (f": {body}" if body else "")


class Poster:
    """POSTs JSON to one URL, retrying what may pass on a second try."""

    def __init__(self, url: str, *, attempts: int = 3, base_delay: float = 0.5,
                 max_delay: float = 8.0, seed: int = 0, timeout: httpx.Timeout = TIMEOUT,
                 sleep: Callable[[float], Any] | None = None,
                 transport: httpx.BaseTransport | None = None) -> None:
        import time

        self.url, self.attempts = url, max(1, attempts)
        self.base_delay, self.max_delay = base_delay, max_delay
        self.rng = random.Random(seed)  # noqa: S311  (jitter, not secrets)
        self.sleep = sleep or time.sleep
        self._read_timeout = timeout.read or 5.0
        self.client = httpx.Client(timeout=timeout, transport=transport,
                                   headers={"User-Agent": "devsim"})

    def delay(self, retry: int) -> float:
        """Before the ``retry``-th retry (0-based): base × 2^retry, capped, with jitter that
        keeps it between half and all of that."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** retry)
        return ceiling / 2 + self.rng.random() * ceiling / 2

    def post(self, body: Any, attempts: int | None = None) -> Attempt:
        """Deliver ``body``, trying up to ``attempts`` times (default: the poster's)."""
        attempt = Attempt(False, "not tried")
        for n in range(attempts or self.attempts):
            if n:
                self.sleep(self.delay(n - 1))
            attempt = self._once(body)
            if attempt.ok or not attempt.retryable:
                return attempt
        return attempt

    def _once(self, body: Any) -> Attempt:
        try:
            response = self.client.post(self.url, json=body)
        except httpx.HTTPError as exc:
            return Attempt(False, _reason(exc, self._read_timeout))
        if response.is_success:
            return Attempt(True)
        return Attempt(False, _status_reason(response),
                       retryable=response.status_code in RETRIED_STATUS)

    def close(self) -> None:
        self.client.close()


@dataclass
class Health:
    """An endpoint's state as told to the user: one line when it starts failing, one when it
    recovers. ``what`` names it ("alertmanager at http://…")."""

    what: str
    report: Callable[[str], None]
    failing: bool = False
    failures: int = 0  # deliveries failed in a row
    told: list[str] = field(default_factory=list)

    def record(self, attempt: Attempt, *, pending: int) -> None:
        if attempt.ok:
            if self.failing:
                self._tell(f"{self.what} answers again; {pending} alert"
                           f"{'' if pending == 1 else 's'} re-sent")
            self.failing, self.failures = False, 0
            return
        self.failures += 1
        if self.failing:
            return
        self.failing = True
        if attempt.retryable:
            self._tell(f"{self.what} unreachable ({attempt.reason}); alerts are kept and "
                       "re-sent when it answers")
        else:
            self._tell(f"{self.what} rejected the alerts ({attempt.reason}); check that the "
                       "URL is the right one")

    def _tell(self, line: str) -> None:
        self.told.append(line)
        self.report(line)
