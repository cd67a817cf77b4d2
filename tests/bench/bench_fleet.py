"""Benchmark: engine tick throughput on generated fleets of 100 to 100,000 instances, against
the same fleet modelled one process per instance in SimPy.

For each size it generates a scenario as YAML text and loads it with ``parse_scenario``:

- a layered call graph: a few edge services (the traffic entry points), then four more layers
  growing geometrically (at most ×3 a layer); every service calls 1–3 services of the next
  layer (each next-layer service has at least one caller), and the last layer calls one or
  two of a couple of PostgreSQL databases, each with read replicas;
- services ≈ clamp(instances / 50, 10, 500); replicas spread over the services in proportion
  to the traffic each receives, so that services' replicas + database nodes equals the target
  instance count (within 1 %);
- entry traffic sized so an average service instance serves 100 requests/s, and each
  service's (and database's) capacity set so utilisation is ≈ 50 %; diurnal swing ±10 % and
  noise on (0.05); one environment (``production``); ``tick: 1s``; no autoscaling.

Then, per size, it measures:

- devsim: the time to parse and build the ``Simulation``; ticks per wall second and µs per
  tick over a timed loop (after 50 warm-up ticks) that runs the larger of ``--ticks`` ticks or
  ``--seconds`` of wall time; the peak RSS of the process (``ru_maxrss``) and
  ``sim.metrics.nbytes()``;
- SimPy: the same fleet as one SimPy process per instance. Each simulated second every
  process draws its arrivals (Poisson with the λ the engine gave that instance after its
  warm-up), works out its M/M/1 utilisation, mean/p50/p95/p99 latency, backlog, in-flight,
  CPU and memory with plain Python math, and adds its figures to its service's totals — the
  per-instance work of one engine tick, written the way a per-process discrete-event model
  would be. Its run is capped at ``--simpy-seconds`` of wall time (at 100k instances that is
  only a few simulated seconds; the output says how many ticks were measured).

Each size runs in a fresh child process (this script with ``--worker``), so every RSS figure
is that size's own peak; ``--in-process`` runs them all here instead.

Run it from the project root (SimPy comes with ``pip install -e '.[bench]'``):

    python tests/bench/bench_fleet.py
    python tests/bench/bench_fleet.py --sizes 100,10000 --ticks 2000 --seconds 3
    python tests/bench/bench_fleet.py --no-simpy
    python tests/bench/bench_fleet.py --yaml 1000 > fleet.yaml    # just print a scenario

Not a pytest test (pytest does not collect tests/bench). Exit status 0 when every measured
fleet reaches its limit (10k instances ≥ 1,000 ticks/s, 100k ≥ 300), 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any

DEFAULT_SIZES = (100, 1_000, 10_000, 100_000)
# ticks/s: (limit, aim) per fleet size
TARGETS = {10_000: (1000.0, 1000.0), 100_000: (300.0, 500.0)}
LAYERS = 5  # the edge layer and four below it
WARMUP_TICKS = 50
TARGET_RHO = 0.5
RPS_PER_INSTANCE = 100.0  # what an average service instance serves (capacity ≈ 200/s)
SEED = 7


# -- the generated fleet --------------------------------------------------------------------
@dataclass
class Fleet:
    target: int
    services: int
    instances: int = 0
    databases: int = 0
    db_nodes: int = 0
    edges: int = 0
    layers: list[int] = field(default_factory=list)
    yaml: str = ""


def _split(total: int, weights: list[float], minimum: int) -> list[int]:
    """Integers ≥ ``minimum`` summing to ``total``, in proportion to ``weights`` (largest
    remainder)."""
    spare = total - minimum * len(weights)
    if spare < 0:
        raise ValueError(f"{total} cannot give {len(weights)} items at least {minimum} each")
    scale = spare / sum(weights)
    raw = [w * scale for w in weights]
    out = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: spare - sum(out)]:
        out[i] += 1
    return [o + minimum for o in out]


def _layer_sizes(services: int) -> list[int]:
    """A few edge services, then layers growing by a common ratio (≤ 3)."""
    edge = max(2, round(services ** 0.25))
    # find r with edge·(1 + r + … + r⁴) = services
    lo, hi = 1.0, 3.0
    for _ in range(60):
        r = (lo + hi) / 2
        if edge * sum(r**k for k in range(LAYERS)) < services:
            lo = r
        else:
            hi = r
    sizes = [edge] + [max(1, round(edge * lo**k)) for k in range(1, LAYERS)]
    sizes[-1] += services - sum(sizes)
    for k in range(1, LAYERS):  # keep every layer coverable by ≤ 3 calls per caller
        if not sizes[k - 1] <= sizes[k] <= 3 * sizes[k - 1]:
            raise AssertionError(f"bad layer sizes {sizes} for {services} services")
    return sizes


def make_fleet(target: int, seed: int = SEED) -> Fleet:
    """Generate the scenario YAML for a fleet of ``target`` instances."""
    rng = random.Random(seed)
    services = min(max(target // 50, 10), 500)
    layers = _layer_sizes(services)
    names: list[list[str]] = []
    for k, size in enumerate(layers):
        prefix = "edge" if k == 0 else f"l{k}"
        names.append([f"{prefix}-{i}" for i in range(size)])
    databases = min(max(services // 50, 2), 10)
    db_replicas = min(max(round(math.log10(target)), 1), 5)
    db_names = [f"db-{i}" for i in range(databases)]

    # calls: layer k → layer k+1, each caller 1–3 callees, every callee called at least once
    calls: dict[str, dict[str, float]] = {}
    for k in range(LAYERS - 1):
        callers, callees = names[k], names[k + 1]
        for name in callers:
            calls[name] = {}
        for j, callee in enumerate(callees):  # coverage: round-robin, ≤ 3 each (sizes ≤ ×3)
            calls[callers[j % len(callers)]][callee] = 0.0
        for name in callers:
            want = min(rng.randint(1, 3), len(callees))
            spare = [c for c in callees if c not in calls[name]]
            rng.shuffle(spare)
            while len(calls[name]) < want:
                calls[name][spare.pop()] = 0.0
            for callee in calls[name]:
                calls[name][callee] = round(rng.uniform(0.3, 1.0), 2)
    for j, name in enumerate(names[-1]):
        picks = {db_names[j % databases]}
        if databases > 1 and rng.random() < 0.5:
            picks.add(db_names[(j + 1 + rng.randrange(databases - 1)) % databases])
        calls[name] = {db: round(rng.uniform(0.5, 2.0), 2) for db in sorted(picks)}

    # relative traffic per component (entry split evenly over the edge layer)
    load: dict[str, float] = dict.fromkeys([*(n for layer in names for n in layer), *db_names],
                                           0.0)
    for name in names[0]:
        load[name] = 1.0 / len(names[0])
    for layer in names:
        for name in layer:
            for callee, w in calls[name].items():
                load[callee] += w * load[name]
    all_services = [n for layer in names for n in layer]
    service_instances = target - databases * (db_replicas + 1)
    replicas = dict(zip(all_services, _split(service_instances, [load[n] for n in all_services],
                                             1), strict=True))
    rps = RPS_PER_INSTANCE * service_instances / sum(load[n] for n in all_services)

    lines = [
        "# generated by tests/bench/bench_fleet.py",
        f"name: fleet-{target}",
        f"title: generated fleet of {target} instances",
        f"seed: {seed}",
        "tick: 1s",
        'start: "08:00"  # the diurnal curve is at its mean here',
        "environments: {production: {}}",
        "traffic:",
        f"  rps: {rps:.3f}",
        f"  entry: [{', '.join(names[0])}]",
        '  diurnal: {amplitude: 0.1, peak: "14:00"}',
        "  noise: 0.05",
        "services:",
    ]
    edges = 0
    for k, layer in enumerate(names):
        for name in layer:
            n = replicas[name]
            capacity = load[name] * rps / n / TARGET_RHO
            latency = rng.choice((2, 5, 8, 10, 15, 20))
            body = [f"replicas: {n}", f"capacity: {capacity:.4g}", f"latency: {latency}ms",
                    "timeout: 10s" if k < 2 else "timeout: 5s"]
            edges += len(calls[name])
            pairs = ", ".join(f"{c}: {w:g}" for c, w in calls[name].items())
            body.append(f"calls: {{{pairs}}}")
            lines.append(f"  {name}: {{{', '.join(body)}}}")
    lines.append("databases:")
    write_ratio = 1.0 / (db_replicas + 1)  # primary (writes) and replicas (reads) load alike
    for db in db_names:
        node_rps = load[db] * rps / (db_replicas + 1)
        capacity = node_rps / TARGET_RHO
        per_rps = 1024.0 / max(node_rps, 1.0)  # ≈ 1 GiB above base at the mean load
        # every client instance keeps a pool of 10 connections (the default) to the cluster;
        # the nodes accept half as much again between them
        clients = sum(replicas[s] for s, c in calls.items() if db in c)
        conns = int(clients * 10 * 1.5 / (db_replicas + 1)) + 50
        apply_rate = node_rps * 4
        lines.append(
            f"  {db}: {{replicas: {db_replicas}, capacity: {capacity:.4g}, latency: 2ms, "
            f"max_connections: {conns}, write_ratio: {write_ratio:.4f}, "
            f"replication: {{mode: async, apply_rate: {apply_rate:.4g}, base_lag: 50ms}}, "
            f"memory: {{base: 2Gi, per_rps: {per_rps:.4g}, limit: 16Gi}}}}")
    total = sum(replicas.values()) + databases * (db_replicas + 1)
    return Fleet(target, services, total, databases, databases * (db_replicas + 1), edges,
                 layers, "\n".join(lines) + "\n")


# -- measurements ---------------------------------------------------------------------------
def peak_rss_mb() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return usage / (1 << 20 if sys.platform == "darwin" else 1 << 10)


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1 << 20)
    except OSError:
        return float("nan")


@dataclass
class Result:
    instances: int
    services: int
    nodes: int = 0
    edges: int = 0
    build_s: float = 0.0
    ticks: int = 0
    wall_s: float = 0.0
    ticks_per_s: float = 0.0
    us_per_tick: float = 0.0
    cpu_us_per_tick: float = 0.0
    rss_mb: float = 0.0
    rss_growth_mb: float = 0.0
    metrics_mb: float = 0.0
    mean_rho: float = 0.0
    max_rho: float = 0.0
    errors: float = 0.0
    simpy_build_s: float | None = None
    simpy_ticks: int = 0
    simpy_wall_s: float = 0.0
    simpy_ticks_per_s: float | None = None
    simpy_cpu_ticks_per_s: float | None = None
    simpy_rss_mb: float | None = None
    simpy_mean_rho: float | None = None


def bench_devsim(fleet: Fleet, ticks: int, seconds: float) -> tuple[Result, Any]:
    from engine import Simulation, parse_scenario

    start = time.perf_counter()
    spec = parse_scenario(fleet.yaml, "<fleet>")
    sim = Simulation(spec)
    build = time.perf_counter() - start
    world = sim.world
    res = Result(len(world.inst), fleet.services, world.topo.size, len(world.topo.edge_src),
                 build)
    print(f"[{fleet.target}] instances {len(world.inst)} (target {fleet.target}), services "
          f"{fleet.services} in layers {fleet.layers}, databases {fleet.databases} "
          f"({fleet.db_nodes} nodes), call edges {res.edges}", flush=True)
    print(f"[{fleet.target}] devsim build (parse + Simulation): {build:.2f} s", flush=True)

    sim.step(WARMUP_TICKS)
    rss_before = current_rss_mb()
    chunk = 1
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while done < ticks or elapsed < seconds:
        sim.step(chunk)
        done += chunk
        elapsed = time.perf_counter() - start
        if elapsed < 0.05:  # keep the clock reads rare but the overshoot small
            chunk = min(chunk * 2, 256)
    res.cpu_us_per_tick = (time.process_time() - cpu_start) / done * 1e6
    res.ticks, res.wall_s = done, elapsed
    res.ticks_per_s = done / elapsed
    res.us_per_tick = elapsed / done * 1e6
    res.rss_mb = peak_rss_mb()
    res.rss_growth_mb = current_rss_mb() - rss_before
    res.metrics_mb = sim.metrics.nbytes() / (1 << 20)
    ready = world.inst.state == 1
    res.mean_rho = float(world.inst.rho[ready].mean())
    res.max_rho = float(world.inst.rho[ready].max())
    snap_err = float(world.node_metrics[1].max())
    res.errors = snap_err
    print(f"[{fleet.target}] devsim: {done} ticks in {elapsed:.2f} s = {res.ticks_per_s:.0f} "
          f"ticks/s, {res.us_per_tick:.0f} µs/tick ({res.cpu_us_per_tick:.0f} µs of CPU)",
          flush=True)
    print(f"[{fleet.target}] devsim: utilisation mean {res.mean_rho:.2f}, max {res.max_rho:.2f}; "
          f"worst node error rate {snap_err:.2g}", flush=True)
    print(f"[{fleet.target}] devsim: peak rss {res.rss_mb:.1f} MB (grew {res.rss_growth_mb:+.1f} "
          f"MB over the timed loop), metrics.nbytes {res.metrics_mb:.1f} MB", flush=True)
    return res, sim


# -- the SimPy model ------------------------------------------------------------------------
_RHO_MAX = 0.95
_Q = (1.0, -math.log(0.5), -math.log(0.05), -math.log(0.01))  # mean, p50, p95, p99 of Exp


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson variate in plain Python: multiplication for small λ, Hörmann's PTRS
    (transformed rejection with squeeze) above 10."""
    if lam < 10.0:
        limit, k, p = math.exp(-lam), 0, rng.random()
        while p > limit:
            k += 1
            p *= rng.random()
        return k
    slam, loglam = math.sqrt(lam), math.log(lam)
    b = 0.931 + 2.53 * slam
    a = -0.059 + 0.02483 * b
    inv_alpha = 1.1239 + 1.1328 / (b - 3.4)
    vr = 0.9277 - 3.6224 / (b - 2)
    while True:
        u = rng.random() - 0.5
        v = rng.random()
        us = 0.5 - abs(u)
        k = math.floor((2 * a / us + b) * u + lam + 0.43)
        if us >= 0.07 and v <= vr:
            return k
        if k < 0 or (us < 0.013 and v > us):
            continue
        if (math.log(v) + math.log(inv_alpha) - math.log(a / (us * us) + b)
                <= -lam + k * loglam - math.lgamma(k + 1)):
            return k


