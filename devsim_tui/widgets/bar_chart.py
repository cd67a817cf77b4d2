"""A small time-series chart: block-character bars, its range on the left, for detail screens."""

from __future__ import annotations

from collections.abc import Sequence

from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget

__all__ = ["BarChart"]

_EIGHTHS = " ▁▂▃▄▅▆▇█"
LABEL = 8


class BarChart(Widget):
    """``values`` drawn as bars ``height`` rows tall, resampled to the width available."""

    COMPONENT_CLASSES = {"bar-chart--bar", "bar-chart--label", "bar-chart--title"}
    DEFAULT_CSS = """
    BarChart { height: 5; }
    BarChart > .bar-chart--bar { color: $primary; }
    BarChart > .bar-chart--label { color: $text-muted; }
    BarChart > .bar-chart--title { color: $text; text-style: bold; }
    """

    def __init__(self, title: str, unit: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.title = title
        self.unit = unit
        self.values: list[float] = []

    def plot(self, values: Sequence[float]) -> None:
        self.values = [float(v) for v in values]
        self.refresh()

    def _columns(self, width: int) -> list[float]:
        if not self.values or width <= 0:
            return []
        n = len(self.values)
        if n <= width:
            return self.values
        step = n / width
        return [max(self.values[int(i * step):max(int((i + 1) * step), int(i * step) + 1)])
                for i in range(width)]

    @staticmethod
    def _range(values: list[float]) -> tuple[float, float]:
        """Axis bounds that show the variation: from a little under the lowest value (or 0)
        to a little over the highest, like a dashboard's auto-scale."""
        if not values:
            return 0.0, 1.0
        low, high = min(values), max(values)
        pad = (high - low) * 0.15 or abs(high) * 0.1 or 1.0
        return max(0.0, low - pad), high + pad * 0.2

    def render_line(self, y: int) -> Strip:
        width, height = self.size.width, self.size.height
        label_style = self.get_component_rich_style("bar-chart--label")
        if y == 0:
            last = f"{self.values[-1]:.4g}{self.unit}" if self.values else "no data yet"
            text = f"{self.title}  {last}"
            return Strip([Segment(text.ljust(width)[:width],
                                  self.get_component_rich_style("bar-chart--title"))], width)
        rows = height - 1
        columns = self._columns(width - LABEL)
        low, top = self._range(columns)
        level = rows - y  # 0 is the bottom row
        label = f"{_short(top)}{self.unit}" if y == 1 else (
            f"{_short(low)}{self.unit}" if y == rows else "")
        segments = [Segment(label.rjust(LABEL - 1)[: LABEL - 1] + " ", label_style)]
        span = top - low
        bar = "".join(_EIGHTHS[max(0, min(8, round((v - low) / span * rows * 8) - level * 8))]
                      for v in columns)
        segments.append(Segment(bar.ljust(width - LABEL),
                                self.get_component_rich_style("bar-chart--bar")))
        return Strip(segments, width)


def _short(value: float) -> str:
    """Three significant figures, never in exponent form (2010, not 2.01e+03)."""
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"
