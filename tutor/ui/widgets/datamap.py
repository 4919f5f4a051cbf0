"""A picture of a 2-D data set: points coloured by class, over the class a model predicts, if known.

Each character is two pixels stacked (▀: the top one in the foreground colour, the bottom one in the
background), so a 30×12 map shows 30×24 pixels. Its colours are the theme's (tutor.ui.colors).
"""

from collections.abc import Callable

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.color import Color
from textual.widget import Widget

from tutor.ui.colors import palette

Classify = Callable[[np.ndarray], np.ndarray]  # (n, 2) points -> (n,) class indices


class DataMap(Widget):
    """Points of a 2-D data set, optionally over the decision regions of a classifier."""

    DEFAULT_CSS = """
    DataMap { height: 12; width: 32; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points = np.zeros((0, 2))
        self.labels = np.zeros(0, dtype=int)
        self.classify: Classify | None = None

    def on_mount(self) -> None:
        self.app.theme_changed_signal.subscribe(self, lambda _: self.refresh())

    def show(self, points: np.ndarray, labels: np.ndarray, classify: Classify | None = None) -> None:
        """Draw `points` (n×2) coloured by `labels`; with `classify`, colour the regions it predicts."""
        self.points, self.labels, self.classify = points, labels.astype(int), classify
        self.refresh()

    def pixels(self, width: int, height: int, colors: list[str], background: str) -> list[list[str]]:
        """The colour of each pixel, `height` rows of `width`: class k in `colors[k]`, over `background`."""
        grid = [[background] * width for _ in range(height)]
        if not len(self.points):
            return grid
        lo, hi = self.points.min(0), self.points.max(0)
        margin = (hi - lo) * 0.05 + 1e-9
        lo, hi = lo - margin, hi + margin
        if self.classify is not None:
            xs = lo[0] + (np.arange(width) + 0.5) / width * (hi[0] - lo[0])
            ys = hi[1] - (np.arange(height) + 0.5) / height * (hi[1] - lo[1])
            centres = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)
            regions = np.asarray(self.classify(centres)).reshape(height, width)
            dim = [Color.parse(c).blend(Color.parse(background), 0.7).hex for c in colors]
            grid = [[dim[int(k) % len(dim)] for k in row] for row in regions]
        cols = np.clip(((self.points[:, 0] - lo[0]) / (hi[0] - lo[0]) * width).astype(int), 0, width - 1)
        rows = np.clip(((hi[1] - self.points[:, 1]) / (hi[1] - lo[1]) * height).astype(int), 0, height - 1)
        for r, c, k in zip(rows, cols, self.labels):
            grid[r][c] = colors[k % len(colors)]
        return grid

    def render(self) -> Text:
        width, height = self.size
        grid = self.pixels(width, height * 2, *palette(self.app))
        out = Text(no_wrap=True, overflow="crop")
        for r in range(height):
            if r:
                out.append("\n")
            for top, bottom in zip(grid[2 * r], grid[2 * r + 1]):
                out.append("▀", Style(color=top, bgcolor=bottom))
        return out