def instance_process(env: Any, rng: random.Random, lam: float, mu: float, base: float,
                     cap: float, idle: float, mem_base: float, mem_rps: float, leak: float,
                     node: int, totals: list[list[float]]):
    """One instance: each simulated second, its arrivals, queue, latency, CPU and memory."""
    backlog = leaked = 0.0
    acc = totals[node]
    while True:
        yield env.timeout(1)
        arrivals = poisson(rng, lam)
        rate = float(arrivals)  # requests/s this second
        rho = rate / mu
        inv = 1.0 / (mu * (1.0 - min(rho, _RHO_MAX)))
        delay = base
        overflow = 0.0
        if backlog > 0.0 or rho > 1.0:
            backlog = max(backlog + (rate - mu), 0.0)
            if backlog > cap:
                backlog = cap
                overflow = max(rate - mu, 0.0) / max(rate, 1e-9)
            delay += backlog / mu
        mean, p50, p95, p99 = (delay + q * inv for q in _Q)
        in_flight = rate * (inv + base) + backlog
        cpu = idle + (1.0 - idle) * min(rho, 1.0)
        leaked += leak
        mem = mem_base + mem_rps * rate + leaked
        acc[0] += rate
        acc[1] += rate * p99
        acc[2] += rate * (1.0 - overflow)
        acc[3] += cpu
        acc[4] += mem
        acc[5] += in_flight
        acc[6] += rho
        del mean, p50, p95


