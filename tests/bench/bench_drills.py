"""Benchmark: the anomaly detector on seeded shopfront drills, judged by what was injected.

Each drill is a shopfront run with faults of nineteen kinds on different components, one every
30 minutes after an hour of warm-up, ten minutes each (the list is below; its targets rotate
with the seed). The injected experiments are the ground truth, read from the ``chaos.started``
and ``chaos.ended`` events; the scenario's scheduled traffic surge counts as a known window too.

- recall: fault windows with an ``anomaly`` event between the fault's start and five minutes
  after its end, over all windows;
- precision: ``anomaly`` events inside some window (plus five minutes), over all of them;
- time to detect: from the fault's start to the first anomaly in its window (median, p90);
- a clean day: a 24-hour run without faults or surges, and its anomaly episodes;
- cost: the share of a clean day's run time spent on anomaly work (the same run with the
  detector taken out of the watch loop, against with it).

Run from the project root (not collected by pytest):

    python tests/bench/bench_drills.py               # 3 seeds
    python tests/bench/bench_drills.py --seeds 5 --no-clean-day
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time

from engine import Simulation, load_scenario
from engine.commands import InjectFault

WARMUP_MS = 60 * 60_000
EVERY_MS = 30 * 60_000
LASTS_S = 600
GRACE_MS = 5 * 60_000

# (fault, target, parameters); targets rotate with the seed among those of the same kind
DRILLS = (
    ("latency", ["search", "catalog", "cart"], {"latency_ms": 300}),
    ("error-injection", ["payments", "orders", "cart"], {"percent": 20}),
    ("cpu-stress", ["catalog", "search", "web"], {"percent": 80}),
    ("memory-leak", ["cart", "orders", "search"], {}),
    ("db-primary-failure", ["orders-db", "users-db"], {}),
    ("replication-lag", ["users-db", "orders-db"], {}),
    ("cache-flush", ["sessions"], {}),
    ("traffic-spike", ["gateway"], {"percent": 250}),
    ("dependency-outage", ["payment-provider"], {}),
    ("partition", ["inventory", "orders", "search"], {}),
    ("packet-loss", ["search", "cart", "catalog"], {"percent": 20}),
    ("dns-failure", ["web", "api", "checkout"], {"percent": 30}),
    ("instance-kill", ["catalog", "web", "auth"], {"count": 2}),
    ("crash-loop", ["inventory", "cart", "orders"], {"count": 2}),
    ("disk-fill", ["orders-db", "users-db"], {}),
    ("queue-backlog", ["order-events"], {}),
    ("cert-expiry", ["auth", "payments", "search"], {}),
    ("config-error", ["web", "cart", "catalog"], {"percent": 20}),
    ("zone-outage", ["zone-b", "zone-a", "zone-c"], {}),
)


def drill(seed: int) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]], float]:
    spec = load_scenario("shopfront")
    sim = Simulation(spec, seed=seed)
    anomalies: list[tuple[int, str]] = []
    started: dict[int, tuple[int, str]] = {}
    windows: list[tuple[int, int, str]] = []

    def seen(event) -> None:  # noqa: ANN001
        if event.type == "anomaly":
            anomalies.append((event.t, event.data["service"]))
        elif event.type == "chaos.started":
            started[event.data["id"]] = (event.t, f"{event.data['fault']} on "
                                                  f"{event.data['target']}")
        elif event.type == "chaos.ended" and event.data["id"] in started:
            t0, label = started.pop(event.data["id"])
            windows.append((t0, event.t + GRACE_MS, label))

    sim.bus.subscribe(seen)
    for spike in spec.traffic.spikes:
        windows.append((spike.at, spike.at + spike.duration + 2 * spike.ramp + GRACE_MS,
                        "scheduled traffic surge"))
    surges = list(windows)
    clock = time.perf_counter()
    sim.run_for(WARMUP_MS)
    for i, (fault, targets, params) in enumerate(DRILLS):
        while any(s - EVERY_MS < sim.now < e for s, e, _ in surges):  # not over a known surge
            sim.run_for(EVERY_MS)
        target = targets[(seed + i) % len(targets)]
        reply = sim.apply(InjectFault(fault, target, duration=LASTS_S, **params))
        assert reply.ok, reply.message
        sim.run_for(EVERY_MS)
    sim.run_for(GRACE_MS)
    return windows, anomalies, time.perf_counter() - clock


def clean_day(seed: int) -> tuple[int, float, float]:
    spec = load_scenario("shopfront")
    quiet = dataclasses.replace(spec, traffic=dataclasses.replace(spec.traffic, spikes=()))
    timings = []
    episodes = 0
    for detect in (True, False):
        sim = Simulation(quiet, seed=seed)
        if not detect:
            sim.watch.watchers.remove(sim.anomalies.observe)
            sim.watch.batched.remove(sim.anomalies.flush)
        found: list = []
        sim.bus.subscribe(lambda e, found=found: found.append(e) if e.type == "anomaly"
                          else None)
        clock = time.perf_counter()
        sim.run_for(24 * 3_600_000)
        timings.append(time.perf_counter() - clock)
        if detect:
            episodes = len(found)
    with_it, without = timings
    return episodes, with_it, (with_it - without) / with_it


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--no-clean-day", action="store_true")
    args = ap.parse_args()
    hits = total = inside = found = 0
    delays: list[float] = []
    missed: list[str] = []
    for seed in range(1, args.seeds + 1):
        windows, anomalies, took = drill(seed)
        for start, end, label in windows:
            first = [t for t, _ in anomalies if start <= t <= end]
            total += 1
            if first:
                hits += 1
                delays.append((min(first) - start) / 1000)
            else:
                missed.append(f"seed {seed}: {label}")
        inside += sum(any(s <= t <= e for s, e, _ in windows) for t, _ in anomalies)
        found += len(anomalies)
        print(f"seed {seed}: {len(windows)} windows, {len(anomalies)} anomalies ({took:.1f} s)",
              flush=True)
    recall, precision = hits / max(total, 1), inside / max(found, 1)
    print(f"recall {recall:.1%} ({hits}/{total} windows) · precision {precision:.1%} "
          f"({inside}/{found} anomalies inside a window)")
    if delays:
        p90 = sorted(delays)[int(0.9 * (len(delays) - 1))]
        print(f"time to detect: median {statistics.median(delays):.0f} s, p90 {p90:.0f} s")
    for line in missed:
        print(f"  missed: {line}")
    if not args.no_clean_day:
        episodes, seconds, share = clean_day(1)
        print(f"clean day (24 h, no faults, no surge): {episodes} anomaly episodes; run "
              f"{seconds:.1f} s, anomaly work {share:.0%} of it")


if __name__ == "__main__":
    main()
