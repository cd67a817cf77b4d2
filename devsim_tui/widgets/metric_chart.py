"""A time-series chart for the detail screen: a time axis, units on the y-axis, honest ranges.

Readable during an incident: the x-axis is the whole window ("-15m … now" in simulated time,
empty where there is no history yet), each column is the mean of the samples in its slice of
the window (downsampled to the width: a column per cell), and the y-range follows the metric's
``Scale`` rather than the data alone — zero-based bars for rates and shares, a thin line with a
floor on the span for levels such as memory — so a metric that moves 1 % looks flat-ish instead
of filling the chart. Axis labels are round numbers with their unit.

Drawn with the Line API from strips built once per (data, size); nothing is recomputed when
the screen repaints for another reason.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["LABEL", "MetricChart", "Scale", "axis_range", "labelled_rows", "time_ticks"]

_EIGHTHS = " ▁▂▃▄▅▆▇█"
_DOTS = "⣀⠤⠒⠉"  # a braille pair of dots a quarter of a cell high, bottom to top: a thin line
LABEL = 9  # y-axis labels (8 cells) and the axis line (1 cell)
_STEPS = (1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)  # half the span, per decade
_COARSE = (1.0, 2.0, 5.0, 10.0)


@dataclass(frozen=True, slots=True)
class Scale:
    """How one metric's y-axis is chosen, and how its numbers read.

    ``zero``: the axis starts at 0 and reaches at least ``top`` (and at most ``limit``).
    Otherwise the axis spans at least ``span`` × the level of the data, around the data, and
    the values are drawn as a line (bars from an axis that is not zero would overstate them).
    ``line`` draws a zero-based metric as a line too (a level such as a count).
    """

    fmt: Callable[[float], str]
    zero: bool = True
    top: float = 0.0
    span: float = 0.0
    limit: float | None = None
    whole: bool = False  # counts: whole-number ticks only
    line: bool = False


def _nice(x: float, whole: bool = False, coarse: bool = False) -> float:
    """The smallest "round" tick step ≥ x (``coarse``: 1, 2 or 5 times a power of ten, for
    axes of more than two steps, whose every multiple should read as round)."""
    if x <= 0 or not math.isfinite(x):
        return 1.0
    decade = 10.0 ** math.floor(math.log10(x))
    for step in _COARSE if coarse else _STEPS:
        if step * decade >= x * (1 - 1e-9):
            value = step * decade
            return max(1.0, math.ceil(value)) if whole else value
    return 10.0 * decade  # unreachable: _STEPS ends at 10


def axis_range(values: Sequence[float], scale: Scale, steps: int = 2) -> tuple[float, float]:
    """``(low, high)``, ``steps`` round steps apart, that holds every finite value."""
    finite = [v for v in values if math.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 0.0)
    if scale.zero:  # (headroom above the highest value, but counts may touch the top)
        step = _nice(max(hi if scale.whole else hi * 1.05, scale.top) / steps, scale.whole,
                     steps > 2)
        high = steps * step
        if scale.limit is not None and high > scale.limit >= hi:
            high = scale.limit
        return 0.0, high
    level = max(abs(lo), abs(hi))
    step = _nice(max(hi - lo, scale.span * level, 1e-9) * 1.05 / steps, scale.whole, steps > 2)
    while True:
        low = math.floor(((lo + hi) / 2 - step * steps / 2) / step + 1e-9) * step
        if lo >= 0:
            low = max(low, 0.0)
        if low <= lo and low + steps * step >= hi:
            return low, low + steps * step
        step = _nice(step * 1.01, scale.whole, steps > 2)


def labelled_rows(rows: int, low: float, high: float, steps: int) -> set[int]:
    """The rows (0 at the top) whose top edge gets a label: the top row, and the row edge
    nearest the middle that falls on a whole step (none when a limit cut the range short)."""
    out = {0}
    if rows < 2 or high <= low:
        return out
    step = (high - low) / steps
    if abs(_nice(step, coarse=steps > 2) - step) > 1e-9 * step:  # a limit cut the range
        return out
    edges = [k for k in range(1, rows)
             if abs(((high - low) * (rows - k) / rows / step) % 1 - 0.5) > 0.5 - 1e-6]
    if edges:
        out.add(min(edges, key=lambda k: abs(k - rows / 2)))
    return out


def time_ticks(window_s: float) -> list[tuple[float, str]]:
    """Tick positions (0 = the start of the window, 1 = now) and their labels."""
    minutes = window_s / 60
    every = next((m for m in (1, 2, 5, 10, 15, 30, 60, 120, 360) if minutes / m <= 4), 720)
    ticks = []
    k = math.floor(minutes / every)
    while k >= 1:
        ago = k * every
        ticks.append((1 - ago / minutes, f"-{ago // 60}h" if ago % 60 == 0 and ago >= 60
                      else f"-{ago}m"))
        k -= 1
    ticks.append((1.0, "now"))
    return ticks


def columns_of(times: np.ndarray, values: np.ndarray, start: float, window: float,
               width: int) -> np.ndarray:
    """The mean of the samples in each of ``width`` equal slices of [start, start+window];
    NaN where a slice has none (before the history starts)."""
    out = np.full(width, np.nan)
    if width <= 0 or not len(values):
        return out
    keep = np.isfinite(values) & (times >= start)
    times, values = times[keep], values[keep]
    if not len(values):
        return out
    index = np.minimum(((times - start) / window * width).astype(np.int64), width - 1)
    sums = np.bincount(index, weights=values, minlength=width)
    counts = np.bincount(index, minlength=width)
    filled = counts > 0
    out[filled] = sums[filled] / counts[filled]
    return out


class MetricChart(Widget):
    """One metric over a window: a title row, bars, and the time axis on the bottom row."""

    COMPONENT_CLASSES = {"metric-chart--bar", "metric-chart--axis", "metric-chart--title",
                         "metric-chart--value"}
    DEFAULT_CSS = """
    MetricChart { height: 6; min-height: 4; }
    MetricChart > .metric-chart--bar { color: $primary; }
    MetricChart > .metric-chart--axis { color: $text-muted; }
    MetricChart > .metric-chart--title { color: $text; text-style: bold; }
    MetricChart > .metric-chart--value { color: $text-muted; }
    """

    def __init__(self, title: str, scale: Scale, *, id: str | None = None,  # noqa: A002
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.title = title
        self.scale = scale
        self.times = np.zeros(0)
        self.values = np.zeros(0)
        self.now = 0.0
        self.window = 900.0
        self.range = (0.0, 1.0)  # the y-axis as last drawn
        self._version = 0
        self._cache: tuple[tuple[int, int, int], list[Strip]] | None = None

    def plot(self, times: Sequence[float], values: Sequence[float], now: float,
             window: float) -> None:
        """Show ``values`` sampled at ``times`` (s) over the ``window`` (s) that ends ``now``."""
        self.times = np.asarray(times, dtype=np.float64)
        self.values = np.asarray(values, dtype=np.float64)
        self.now, self.window = float(now), float(window)
        self._version += 1
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache = None

    # -- drawing -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        key = (self._version, width, height)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, self.build(width, height))
        strips = self._cache[1]
        return strips[y] if y < len(strips) else Strip.blank(width, self.rich_style)

    def build(self, width: int, height: int) -> list[Strip]:
        """Every line of the chart at this size."""
        base = self.rich_style
        bar = base + self.get_component_rich_style("metric-chart--bar")
        axis = base + self.get_component_rich_style("metric-chart--axis")
        plot_width, rows = max(width - LABEL, 1), height - 2
        columns = columns_of(self.times, self.values, self.now - self.window, self.window,
                             plot_width)
        steps = 2 if rows % 2 == 0 else max(rows, 1)  # so that a row edge is mid-way or
        low, high = self.range = axis_range(columns.tolist(), self.scale, steps)  # on a step
        labelled = labelled_rows(rows, low, high, steps)
        strips = [self._title(columns, width, base)]
        fmt = self.scale.fmt
        glyphs = _glyphs(columns, low, high, max(rows, 1), self.scale.line or not self.scale.zero)
        for k in range(max(rows, 0)):  # k = 0 is the top row
            level = rows - 1 - k  # 0 is the bottom row
            top_edge = low + (high - low) * (level + 1) / rows
            label = _label(fmt(top_edge)) + "┤" if k in labelled else " " * (LABEL - 1) + "│"
            cells = "".join(glyphs[level])
            strips.append(Strip([Segment(label, axis), Segment(cells, bar)],
                                LABEL + len(cells)).adjust_cell_length(width, base))
        strips.append(self._time_axis(fmt(low), plot_width, width, axis, base))
        return strips[:height]

    def _title(self, columns: np.ndarray, width: int, base: Style) -> Strip:
        """The metric, its value in the newest column (as the bar at the right edge shows
        it), and (room permitting) the highest and lowest column."""
        finite = columns[np.isfinite(columns)]
        fmt = self.scale.fmt
        value = fmt(float(finite[-1])) if len(finite) else "no data yet"
        head = f"{self.title}  {value}"
        details = [f"max {fmt(float(finite.max()))}  min {fmt(float(finite.min()))}",
                   f"max {fmt(float(finite.max()))}"] if len(finite) else []
        detail = next((d for d in details if len(head) + 2 + len(d) <= width), "")
        title = base + self.get_component_rich_style("metric-chart--title")
        muted = base + self.get_component_rich_style("metric-chart--value")
        return Strip([Segment(head, title),
                      Segment(detail.rjust(width - len(head)) if detail else "", muted)]
                     ).crop_extend(0, width, base)

    def _time_axis(self, low: str, plot_width: int, width: int, axis: Style,
                   base: Style) -> Strip:
        line = ["─"] * plot_width
        taken = [False] * plot_width
        for position, text in reversed(time_ticks(self.window)):  # "now" first: it must show
            end = round(position * plot_width)
            start = end - len(text) if position >= 1 else max(0, end - len(text) // 2)
            start = max(0, min(start, plot_width - len(text)))
            span = range(max(start - 1, 0), min(start + len(text) + 1, plot_width))
            if any(taken[i] for i in span):  # no room: this tick goes unlabelled
                continue
            for i, char in enumerate(text):
                line[start + i] = char
                taken[start + i] = True
        label = _label(low) + "└"
        return Strip([Segment(label + "".join(line), axis)],
                     LABEL + plot_width).adjust_cell_length(width, base)


def _label(text: str) -> str:
    """Right-aligned in the label cells; a label too long loses its end, never its start."""
    return text.rjust(LABEL - 1)[: LABEL - 1]


def _glyphs(columns: np.ndarray, low: float, high: float, rows: int,
            line: bool) -> list[list[str]]:
    """The character of every column in every row (row 0 at the bottom): bars up to the value
    in eighths of a cell, or (``line``) a thin mark at it in quarters of a cell; blank where
    there is no value."""
    width = len(columns)
    if high <= low:
        return [[" "] * width for _ in range(rows)]
    missing = ~np.isfinite(columns)
    share = np.where(missing, 0.0, (np.nan_to_num(columns) - low) / (high - low))
    if line:
        quarter = np.clip(np.floor(share * rows * 4), 0, rows * 4 - 1).astype(np.int64)
        quarter[missing] = -1
        out = []
        for level in range(rows):
            here = (quarter // 4 == level) & ~missing
            out.append([_DOTS[q - level * 4] if h else " "
                        for q, h in zip(quarter.tolist(), here.tolist(), strict=True)])
        return out
    filled = np.clip(np.rint(share * rows * 8), 0, rows * 8).astype(np.int64)
    filled[(filled == 0) & (share > 0)] = 1  # something, however small, is not nothing
    filled[missing] = 0
    return [[_EIGHTHS[i] for i in np.clip(filled - level * 8, 0, 8).tolist()]
            for level in range(rows)]
