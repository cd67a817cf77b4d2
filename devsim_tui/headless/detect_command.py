"""``devsim detect FILE.csv``: run the anomaly detector online over a metric CSV export.

The CSV has a header ``timestamp,value`` (NAB and Prometheus exports), or ``timestamp`` and
several metric columns; timestamps are ISO 8601 (naive means UTC) or unix seconds (or
milliseconds, when too large to be seconds). ``-`` reads standard input. The rows are fed to
``engine.anomaly.OnlineDetector`` as one stream, in file order; every decision uses only the
rows before it. Text output lists the anomalous episodes (start, end, peak score, how far off);
``--format json`` prints one line ``{"timestamp": ..., "score": ...}`` per episode start, the
timestamp as written in the file. Bad input is one line ``FILE:LINE: message`` on stderr and
exit status 2 (line 0: the file as a whole).
"""

from __future__ import annotations

import argparse
import csv
import io
import math
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the module is imported to build the parser: numpy only when it runs
    from engine.anomaly import Episode

__all__ = ["InputError", "Series", "configure", "execute", "read_series", "run_detection"]

MILLISECONDS_FROM = 1e11  # a unix time above this is in milliseconds (1e11 s is year 5138)


class InputError(Exception):
    """Unusable input, located: ``str()`` is ``FILE:LINE: message``."""

    def __init__(self, name: str, line: int, message: str) -> None:
        super().__init__(f"{name}:{line}: {message}")


@dataclass(frozen=True, slots=True)
class Series:
    """A parsed export: metric names, timestamps as written and as unix seconds, values."""

    metrics: tuple[str, ...]
    stamps: tuple[str, ...]
    times: list[float]
    rows: list[list[float]]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.csv", nargs="?",
                        help="a CSV with a header timestamp,value (or timestamp and several "
                             "metric columns); - reads standard input")
    from .arguments import duration_ms

    parser.add_argument("--prometheus", metavar="URL", default=None,
                        help="instead of a file: a range query to this Prometheus server")
    parser.add_argument("--query", metavar="PROMQL", default=None,
                        help="with --prometheus: the query; each series it returns is "
                             "watched on its own")
    parser.add_argument("--range", dest="range_ms", type=duration_ms, default=86_400_000,
                        metavar="D", help="with --prometheus: how far back (default 24h)")
    parser.add_argument("--step", dest="step_ms", type=duration_ms, default=60_000,
                        metavar="D", help="with --prometheus: between samples (default 1m)")
    parser.add_argument("--format", choices=("text", "json"), default="text",
                        help="text: the episodes, readable; json: one line per episode start")


