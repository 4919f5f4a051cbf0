"""Scatter plots in braille characters (2x4 dots a cell), small enough for an 80-column terminal."""

import math
from collections.abc import Sequence

from tutor.fmt import fixed, value

DOTS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))  # bit of the dot at (row, column) of a cell
LABEL = 8  # width of the y-axis labels


def scatter(
    xs: Sequence[float | str],
    ys: Sequence[float | None],
    *,
    width: int = 60,
    height: int = 8,
    log_x: bool = False,
    x_range: tuple[float, float] | None = None,
    ticks: Sequence[float] = (),
    categories: Sequence[str] = (),
    marks: Sequence[tuple[float, str]] = (),
) -> list[str]:
    """Lines of a plot of `ys` against `xs`: numbers over `x_range` (default: theirs; log axis if `log_x`;
    labelled at `ticks`, default its ends) or one of `categories`, spread evenly in that order.
    `marks` put a letter under the axis at an x value (e.g. a suggestion)."""
    points = [(x, y) for x, y in zip(xs, ys) if y is not None and math.isfinite(y)]
    if not points:
        return []
    cols, rows = 2 * width, 4 * height
    scale = math.log10 if log_x else float
    if not categories:
        x_range = x_range or (min(x for x, _ in points), max(x for x, _ in points))
        lo, hi = scale(x_range[0]), scale(x_range[1])

    def to_col(x: float | str) -> int:
        if categories:
            return min(cols - 1, int((list(categories).index(x) + 0.5) * cols / len(categories)))
        return round((scale(x) - lo) / (hi - lo) * (cols - 1)) if hi > lo else cols // 2

    y_lo, y_hi = min(y for _, y in points), max(y for _, y in points)
    cells = [[0] * width for _ in range(height)]
    for x, y in points:
        c = min(cols - 1, max(0, to_col(x)))
        r = rows - 1 - (round((y - y_lo) / (y_hi - y_lo) * (rows - 1)) if y_hi > y_lo else rows // 2)
        cells[r // 4][c // 2] |= DOTS[r % 4][c % 2]
    lines = []
    for i, row in enumerate(cells):
        label = fixed(y_hi) if i == 0 else fixed(y_lo) if i == height - 1 else ""
        lines.append(f"{label:>{LABEL}} ┤" + "".join(chr(0x2800 + bits) if bits else " " for bits in row).rstrip())
    lines.append(" " * LABEL + " └" + "─" * width)
    if marks:
        lines.append(_under([(to_col(x) // 2, letter) for x, letter in marks], width))
    shown = categories or ticks or x_range
    lines.append(_under([(to_col(x) // 2, value(x)) for x in shown], width))
    return lines


def _under(labels: Sequence[tuple[int, str]], width: int) -> str:
    """Labels centred under their columns, left to right, skipping any that would overlap."""
    line, free = [" "] * (width + 8), 0
    for col, text in sorted(labels):
        start = min(max(col - len(text) // 2, 0), len(line) - len(text))
        if start < free:
            continue
        line[start : start + len(text)] = text
        free = start + len(text) + 1
    return " " * (LABEL + 2) + "".join(line).rstrip()
