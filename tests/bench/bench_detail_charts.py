"""Benchmark: the detail screen's charts.

Two costs, for checkout of shopfront after 70 simulated minutes:

1. One chart frame: fetching the six metrics over the window (``bridge.series``) and building
   every line of the six charts at the sizes the 80×24 and 120×40 layouts give them, for the
   15-minute window (900 one-second samples a metric) and the hour (240 fifteen-second ones).
2. The same charts drawn with textual-plotext, when it is installed, for comparison.

Run: ``python tests/bench/bench_detail_charts.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from textual.app import App  # noqa: E402

from devsim_tui.app import DevsimApp, make_app  # noqa: E402
from devsim_tui.screens.detail_screen import CHARTS, WINDOWS  # noqa: E402
from devsim_tui.widgets.metric_chart import MetricChart  # noqa: E402

SIZES = {"120x40 (stacked)": (54, 6), "80x24 (two columns)": (39, 5)}  # as laid out


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


class Host(App[None]):
    """Mounts the charts (their colours come from CSS), nothing else."""

    def __init__(self, charts: list[MetricChart]) -> None:
        super().__init__()
        self.charts = charts

    def compose(self):  # noqa: ANN201
        yield from self.charts


async def run(args: argparse.Namespace) -> None:
    app = make_app("shopfront", seed=42, speed=60, autostart=False)
    app.sim.step(70 * 60)
    now = app.sim.now / 1000
    charts = [MetricChart(c.title, c.scale) for c in CHARTS]
    async with Host(charts).run_test(size=(120, 40)):
        measure(app, charts, now, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    asyncio.run(run(parser.parse_args()))


def measure(app: DevsimApp, charts: list[MetricChart], now: float,
            args: argparse.Namespace) -> None:
    for window_ms, label in WINDOWS:
        def fetch(window_ms: int = window_ms) -> list:
            out = []
            for spec in CHARTS:
                times, values = app.bridge.series("checkout", spec.metric, window_ms)
                out.append((times, tuple(v * spec.factor for v in values)))
            return out

        data = fetch()
        fetch_ms = median_ms(fetch, args.repeat)
        for size, (width, height) in SIZES.items():
            def build(width: int = width, height: int = height) -> None:
                for chart, (times, values) in zip(charts, data, strict=True):
                    chart.plot(times, values, now, window_ms / 1000)
                    chart.build(width, height)

            build_ms = median_ms(build, args.repeat)
            print(f"{label:16} {size:20} {len(data[0][1]):4} samples/metric: fetch "
                  f"{fetch_ms:5.2f} ms + build 6 charts {build_ms:5.2f} ms = "
                  f"{fetch_ms + build_ms:5.2f} ms a frame")
    try:
        from textual_plotext.plot import Plot
    except ImportError:
        return
    for window_ms, label in WINDOWS:
        times, values = app.bridge.series("checkout", "rps", window_ms)
        for points in (len(values), 45):
            step = max(len(values) // points, 1)
            xs, ys = list(times[::step]), list(values[::step])

            def plot(xs: list = xs, ys: list = ys) -> None:
                p = Plot()
                p.plotsize(54, 6)
                p.plot(xs, ys)
                p.build()

            print(f"{label:16} plotext, one 54x6 chart of {len(ys):3} points: "
                  f"{median_ms(plot, args.repeat):5.2f} ms")


if __name__ == "__main__":
    main()
