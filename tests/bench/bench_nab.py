"""Benchmark: ``devsim detect`` on real metrics, scored on NAB (Numenta Anomaly Benchmark) data.

Runs the detector over the 19 judged files (the 17 ``realAWSCloudwatch`` series and two
``realKnownCause`` ones, 37 labelled windows), each exactly as ``devsim detect FILE.csv`` would
(the same CSV reader, one fresh detector per file, one configuration for all), and scores the
episode starts with the NAB event rules: the first 15 % of a file (at most 750 rows) is
probation and its detections are ignored; a labelled window is detected when a detection falls
inside it; every detection outside all windows is a false positive; precision, recall and F1 are
over all files together. The labels are read here only, never by the detector.

Run: ``python tests/bench/bench_nab.py /path/to/nab`` (the folder holding ``data/`` and
``combined_windows.json``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devsim_tui.headless.detect_command import read_series, run_detection  # noqa: E402

JUDGED = ["realKnownCause/ec2_request_latency_system_failure.csv",
          "realKnownCause/machine_temperature_system_failure.csv"]
AWS = "realAWSCloudwatch"


def stamp(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("nab", type=Path, help="the NAB folder (data/ and combined_windows.json)")
    ap.add_argument("--verbose", action="store_true", help="list every detection")
    args = ap.parse_args()
    windows = json.loads((args.nab / "combined_windows.json").read_text())
    files = JUDGED + sorted(f"{AWS}/{p.name}" for p in (args.nab / "data" / AWS).glob("*.csv"))
    total_windows = total_detected = total_fp = 0
    elapsed = 0.0
    print(f"{'file':58s} {'windows':>7s} {'detected':>8s} {'FPs':>4s}")
    for name in files:
        path = args.nab / "data" / name
        started = time.perf_counter()
        series = read_series(path.read_bytes(), str(path))
        episodes = run_detection(series)
        elapsed += time.perf_counter() - started
        probation = min(750, int(0.15 * len(series.rows)))
        spans = [(stamp(a), stamp(b)) for a, b in windows[name]]
        hit: set[int] = set()
        false_positives = 0
        notes = []
        for episode in episodes:
            if episode.start_row < probation:
                continue
            inside = [k for k, (a, b) in enumerate(spans) if a <= episode.start <= b]
            hit.update(inside)
            false_positives += not inside
            notes.append(f"{series.stamps[episode.start_row]}{'' if inside else ' (FP)'}")
        total_windows += len(spans)
        total_detected += len(hit)
        total_fp += false_positives
        print(f"{name:58s} {len(spans):7d} {len(hit):8d} {false_positives:4d}")
        if args.verbose and notes:
            print("    " + ", ".join(notes))
    precision = total_detected / (total_detected + total_fp) if total_detected else 0.0
    recall = total_detected / total_windows
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{'total':58s} {total_windows:7d} {total_detected:8d} {total_fp:4d}")
    print(f"precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}  "
          f"({len(files)} files, detector time {elapsed:.1f} s)")


if __name__ == "__main__":
    main()
