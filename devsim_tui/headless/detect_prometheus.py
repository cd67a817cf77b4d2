"""``devsim detect --prometheus URL --query PROMQL [--range D] [--step D]``: the online
detector over every series of a Prometheus range query.

Each series the query returns is its own stream through the same detector as ``devsim
detect FILE.csv`` (``run_detection``), every decision using only the samples before it. Text
lists each series' episodes (start and end as ISO 8601 UTC, peak score, how far off);
``--format json`` prints one line per episode with the series' labels. An unreachable server,
a bad URL, a refused query, an empty answer: one line on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from .detect_command import Series, run_detection

__all__ = ["detect_prometheus"]


def detect_prometheus(args: argparse.Namespace) -> int:
    from devsim_tui.interop.prometheus_query import QueryError, iso, query_range

    try:
        found = query_range(args.prometheus, args.query, args.range_ms / 1000,
                            args.step_ms / 1000)
    except QueryError as exc:
        print(f"devsim detect: {exc}", file=sys.stderr)
        return 2
    for item in found:
        stamps = tuple(iso(t) for t in item.times)
        series = Series((item.name or "value",), stamps, item.times,
                        [[v] for v in item.values])
        episodes = run_detection(series)
        if args.format == "json":
            for episode in episodes:
                end = episode.end_row
                print(json.dumps({"series": item.labels, "start": stamps[episode.start_row],
                                  "end": stamps[end] if end is not None else None,
                                  "score": round(episode.score, 4),
                                  "peak": round(episode.peak, 4)}, sort_keys=True))
            continue
        noun = "episode" if len(episodes) == 1 else "episodes"
        span = f"{stamps[0]} .. {stamps[-1]}" if stamps else "no samples"
        print(f"{item.name or args.query}: {len(stamps)} samples, {span}: {len(episodes)} "
              f"anomalous {noun}")
        for episode in episodes:
            end = stamps[episode.end_row] if episode.end_row is not None else "…"
            offs = "; ".join(f"{d.value:g} vs {d.expected:.4g} expected, {d.sigmas:+.1f} "
                             "robust σ" for d in episode.deviations)
            print(f"  {stamps[episode.start_row]} .. {end}  score {episode.score:.2f}  "
                  f"peak {episode.peak:.2f}  {offs}")
    return 0
