"""A request-level discrete-event reference for the engine's queueing physics (SimPy).

It models every single request through a small microservice call graph: Poisson arrivals,
round-robin instances with M/M/c workers and bounded waiting lines, a fixed (or lognormal)
extra delay, weighted sequential/parallel calls with per-call timeouts and retries, random
errors and a per-service answer timeout. It shares no code with ``engine`` on purpose: it is
the slow, literal, obviously-right model the engine's fast aggregate physics is checked
against, and is itself checked against closed forms in ``test_reference_des.py``.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Callable, Generator
from typing import Any

import simpy

__all__ = ["simulate"]

Z99 = 2.3263478740408408  # the standard normal 0.99 quantile

SERVICE_DEFAULTS: dict[str, Any] = {
    "capacity": None,  # required
    "workers": 1,
    "instances": 1,
    "latency": 0.0,
    "latency_p99": None,
    "error_rate": 0.0,
    "timeout": None,  # None: the service never times its own requests out
    "queue_limit": None,
    "calls_mode": "sequential",
    "calls": {},
}
CALL_DEFAULTS: dict[str, Any] = {
    "weight": 1.0,
    "timeout": None,
    "retries": 0,
    "backoff": 0.05,
    "mode": None,
}
MODES = ("sequential", "parallel")
NO_TIMEOUT_DRAIN = 60.0  # seconds of drain after the window when some service has no timeout

Proc = Generator[simpy.Event, Any, bool]


class _Deadlines:
    """Timeouts of one fixed length, which therefore expire in the order they were set: one
    watcher process per length instead of a SimPy timeout per request. An entry whose ``done``
    (an event, or a _Request) has triggered by its deadline is dropped; otherwise its
    ``expire`` runs at the deadline."""

    def __init__(self, env: simpy.Environment) -> None:
        self.env = env
        self.queue: deque[tuple[float, simpy.Event | _Request, Callable[[], Any]]] = deque()
        self.idle: simpy.Event | None = None
        env.process(self.watch())

    def add(self, deadline: float, done: simpy.Event | _Request,
            expire: Callable[[], Any]) -> None:
        self.queue.append((deadline, done, expire))
        if self.idle is not None:
            self.idle.succeed()
            self.idle = None

    def watch(self) -> Generator[simpy.Event, Any, None]:
        env, queue = self.env, self.queue
        while True:
            if not queue:
                self.idle = env.event()
                yield self.idle
                continue
            deadline, done, expire = queue[0]
            if done.triggered:
                queue.popleft()
            elif deadline > env.now:
                yield env.timeout(deadline - env.now)
            else:
                queue.popleft()
                expire()


class _Request:
    """One request at one service; ``event`` (only when a caller waits for the answer) fires
    with True or False when it is answered, and ``triggered`` says it has been."""

    __slots__ = ("svc", "t0", "counted", "triggered", "event")

    def __init__(self, svc: _Service, t0: float, counted: bool,
                 event: simpy.Event | None) -> None:
        self.svc = svc
        self.t0 = t0
        self.counted = counted
        self.triggered = False
        self.event = event


class _Call:
    """One edge of the call graph, as the caller sees it."""

    __slots__ = ("callee", "whole", "frac", "timeout", "retries", "backoff", "parallel",
                 "deadlines")

    def __init__(self, env: simpy.Environment, callee: _Service, spec: dict[str, Any],
                 default_mode: str) -> None:
        weight = float(spec["weight"])
        if weight < 0:
            raise ValueError(f"call to {callee.name}: weight must be ≥ 0")
        mode = spec["mode"] or default_mode
        if mode not in MODES:
            raise ValueError(f"call to {callee.name}: mode must be one of {MODES}")
        self.callee = callee
        self.whole = math.floor(weight)
        self.frac = weight - self.whole
        self.timeout: float | None = None if spec["timeout"] is None else float(spec["timeout"])
        self.retries = int(spec["retries"])
        self.backoff = float(spec["backoff"])
        self.parallel = mode == "parallel"
        self.deadlines = None if self.timeout is None else _Deadlines(env)


class _Service:
    """A service: its instances (one SimPy ``Resource`` each) and its counters."""

    def __init__(self, env: simpy.Environment, name: str, spec: dict[str, Any]) -> None:
        unknown = set(spec) - set(SERVICE_DEFAULTS)
        if unknown:
            raise ValueError(f"service {name}: unknown keys {sorted(unknown)}")
        s = {**SERVICE_DEFAULTS, **spec}
        if s["capacity"] is None or float(s["capacity"]) <= 0:
            raise ValueError(f"service {name}: capacity must be > 0")
        self.name = name
        self.workers = int(s["workers"])
        self.rate = float(s["capacity"]) / self.workers  # one worker's service rate
        self.instances = [simpy.Resource(env, capacity=self.workers)
                          for _ in range(int(s["instances"]))]
        self.next = 0  # round-robin cursor
        self.latency = float(s["latency"])
        self.sigma: float | None = None
        if s["latency_p99"] is not None:
            if self.latency <= 0 or float(s["latency_p99"]) < self.latency:
                raise ValueError(f"service {name}: latency_p99 needs 0 < latency ≤ latency_p99")
            self.sigma = math.log(float(s["latency_p99"]) / self.latency) / Z99
        self.error_rate = float(s["error_rate"])
        self.timeout: float | None = None if s["timeout"] is None else float(s["timeout"])
        self.deadlines = None if self.timeout is None else _Deadlines(env)
        self.queue_limit: int | None = None if s["queue_limit"] is None else int(s["queue_limit"])
        if s["calls_mode"] not in MODES:
            raise ValueError(f"service {name}: calls_mode must be one of {MODES}")
        self.calls_mode: str = s["calls_mode"]
        self.call_specs: dict[str, Any] = dict(s["calls"] or {})
        self.calls: list[_Call] = []  # linked once every service exists
        # counters over requests arriving inside the window
        self.arrivals = 0
        self.rejected = 0
        self.answered = 0
        self.failed = 0  # answered with a failure (own error, failed call or timeout)
        self.timed_out = 0
        self.granted = 0  # admitted requests that got a worker before the hard stop
        self.waited = 0  # … of which had to wait for it
        self.wait_sum = 0.0
        self.latencies: list[float] = []
        # time integrals over the window [start, end): something that begins at t₀ and ends
        # at t₁ adds tail(t₀) and subtracts tail(t₁), tail(t) = max(0, end − max(t, start)),
        # which leaves exactly its overlap with the window, without any polling
        self.busy_area = 0.0
        self.in_system_area = 0.0

    def link(self, env: simpy.Environment, services: dict[str, _Service]) -> None:
        for callee, raw in self.call_specs.items():
            if callee not in services:
                raise ValueError(f"service {self.name} calls unknown service {callee!r}")
            spec = {"weight": raw} if isinstance(raw, int | float) else dict(raw)
            unknown = set(spec) - set(CALL_DEFAULTS)
            if unknown:
                raise ValueError(f"call {self.name} → {callee}: unknown keys {sorted(unknown)}")
            spec = {**CALL_DEFAULTS, **spec}
            self.calls.append(_Call(env, services[callee], spec, self.calls_mode))


class _Sim:
    def __init__(self, model: dict, duration: float, warmup: float, seed: int) -> None:
        if duration <= 0 or warmup < 0:
            raise ValueError("duration must be > 0 and warmup ≥ 0")
        self.env = simpy.Environment()
        self.rng = random.Random(seed)
        self.start = float(warmup)
        self.end = float(warmup) + float(duration)
        self.duration = float(duration)
        self.services = {name: _Service(self.env, name, spec)
                         for name, spec in model["services"].items()}
        for svc in self.services.values():
            svc.link(self.env, self.services)
        self.entry: dict[str, float] = {}
        for name, rate in model.get("entry", {}).items():
            if name not in self.services:
                raise ValueError(f"entry into unknown service {name!r}")
            if rate > 0:
                self.entry[name] = float(rate)

    # -- processes --------------------------------------------------------------------------
    def source(self, svc: _Service, rate: float) -> Generator[simpy.Event, Any, None]:
        env, rng, end = self.env, self.rng, self.end
        while True:
            yield env.timeout(rng.expovariate(rate))
            if env.now >= end:
                return
            self.request(svc, awaited=False)

    def request(self, svc: _Service, awaited: bool = True) -> simpy.Event | None:
        """Send one request to ``svc`` now. If ``awaited``, return an event that fires with
        True (success) or False (failure) when the request is answered."""
        env = self.env
        t0 = env.now
        counted = self.start <= t0 < self.end
        res = svc.instances[svc.next]
        svc.next = (svc.next + 1) % len(svc.instances)
        event = env.event() if awaited else None
        if counted:
            svc.arrivals += 1
        if svc.queue_limit is not None and len(res.queue) >= svc.queue_limit:
            if counted:
                svc.rejected += 1
            return event.succeed(False) if event is not None else None
        svc.in_system_area += max(0.0, self.end - max(t0, self.start))
        r = _Request(svc, t0, counted, event)
        env.process(self.work(r, res))
        if svc.deadlines is not None:
            svc.deadlines.add(t0 + svc.timeout, r, lambda: self.answer(r, False, timed_out=True))
        return event

    def answer(self, r: _Request, ok: bool, timed_out: bool = False) -> None:
        """Answer a request once: by its work finishing, or by its timeout."""
        if r.triggered:
            return  # already answered (timed out); the background work just ends
        r.triggered = True
        if r.event is not None:
            r.event.succeed(ok)
        svc, now = r.svc, self.env.now
        svc.in_system_area -= max(0.0, self.end - max(now, self.start))
        if r.counted:
            svc.answered += 1
            if not ok:
                svc.failed += 1
            if timed_out:
                svc.timed_out += 1
                svc.latencies.append(svc.timeout)  # exactly the timeout, free of float noise
            else:
                svc.latencies.append(now - r.t0)

    def work(self, r: _Request, res: simpy.Resource) -> Generator[simpy.Event, Any, None]:
        env, rng, svc, t0 = self.env, self.rng, r.svc, r.t0
        req = res.request()
        waited = not req.triggered  # granted at once iff a worker was free
        if waited:
            yield req
        now = env.now
        if r.counted:
            svc.granted += 1
            svc.waited += waited
            svc.wait_sum += now - t0
        start, end = self.start, self.end
        svc.busy_area += max(0.0, end - max(now, start))  # tail(now), see _Service
        yield env.timeout(rng.expovariate(svc.rate))
        svc.busy_area -= max(0.0, end - max(env.now, start))
        res.release(req)
        delay = svc.latency
        if svc.sigma is not None:
            delay = rng.lognormvariate(math.log(svc.latency), svc.sigma)
        if delay > 0:
            yield env.timeout(delay)
        ok = True
        if svc.calls and not (yield from self.calls(svc)):
            ok = False
        if svc.error_rate > 0 and rng.random() < svc.error_rate:
            ok = False
        self.answer(r, ok)

    def calls(self, svc: _Service) -> Proc:
        """All of one request's calls. The counts are drawn up front; then, in declaration
        order, each sequential call runs on its own and each run of consecutive parallel
        calls starts together and is awaited as a whole. True iff every call succeeded."""
        rng = self.rng
        plan: list[tuple[_Call, int]] = []
        for call in svc.calls:
            n = call.whole + (1 if call.frac > 0 and rng.random() < call.frac else 0)
            if n:
                plan.append((call, n))
        ok = True
        group: list[_Call] = []
        for call, n in plan:
            if call.parallel:
                group.extend([call] * n)
                continue
            if group:
                ok = (yield from self.fan_out(group)) and ok
                group = []
            for _ in range(n):
                ok = (yield from self.call(call)) and ok
        if group:
            ok = (yield from self.fan_out(group)) and ok
        return ok

    def fan_out(self, group: list[_Call]) -> Proc:
        if len(group) == 1:
            return (yield from self.call(group[0]))
        procs = [self.env.process(self.call(c)) for c in group]
        yield self.env.all_of(procs)
        return all(p.value for p in procs)

    def call(self, call: _Call) -> Proc:
        """One call with its retries: True iff some attempt succeeded in time."""
        env = self.env
        for attempt in range(call.retries + 1):
            ev = self.request(call.callee)
            assert ev is not None  # awaited, so there is an answer event
            if call.timeout is not None:
                ev = self.within(ev, call.timeout, call.deadlines)
            if (yield ev):
                return True
            if attempt < call.retries and call.backoff > 0:
                yield env.timeout(call.backoff)
        return False

    def within(self, ev: simpy.Event, limit: float, deadlines: _Deadlines) -> simpy.Event:
        """An event with ``ev``'s outcome if it comes within ``limit``, else False then."""
        out = self.env.event()

        def settle(fired: simpy.Event) -> None:
            if not out.triggered:
                out.succeed(bool(fired.value))

        ev.callbacks.append(settle)  # ev is fresh: triggered perhaps, never yet processed
        deadlines.add(self.env.now + limit, out, lambda: out.succeed(False))
        return out

    # -- run --------------------------------------------------------------------------------
    def run(self) -> dict[str, dict[str, float]]:
        for name, rate in self.entry.items():
            self.env.process(self.source(self.services[name], rate))
        timeouts = [s.timeout for s in self.services.values()]
        finite = [t for t in timeouts if t is not None]
        drain = max(finite, default=0.0)
        if len(finite) < len(timeouts):
            drain = max(drain, NO_TIMEOUT_DRAIN)
        # every counted request is answered by end + its service's timeout; + 1 s of slack
        self.env.run(until=self.end + drain + 1.0)
        return {name: self.report(svc) for name, svc in self.services.items()}

    def report(self, svc: _Service) -> dict[str, float]:
        d = self.duration
        lat = sorted(svc.latencies)
        unanswered = svc.arrivals - svc.rejected - svc.answered
        failed = svc.failed + svc.rejected + unanswered
        nan = math.nan
        return {
            "arrivals": svc.arrivals / d,
            "admitted": (svc.arrivals - svc.rejected) / d,
            "rejected": svc.rejected / d,
            "throughput": svc.answered / d,
            "error_rate": failed / svc.arrivals if svc.arrivals else 0.0,
            "p50": _quantile(lat, 0.50),
            "p99": _quantile(lat, 0.99),
            "mean": sum(lat) / len(lat) if lat else nan,
            "utilisation": svc.busy_area / (d * svc.workers * len(svc.instances)),
            # extras
            "timed_out": svc.timed_out / d,
            "unanswered": unanswered / d,
            "waited_share": svc.waited / svc.granted if svc.granted else nan,
            "mean_wait": svc.wait_sum / svc.granted if svc.granted else nan,
            "in_system": svc.in_system_area / d,
        }


def _quantile(xs: list[float], q: float) -> float:
    """The q-quantile of sorted ``xs``, interpolating linearly (numpy's default)."""
    if not xs:
        return math.nan
    pos = q * (len(xs) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def simulate(model: dict, duration: float, warmup: float = 30.0,
             seed: int = 1) -> dict[str, dict[str, float]]:
    """Simulate ``model`` request by request; statistics per service over the requests that
    arrive in [warmup, warmup + duration), rates per second of that window.

    Keys: arrivals, admitted, rejected, throughput (answered, failures included), error_rate
    (failed incl. rejected, timed out and unanswered, over arrivals), p50/p99/mean latency
    (answered, non-rejected; a timeout counts as exactly the timeout), utilisation (busy
    workers / workers over the window). Extras: timed_out and unanswered (per second; the
    latter are requests still open at the hard stop), waited_share (admitted requests that
    had to wait for a worker), mean_wait (time to a worker, zeros included) and in_system
    (time-average number of admitted, not yet answered requests over the window).
    """
    return _Sim(model, duration, warmup, seed).run()