def bench_simpy(sim: Any, ticks: int, seconds: float, res: Result) -> None:
    import simpy

    world = sim.world
    inst = world.inst
    n = len(inst)
    topo, routing, node = world.topo, world.routing(), inst.node
    timeout_cap = routing.mu * topo.timeout[node] * 0.5  # the queue the engine allows
    columns = (inst.lam.tolist(), routing.mu.tolist(), topo.base_latency[node].tolist(),
               timeout_cap.tolist(), topo.cpu_idle[node].tolist(),
               topo.mem_base[node].tolist(), topo.mem_per_rps[node].tolist(),
               (world.versions.memory_leak[inst.version] / 60.0).tolist(), node.tolist())
    start = time.perf_counter()
    env = simpy.Environment()
    totals = [[0.0] * 7 for _ in range(world.topo.size)]
    for i, (lam, mu, base, cap, idle, mbase, mrps, leak, node) in enumerate(zip(*columns,
                                                                                strict=True)):
        env.process(instance_process(env, random.Random(SEED * 1_000_003 + i), lam, mu, base,
                                     cap, idle, mbase, mrps, leak, node, totals))
    env.run(until=1e-9)  # start every process (each is now waiting for its first second)
    res.simpy_build_s = time.perf_counter() - start

    env.run(until=1 + 1e-9)  # one warm-up second
    budget = min(ticks, max(1, int(seconds * 1e6)))  # ticks cap; wall time usually stops first
    done = 0
    start, cpu_start = time.perf_counter(), time.process_time()
    elapsed = 0.0
    while done < budget and (elapsed < seconds or done == 0):
        env.run(until=env.now + 1)
        done += 1
        elapsed = time.perf_counter() - start
    res.simpy_cpu_ticks_per_s = done / max(time.process_time() - cpu_start, 1e-9)
    res.simpy_ticks, res.simpy_wall_s = done, elapsed
    res.simpy_ticks_per_s = done / elapsed
    res.simpy_rss_mb = peak_rss_mb()
    res.simpy_mean_rho = sum(t[6] for t in totals) / (n * (done + 1))
    few = " (few ticks: the cap is wall time)" if done < 20 else ""
    print(f"[{res.instances}] simpy: {n} processes built in {res.simpy_build_s:.2f} s; "
          f"{done} simulated seconds in {elapsed:.2f} s = {res.simpy_ticks_per_s:.2f} ticks/s"
          f"{few}", flush=True)
    print(f"[{res.instances}] simpy: utilisation mean {res.simpy_mean_rho:.2f}; peak rss "
          f"{res.simpy_rss_mb:.1f} MB (engine still loaded)", flush=True)
    cpu_ratio = 1e6 / res.cpu_us_per_tick / res.simpy_cpu_ticks_per_s
    print(f"[{res.instances}] ratio devsim/simpy: {res.ticks_per_s / res.simpy_ticks_per_s:.0f}× "
          f"by wall time, {cpu_ratio:.0f}× by CPU time", flush=True)


