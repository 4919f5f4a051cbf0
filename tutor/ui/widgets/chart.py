"""A braille line chart: a few series over epochs (0: before training), redrawn as each epoch arrives.

Each character cell holds a 2×4 grid of braille dots, so a 40×6 plot has 80×24 points. A loss
spanning several orders of magnitude (a run blowing up) switches the y axis to a log scale. A curve's
colour may be a theme variable (`$primary`), redrawn in the new theme's colour when the theme changes.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.widget import Widget

from tutor.fmt import num

BRAILLE = 0x2800
DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # [row][column] within a cell
LABEL = 7  # width of the y axis labels
LOG_RATIO = 30  # max/min beyond which the scale turns logarithmic


@dataclass(frozen=True)
class Series:
    """One curve: the value at epoch 0, 1, 2… (None where unknown or not finite), its label and colour
    (any Rich colour, or a theme variable such as `$primary`)."""

    label: str
    values: Sequence[float | None]
    color: str


class LineChart(Widget):
    """A titled braille chart with a legend, y labels and the epoch axis."""

    DEFAULT_CSS = """
    LineChart { height: 8; min-height: 5; }
    """

    def __init__(self, title: str = "", *, y_range: tuple[float, float] | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.heading = title
        self.y_range = y_range
        self.series: list[Series] = []
        self.x_max = 1

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self.refresh())

    def colors(self) -> list[str]:
        """Each series' colour, theme variables resolved (from the variables the app generated for its theme:
        generating them again costs more than drawing the chart)."""
        themed = any(s.color.startswith("$") for s in self.series)
        variables = self.app.theme_variables if themed else {}
        return [variables.get(s.color[1:], s.color) if s.color.startswith("$") else s.color for s in self.series]

    def plot(self, series: list[Series], x_max: int | None = None, title: str | None = None) -> None:
        """Show `series`; the x axis spans epochs 0..`x_max` (default: the longest series)."""
        self.series = series
        self.x_max = max([x_max or 1, *(len(s.values) - 1 for s in series)])
        if title is not None:
            self.heading = title
        self.refresh()

    def scale(self) -> tuple[float, float, bool]:
        """The y range shown (in log10 units when the flag is set)."""
        finite = [v for s in self.series for v in s.values if v is not None and math.isfinite(v)]
        if self.y_range:
            return *self.y_range, False
        if not finite:
            return 0.0, 1.0, False
        lo, hi = min(finite), max(finite)
        log = lo > 0 and hi / lo > LOG_RATIO
        if log:
            lo, hi = math.log10(lo), math.log10(hi)
        pad = (hi - lo) * 0.05 or abs(hi) * 0.1 or 1.0
        return (lo - pad if log or lo < 0 else max(lo - pad, 0.0)), hi + pad, log

    def legend(self, width: int, log: bool) -> list[Text]:
        """The title and the series' keys, wrapped onto as many lines as `width` needs."""
        lines = [Text(self.heading + (" (log)" if log else ""), style="bold")]
        for s, color in zip(self.series, self.colors()):
            key = Text("  ━ ", style=color).append(s.label, style="dim")
            if lines[-1].cell_len + key.cell_len > width:
                lines.append(Text())
                key = key[1:]
            lines[-1].append_text(key)
        return lines

    def render(self) -> Text:
        width, height = self.size
        lo, hi, log = self.scale()
        lines = self.legend(width, log)
        cols, rows = max(width - LABEL - 1, 2), max(height - len(lines) - 1, 1)
        bits = [[0] * cols for _ in range(rows)]
        color: list[list[str | None]] = [[None] * cols for _ in range(rows)]
        for series, hue in zip(self.series, self.colors()):
            for px, py in self._pixels(series, cols, rows, lo, hi, log):
                bits[py // 4][px // 2] |= DOTS[py % 4][px % 2]
                color[py // 4][px // 2] = hue
        for r in range(rows):
            value = hi - (hi - lo) * r / max(rows - 1, 1)
            label = _label(10**value if log else value) if r in (0, rows // 2, rows - 1) else ""
            line = Text(f"{label:>{LABEL}}" + ("┤" if label else "│"), style="dim")
            for c in range(cols):
                line.append(chr(BRAILLE + bits[r][c]) if bits[r][c] else " ", style=color[r][c] or "")
            lines.append(line)
        lines.append(Text(" " * LABEL + "└" + f"{'0':<{cols // 2}}{self.x_max:>{cols - cols // 2}}", style="dim"))
        for line in lines:
            line.truncate(width, overflow="crop")
        return Text("\n").join(lines)

    def _pixels(self, series: Series, cols: int, rows: int, lo: float, hi: float, log: bool):
        """The dots of one series, consecutive points joined by straight segments."""
        w, h = cols * 2, rows * 4
        span = (hi - lo) or 1.0
        previous = None
        for i, v in enumerate(series.values):
            if v is None or not math.isfinite(v) or (log and v <= 0):
                previous = None
                continue
            y = math.log10(v) if log else v
            point = (round(i / self.x_max * (w - 1)), round((hi - y) / span * (h - 1)))
            for x, y in _segment(previous or point, point):
                if 0 <= x < w and 0 <= y < h:
                    yield x, y
            previous = point


def _segment(a: tuple[int, int], b: tuple[int, int]):
    steps = max(abs(b[0] - a[0]), abs(b[1] - a[1]), 1)
    for k in range(steps + 1):
        yield round(a[0] + (b[0] - a[0]) * k / steps), round(a[1] + (b[1] - a[1]) * k / steps)


def _label(x: float) -> str:
    """An axis label of at most LABEL characters; a power of ten written as the replies write it (1.4e5)."""
    if x == 0:
        return "0"
    return f"{x:.2f}" if 0.01 <= abs(x) < 100 else f"{x:.0f}" if 100 <= abs(x) < 1e5 else num(x)
