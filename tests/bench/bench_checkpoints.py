"""Benchmark: what checkpoints cost (capture time, memory) and what a rewind takes.

For each estate — the default scenario ``shopfront`` and the generated fleet of about 1,000
instances from ``bench_fleet.py`` — it runs ``--hours`` of simulated time twice in this
process: once with checkpoints off, once with them on (every 5 simulated minutes), timing each
capture. It prints:

- captures taken, and their time: median, p90 and the longest;
- the memory the kept checkpoints hold at the end, and the most they held during the run
  (blocks shared between checkpoints counted once), with how many were kept;
- the run's wall time with and without checkpoints (on a busy machine the captures' own
  total is the steadier measure of their cost);
- the wall time of ``rewind 10m`` and ``rewind 1h`` from the end (restore the newest
  checkpoint at or before the time, then run again to it).

``--day N`` instead runs 24 simulated hours of ``shopfront`` N times each way, interleaved,
and prints the CPU time of each: checkpoints off (what ``devsim run`` does when its script
has no ``rewind``) and every 5 simulated minutes.

Run it from the project root:

    python tests/bench/bench_checkpoints.py
    python tests/bench/bench_checkpoints.py --hours 24 --estates shopfront
    python tests/bench/bench_checkpoints.py --day 3

Not a pytest test (pytest does not collect tests/bench). Exit status 0.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

MB = 2**20


def build(estate: str) -> Any:
    from engine import Simulation, load_scenario, parse_scenario

    if estate == "shopfront":
        return Simulation(load_scenario("shopfront"), seed=7)
    from bench_fleet import make_fleet

    fleet = make_fleet(int(estate.removeprefix("fleet-")))
    return Simulation(parse_scenario(fleet.yaml, "<fleet>"), seed=7)


def timed_run(estate: str, hours: float, checkpoints: bool) -> tuple[Any, float, list[float],
                                                                      int]:
    """Run ``hours``; the simulation, wall seconds, capture times and the most bytes held."""
    sim = build(estate)
    sim.checkpoints.enabled = checkpoints
    captures: list[float] = []
    most = 0
    capture = sim.checkpoints.capture

    def timed() -> Any:
        nonlocal most
        start = time.perf_counter()
        taken = capture()
        captures.append(time.perf_counter() - start)
        most = max(most, sim.checkpoints.nbytes())
        return taken

    sim.checkpoints.capture = timed  # (the bench's own wrapper; nbytes is not timed)
    start = time.perf_counter()
    sim.run_for(int(hours * 3_600_000))
    return sim, time.perf_counter() - start, captures, most


def rewind_time(sim: Any, minutes: int) -> tuple[float, str]:
    from engine.commands import Rewind

    start = time.perf_counter()
    reply = sim.apply(Rewind(duration=minutes * 60))
    return time.perf_counter() - start, reply.message


def day(repeat: int) -> None:
    """24 hours of shopfront, checkpoints off and on, interleaved: CPU seconds of each."""
    times: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(repeat):
        for on in (False, True):
            sim = build("shopfront")
            sim.checkpoints.enabled = on
            start = time.process_time()
            sim.run_for(24 * 3_600_000)
            times[on].append(time.process_time() - start)
            print(f"24 h, checkpoints {'every 5 min' if on else 'off'}: "
                  f"{times[on][-1]:.2f} s CPU", flush=True)
    off, on = statistics.median(times[False]), statistics.median(times[True])
    print(f"median: off {off:.2f} s, every 5 min {on:.2f} s ({100 * (on / off - 1):+.1f} %)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=6.0, help="simulated hours (default 6)")
    parser.add_argument("--estates", default="shopfront,fleet-1000",
                        help="comma-separated: shopfront, fleet-N (default both)")
    parser.add_argument("--day", type=int, default=0, metavar="N",
                        help="instead: 24 h of shopfront N times with checkpoints off and on")
    args = parser.parse_args()
    if args.day:
        day(args.day)
        return 0
    for estate in args.estates.split(","):
        off, wall_off, _, _ = timed_run(estate, args.hours, False)
        del off
        sim, wall_on, captures, most = timed_run(estate, args.hours, True)
        ms = sorted(c * 1000 for c in captures)
        p90 = ms[min(len(ms) - 1, int(0.9 * len(ms)))]
        kept = sim.checkpoints.kept
        print(f"{estate}: {len(sim.world.inst)} instances, {sim.world.topo.size} nodes, "
              f"{args.hours:g} h simulated")
        print(f"  captures: {len(ms)}, median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms,"
              f" longest {ms[-1]:.1f} ms; {sum(ms) / 1000:.2f} s in all, "
              f"{100 * sum(ms) / 1000 / wall_on:.1f} % of the run with them")
        print(f"  held at the end: {sim.checkpoints.nbytes() / MB:.1f} MB in {len(kept)} "
              f"checkpoints ({', '.join(f'{c.t // 60000}m' for c in kept)}); most during the "
              f"run {most / MB:.1f} MB")
        print(f"  run: {wall_off:.2f} s without checkpoints, {wall_on:.2f} s with "
              f"({100 * (wall_on / wall_off - 1):+.1f} %)")
        for minutes in (10, 60):
            took, message = rewind_time(sim, minutes)
            print(f"  rewind {minutes}m: {took * 1000:.0f} ms ({message})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