def have_simpy() -> bool:
    try:
        import simpy  # noqa: F401
    except ImportError:
        return False
    return True


def run_size(size: int, args: argparse.Namespace) -> Result:
    fleet = make_fleet(size)
    if abs(fleet.instances - size) > 0.01 * size:
        raise AssertionError(f"fleet has {fleet.instances} instances, target {size}")
    res, sim = bench_devsim(fleet, args.ticks, args.seconds)
    if not args.no_simpy:
        bench_simpy(sim, args.simpy_ticks, args.simpy_seconds, res)
    return res


# -- driver ---------------------------------------------------------------------------------
def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def print_table(results: list[Result], simpy_missing: bool) -> None:
    print()
    head = ("instances", "services", "devsim ticks/s", "µs/tick", "SimPy ticks/s", "ratio",
            "RSS MB")
    rows = []
    for r in results:
        ratio = (r.ticks_per_s / r.simpy_ticks_per_s) if r.simpy_ticks_per_s else None
        simpy = _fmt(r.simpy_ticks_per_s, ".3g" if (r.simpy_ticks_per_s or 0) < 100 else ".0f")
        if r.simpy_ticks_per_s is not None and r.simpy_ticks < 20:
            simpy += f" ({r.simpy_ticks} ticks)"
        rows.append((f"{r.instances:,}", f"{r.services}", f"{r.ticks_per_s:,.0f}",
                     f"{r.us_per_tick:,.0f}", simpy, "-" if ratio is None else f"{ratio:,.0f}×",
                     f"{r.rss_mb:.0f}"))
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(head)]
    print(" | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    print()
    for r in results:
        simpy_cpu = (f", SimPy {r.simpy_cpu_ticks_per_s:.3g} ticks/s by CPU time over "
                     f"{r.simpy_ticks} ticks" if r.simpy_cpu_ticks_per_s else "")
        print(f"{r.instances:,} instances: build {r.build_s:.2f} s, {r.nodes} nodes, "
              f"{r.edges} call edges; devsim {r.ticks} ticks timed, "
              f"{1e6 / r.cpu_us_per_tick:,.0f} ticks/s by CPU time{simpy_cpu}; "
              f"metrics.nbytes {r.metrics_mb:.1f} MB, rss growth over the loop "
              f"{r.rss_growth_mb:+.1f} MB")
    if simpy_missing:
        print("SimPy: not installed — pip install -e '.[bench]'")
    for size, (limit, aim) in TARGETS.items():
        near = [r for r in results if abs(r.instances - size) <= size // 100]
        for r in near:
            print(f"{size:,} instances: {r.ticks_per_s:,.0f} ticks/s — limit ≥ {limit:g}: "
                  f"{'PASS' if r.ticks_per_s >= limit else 'FAIL'}; aim ≥ {aim:g}: "
                  f"{'PASS' if r.ticks_per_s >= aim else 'FAIL'} (by CPU time "
                  f"{1e6 / r.cpu_us_per_tick:,.0f} ticks/s)")
        if not near:
            print(f"{size:,} instances: not measured")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="comma-separated instance counts (default 100,1000,10000,100000)")
    parser.add_argument("--ticks", type=int, default=500,
                        help="devsim: timed ticks at least (default 500)")
    parser.add_argument("--seconds", type=float, default=2.0,
                        help="devsim: timed wall seconds at least (default 2)")
    parser.add_argument("--simpy-seconds", type=float, default=3.0,
                        help="SimPy: wall-time cap per size (default 3; at least one tick)")
    parser.add_argument("--simpy-ticks", type=int, default=10_000,
                        help="SimPy: tick cap per size (default 10000)")
    parser.add_argument("--no-simpy", action="store_true", help="skip the SimPy model")
    parser.add_argument("--in-process", action="store_true",
                        help="run every size in this process (RSS is then cumulative)")
    parser.add_argument("--yaml", type=int, metavar="N", help="print the scenario for N "
                        "instances and exit")
    parser.add_argument("--worker", type=int, metavar="N", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.yaml:
        print(make_fleet(args.yaml).yaml, end="")
        return 0
    simpy_missing = False
    if not args.no_simpy and not have_simpy():
        print("SimPy is not installed; the comparison is skipped. Install it with:\n"
              "    pip install -e '.[bench]'", file=sys.stderr)
        args.no_simpy = simpy_missing = True
    if args.worker:
        res = run_size(args.worker, args)
        print("RESULT " + json.dumps(asdict(res)), flush=True)
        return 0

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    print(f"python {sys.version.split()[0]}, cpus {os.cpu_count()}, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    results = []
    for size in sizes:
        if args.in_process:
            results.append(run_size(size, args))
            continue
        argv = [sys.executable, os.path.abspath(__file__), "--worker", str(size),
                "--ticks", str(args.ticks), "--seconds", str(args.seconds),
                "--simpy-seconds", str(args.simpy_seconds),
                "--simpy-ticks", str(args.simpy_ticks)]
        if args.no_simpy:
            argv.append("--no-simpy")
        with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True) as child:
            assert child.stdout is not None
            result = None
            for line in child.stdout:
                if line.startswith("RESULT "):
                    result = Result(**json.loads(line[7:]))
                else:
                    print(line, end="", flush=True)
        if child.returncode or result is None:
            print(f"size {size}: the worker failed (exit {child.returncode})", file=sys.stderr)
            return 2
        results.append(result)
    print_table(results, simpy_missing)
    return 1 if any(r.ticks_per_s < TARGETS[size][0] for size in TARGETS for r in results
                    if abs(r.instances - size) <= size // 100) else 0


if __name__ == "__main__":
    sys.exit(main())
