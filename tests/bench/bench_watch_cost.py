"""Benchmark: what the watch (SLOs, alert rules, anomaly detection) costs in a headless day.

Runs ``--hours`` (default 24) of a scenario in-process and times, in CPU seconds of the main
thread (``time.thread_time``, steadier than wall time on a shared machine), every watcher the
simulation hands its 15-second samples to, and the anomaly detector's batched flush. Prints
each one's share of the whole run.

The anomaly detector's first forest fit imports scikit-learn, which costs about a second once
per process; that import is inside the detector's figure when the run needs the forest (the
default day's traffic surge does). The benchmark also times that import alone in a fresh
interpreter, so the detector's own work can be told from the one-time library load.

Run: ``python tests/bench/bench_watch_cost.py [--scenario shopfront] [--hours 24]``.
"""

from __future__ import annotations

import argparse
import collections
import subprocess
import sys
import time
from collections.abc import Callable

LIMIT = 0.20  # anomaly work at most this share of a headless run


def timed(name: str, fn: Callable, spent: collections.Counter) -> Callable:
    def wrapper(*args: object) -> object:
        start = time.thread_time()
        try:
            return fn(*args)
        finally:
            spent[name] += time.thread_time() - start
    return wrapper


def import_cost() -> float:
    """CPU seconds a fresh interpreter (numpy already loaded) spends importing the forest."""
    code = ("import time, numpy; t = time.process_time(); import sklearn.ensemble; "
            "print(time.process_time() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    return float(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scenario", default="shopfront")
    ap.add_argument("--hours", type=float, default=24.0)
    args = ap.parse_args()
    from engine import Simulation, load_scenario

    start = time.thread_time()
    sim = Simulation(load_scenario(args.scenario), seed=None)
    spent: collections.Counter = collections.Counter()
    watch = sim.watch
    watch.watchers = [timed(getattr(f, "__qualname__", repr(f)), f, spent)
                      for f in watch.watchers]
    watch.batched = [timed(getattr(f, "__qualname__", repr(f)), f, spent)
                     for f in watch.batched]
    sim.run_until(int(args.hours * 3_600_000))
    total = time.thread_time() - start
    print(f"{args.hours:g} h of {args.scenario}: {total:.2f} s of CPU in all")
    for name, seconds in spent.most_common():
        print(f"  {name:<28} {seconds:6.2f} s  {seconds / total:6.1%}")
    anomaly = sum(s for n, s in spent.items() if n.startswith("AnomalyBook"))
    print(f"  {'the watch in all':<28} {sum(spent.values()):6.2f} s  "
          f"{sum(spent.values()) / total:6.1%}")
    forest = "sklearn" in sys.modules
    load = import_cost() if forest else 0.0
    print(f"anomaly work: {anomaly / total:.1%} of the run "
          f"({'PASS' if anomaly / total <= LIMIT else 'FAIL'} against {LIMIT:.0%})")
    if forest:
        own = (anomaly - load) / (total - load)
        print(f"  of which scikit-learn's one-time import ≈ {load:.2f} s "
              f"({load / total:.1%}); the detector's own work ≈ {own:.1%} of the rest")
    else:
        print("  the forest was never needed: scikit-learn was not imported")


if __name__ == "__main__":
    main()
