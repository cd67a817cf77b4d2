"""Benchmark: a headless 24-hour run of the default scenario through the CLI.

Measures what a user waits for when they type

    devsim run --scenario shopfront --duration 24h --format json > /dev/null

— interpreter start-up, imports, building the world, 86,400 one-second ticks and the closing
summary — by running that command as a child process ``--repeat`` times (default 3). For each
run it prints the wall time, the child's CPU time, its peak resident memory (from
``os.wait4``'s per-child ``ru_maxrss``) and the number of JSON lines it wrote; then the
medians, the simulated ticks per wall second, and PASS/FAIL against the limits (≤ 10 s wall,
≤ 300 MB RSS) and the aim (≤ 5 s wall).

The child's stdout goes to a pipe that is only counted (newlines), the equivalent of
``> /dev/null`` plus ``wc -l``; stderr is not a terminal, so no progress bar is drawn.

Run it from the project root:

    python tests/bench/bench_run_24h.py               # 3 runs
    python tests/bench/bench_run_24h.py --repeat 5 --duration 24h --scenario shopfront

Not a pytest test (pytest does not collect tests/bench). Exit status: 0 when the median is
within both limits, 1 otherwise, 2 when a run fails.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import shutil
import statistics
import sys
import time
from pathlib import Path

LIMIT_WALL_S = 10.0
AIM_WALL_S = 5.0
LIMIT_RSS_MB = 300.0


def devsim_command() -> list[str]:
    """The ``devsim`` console script next to this interpreter, else the one on PATH, else
    ``python -m devsim_tui``."""
    beside = Path(sys.executable).with_name("devsim")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("devsim")
    if found:
        return [found]
    return [sys.executable, "-m", "devsim_tui"]


def ticks_for(scenario: str, duration: str) -> int:
    """Simulated ticks in the run: the duration over the scenario's tick."""
    from engine import load_scenario, parse_duration

    spec = load_scenario(scenario)
    return -(-parse_duration(duration) // spec.tick)


def run_once(argv: list[str]) -> dict[str, float]:
    """Run the command once; wall time, CPU time, peak RSS (MB) and stdout line count."""
    read_fd, write_fd = os.pipe()
    start = time.perf_counter()
    pid = os.posix_spawn(argv[0], argv, os.environ,
                         file_actions=[(os.POSIX_SPAWN_DUP2, write_fd, 1),
                                       (os.POSIX_SPAWN_CLOSE, read_fd),
                                       (os.POSIX_SPAWN_CLOSE, write_fd)])
    os.close(write_fd)
    lines = 0
    with os.fdopen(read_fd, "rb", buffering=0) as out:
        while chunk := out.read(1 << 16):
            lines += chunk.count(b"\n")
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv)} exited with {code}")
    return {
        "wall": wall,
        "cpu": usage.ru_utime + usage.ru_stime,
        # ru_maxrss is in KiB on Linux (bytes on macOS)
        "rss_mb": usage.ru_maxrss / (1 << 20 if sys.platform == "darwin" else 1 << 10),
        "lines": float(lines),
    }


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs (default 3)")
    parser.add_argument("--scenario", default="shopfront", help="scenario (default shopfront)")
    parser.add_argument("--duration", default="24h", help="simulated time (default 24h)")
    args = parser.parse_args()
    # The runs record their sessions as users' runs do, into a scratch data directory rather
    # than the real one.
    os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="devsim-bench-data-")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    command = devsim_command()
    argv = [*command, "run", "--scenario", args.scenario, "--duration", args.duration,
            "--format", "json"]
    if not os.path.isabs(argv[0]):
        argv[0] = shutil.which(argv[0]) or argv[0]
    ticks = ticks_for(args.scenario, args.duration)
    print(f"command: {' '.join(Path(a).name if i == 0 else a for i, a in enumerate(argv))}"
          " > /dev/null")
    print(f"simulated ticks per run: {ticks}")
    print(f"cpus: {os.cpu_count()}  load average at start: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    runs = []
    for i in range(1, args.repeat + 1):
        try:
            r = run_once(argv)
        except (OSError, RuntimeError) as exc:
            print(f"run {i}: error: {exc}", file=sys.stderr)
            return 2
        runs.append(r)
        print(f"run {i}: wall {r['wall']:.2f} s")
        print(f"run {i}: cpu {r['cpu']:.2f} s")
        print(f"run {i}: peak rss {r['rss_mb']:.1f} MB")
        print(f"run {i}: json lines {int(r['lines'])}")
        print(f"run {i}: ticks/s {ticks / r['wall']:.0f}")

    wall = statistics.median(r["wall"] for r in runs)
    cpu = statistics.median(r["cpu"] for r in runs)
    rss = statistics.median(r["rss_mb"] for r in runs)
    lines = statistics.median(r["lines"] for r in runs)
    print(f"median wall: {wall:.2f} s")
    print(f"median cpu: {cpu:.2f} s")
    print(f"median peak rss: {rss:.1f} MB")
    print(f"median json lines: {lines:.0f}")
    print(f"median ticks/s (wall): {ticks / wall:.0f}")
    print(f"median ticks/s (cpu): {ticks / cpu:.0f}")
    wall_ok, rss_ok = wall <= LIMIT_WALL_S, rss <= LIMIT_RSS_MB
    print(f"limit wall <= {LIMIT_WALL_S:g} s: {verdict(wall_ok)} ({wall:.2f} s)")
    print(f"limit rss <= {LIMIT_RSS_MB:g} MB: {verdict(rss_ok)} ({rss:.1f} MB)")
    print(f"aim wall <= {AIM_WALL_S:g} s: {verdict(wall <= AIM_WALL_S)} ({wall:.2f} s)")
    print(f"summary: median {wall:.2f} s wall, {rss:.1f} MB rss, {ticks / wall:.0f} ticks/s, "
          f"limits {verdict(wall_ok and rss_ok)}, aim {verdict(wall <= AIM_WALL_S)}")
    return 0 if wall_ok and rss_ok else 1


if __name__ == "__main__":
    sys.exit(main())