def execute(args: argparse.Namespace) -> int:
    problem = _source_problem(args)
    if problem:
        print(f"devsim detect: error: {problem}", file=sys.stderr)
        return 2
    if args.prometheus is not None:
        from .detect_prometheus import detect_prometheus

        return detect_prometheus(args)
    name = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
        series = read_series(data, name)
    except FileNotFoundError:
        print(f"{name}:0: no such file", file=sys.stderr)
        return 2
    except (IsADirectoryError, PermissionError, OSError) as exc:
        print(f"{name}:0: cannot read: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    episodes = run_detection(series)
    if args.format == "json":
        import json

        for episode in episodes:
            print(json.dumps({"timestamp": series.stamps[episode.start_row],
                              "score": round(episode.score, 4)}))
        return 0
    print(_summary(name, series, len(episodes)))
    for episode in episodes:
        print(_describe(series, episode))
    return 0


def _source_problem(args: argparse.Namespace) -> str:
    """What is wrong with the choice of input ('' when nothing)."""
    if args.prometheus is not None:
        if args.file is not None:
            return f"give a file or --prometheus, not both ({args.file!r})"
        if not (args.query or "").strip():
            return "--prometheus needs --query PROMQL (e.g. --query 'rate(x_total[5m])')"
        return ""
    if args.query is not None:
        return "--query runs against a server: give --prometheus URL too"
    if args.file is None:
        return "give a FILE.csv (- for standard input) or --prometheus URL --query PROMQL"
    return ""


def read_series(data: bytes, name: str) -> Series:
    """Parse an export; raises ``InputError`` at the first bad line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, data[: exc.start].count(b"\n") + 1, "not UTF-8 text") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _read_rows(reader, name)
    except csv.Error as exc:  # e.g. a field past the csv module's size limit
        raise InputError(name, reader.line_num, f"bad CSV: {exc}") from None


def _read_rows(reader: Any, name: str) -> Series:  # a csv reader (it knows its line_num)
    header: list[str] | None = None
    for header in reader:
        if any(field.strip() for field in header):
            break
    if header is None or not any(field.strip() for field in header):
        raise InputError(name, max(reader.line_num, 1), "empty file: expected a header "
                         "timestamp,value")
    fields = [field.strip() for field in header]
    if fields[0].lower() != "timestamp" or len(fields) < 2 or not all(fields[1:]):
        raise InputError(name, reader.line_num, f"bad header {','.join(fields)!r}: expected "
                         "timestamp,value (or timestamp and metric names)")
    metrics = tuple(fields[1:])
    stamps: list[str] = []
    times: list[float] = []
    rows: list[list[float]] = []
    for record in reader:
        line = reader.line_num
        if not any(field.strip() for field in record):
            continue  # blank line
        if len(record) != len(fields):
            raise InputError(name, line, f"expected {len(fields)} fields "
                             f"({','.join(fields)}), found {len(record)}")
        stamp = record[0].strip()
        times.append(_parse_time(stamp, name, line))
        stamps.append(stamp)
        rows.append([_parse_value(field, metric, name, line)
                     for field, metric in zip(record[1:], metrics, strict=True)])
    return Series(metrics, tuple(stamps), times, rows)


def run_detection(series: Series) -> list[Episode]:
    """The episodes of one detector run over the whole series, in order (what the CLI and
    the NAB benchmark both call)."""
    import numpy as np

    from engine.anomaly import detect

    if not series.rows:
        return []
    return detect(np.array(series.times), np.array(series.rows), series.metrics)


def _parse_time(stamp: str, name: str, line: int) -> float:
    try:
        seconds = float(stamp)
    except ValueError:
        pass
    else:
        if not math.isfinite(seconds):
            raise InputError(name, line, f"bad timestamp {stamp!r}")
        return seconds / 1000 if abs(seconds) >= MILLISECONDS_FROM else seconds
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InputError(name, line, f"bad timestamp {stamp!r}: expected ISO 8601 or unix "
                         "seconds") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _parse_value(field: str, metric: str, name: str, line: int) -> float:
    text = field.strip()
    try:
        value = float(text)
    except ValueError:
        raise InputError(name, line, f"{metric}: bad value {text!r}: expected a number") \
            from None
    if math.isinf(value):
        raise InputError(name, line, f"{metric}: bad value {text!r}: not finite")
    return value  # NaN is a missing sample, which the detector skips


def _summary(name: str, series: Series, episodes: int) -> str:
    if not series.rows:
        return f"{name}: no rows"
    noun = "episode" if episodes == 1 else "episodes"
    return (f"{name}: {len(series.rows)} rows, {series.stamps[0]} .. {series.stamps[-1]}: "
            f"{episodes} anomalous {noun}")


def _describe(series: Series, episode: Episode) -> str:
    start = series.stamps[episode.start_row]
    end = series.stamps[episode.end_row] if episode.end_row is not None else "…"
    offs = "; ".join(f"{d.metric} {d.value:g} vs {d.expected:.4g} expected, {d.sigmas:+.1f} "
                     "robust σ" for d in episode.deviations)
    return f"{start} .. {end}  score {episode.score:.2f}  peak {episode.peak:.2f}  {offs}"
