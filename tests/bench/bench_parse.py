"""Benchmark: parse latency for typical commands (``devsim_tui.chatops.parse``).

Parses every phrasing of the corpora (tests/chatops/corpus.py, heldout.py and blind3.py) many
times on a warm parser and prints the median, p95 and p99 per command, plus their accuracy.
Run: ``python tests/bench/bench_parse.py``.
"""

from __future__ import annotations

import argparse
import runpy
import statistics
import time
from pathlib import Path

from devsim_tui.chatops import ParseContext, parse
from engine import load_scenario

HERE = Path(__file__).resolve().parents[1] / "chatops"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    spec = load_scenario("shopfront")
    texts = [t for t, _ in runpy.run_path(str(HERE / "corpus.py"))["CASES"]]
    texts += [t for t, _ in runpy.run_path(str(HERE / "heldout.py"))["CASES"]]
    texts += [t for t, _ in runpy.run_path(str(HERE / "blind3.py"))["CASES"]]
    context = ParseContext.for_scenario(spec)
    for text in texts:  # warm caches
        parse(text, context)
    samples = []
    for _ in range(args.rounds):
        for text in texts:
            context = ParseContext.for_scenario(spec)
            start = time.perf_counter()
            parse(text, context)
            samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    q = statistics.quantiles(samples, n=100)
    print(f"commands: {len(texts)} phrasings × {args.rounds} rounds = {len(samples)} parses")
    print(f"parse latency: median {statistics.median(samples):.3f} ms, p95 {q[94]:.3f} ms, "
          f"p99 {q[98]:.3f} ms, max {samples[-1]:.3f} ms")
    print(f"limit p99 <= 2 ms: {'PASS' if q[98] <= 2 else 'FAIL'}")


if __name__ == "__main__":
    main()
