"""Benchmark: reactive against predictive autoscaling through a flash sale on shopfront.

The flash sale, daily at the same hour (the second day's is watched): traffic doubles within
a minute, holds for half an hour, and falls back. Every autoscaled service runs the reactive
HPA rules, or the same rules plus the traffic forecast (``autoscale SERVICE predictive``: a
ridge regression on time of day, the rate, its 15-minute trend and the rate a day before the
moment forecast, ``horizon`` ahead). For each seed it counts
the minutes in the two hours from the sale's start in which the gateway's p99 was outside its
latency objective (1.25× its p99 over the hour before the sale) or more than 1 % of its
requests failed, and the minutes in which some autoscaled service ran above 85 % CPU (it had
outrun its scaler), and prints both, per seed and in total.

    python tests/bench/bench_predictive.py            # seeds 1-5
    python tests/bench/bench_predictive.py --seeds 3
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine import Simulation, load_scenario  # noqa: E402
from engine.metrics import M  # noqa: E402
from engine.scenario.spec import SpikeSpec  # noqa: E402

SALE_AT = 27 * 3_600_000  # the second day's sale: the first is yesterday's
OBJECTIVE = 1.25  # × the p99 of the hour before
HOT_CPU = 0.85  # an autoscaled service this busy has outrun its scaler
WATCH_MIN = 120


def flash_sale():  # noqa: ANN201
    spec = load_scenario("shopfront")
    sales = tuple(SpikeSpec(at=at, duration=30 * 60_000, factor=2.0, ramp=60_000)
                  for at in (SALE_AT - 24 * 3_600_000, SALE_AT))  # daily, at the same hour
    return dataclasses.replace(spec, traffic=dataclasses.replace(spec.traffic, spikes=sales))


def bad_minutes(seed: int, predictive: bool) -> tuple[int, int, float]:
    sim = Simulation(flash_sale(), seed=seed)
    if predictive:
        for node in sim.autoscaler.policies:
            sim.autoscaler.set_policy(node, None, None, None, predictive=True)
    started = time.perf_counter()
    sim.run_for(SALE_AT - 60_000)
    gateway = sim.world.topo.find("gateway")
    usual = sim.metrics.window_quantile_ms(gateway, 0.99, 3_600_000, sim.now)
    scaled = [n.index for n in sim.autoscaler.nodes]
    bad = hot = 0
    for _ in range(WATCH_MIN):
        sim.run_for(60_000)
        recent = sim.metrics.recent(60_000, sim.now)
        bad += bool(recent["p99_ms"][gateway] > OBJECTIVE * usual
                    or recent["error_rate"][gateway] > 0.01)
        _, cpu = zip(*(sim.metrics.series(n, M.CPU, 60_000, sim.now) for n in scaled),
                     strict=True)
        hot += bool(max(float(c.max()) for c in cpu) > HOT_CPU)
    return bad, hot, time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    totals = {False: [0, 0], True: [0, 0]}
    for seed in range(1, args.seeds + 1):
        line = [f"seed {seed}:"]
        for predictive in (False, True):
            bad, hot, took = bad_minutes(seed, predictive)
            totals[predictive][0] += bad
            totals[predictive][1] += hot
            line.append(f"{'predictive' if predictive else 'reactive'} {bad} min out, {hot} "
                        f"min above {HOT_CPU:.0%} cpu ({took:.1f} s)")
        print("  ".join(line), flush=True)
    print(f"over {args.seeds} seeds × {WATCH_MIN} min — minutes outside the objective: "
          f"reactive {totals[False][0]}, predictive {totals[True][0]}; minutes with a service "
          f"above {HOT_CPU:.0%} cpu: reactive {totals[False][1]}, predictive {totals[True][1]}")


if __name__ == "__main__":
    main()
