"""Braille scatter plots: inside 80 columns, points where they belong."""

from tutor.tune.plot import scatter


def test_a_log_axis_spreads_decades_evenly_within_80_columns():
    lines = scatter([1e-3, 1e-2, 1e-1], [0.5, 0.2, 0.4], log_x=True, ticks=(1e-3, 1e-2, 1e-1))
    assert all(len(line) <= 80 for line in lines) and len(lines) == 8 + 2
    dots = {line.find(ch) for line in lines[:8] for ch in line[10:] if "\u2800" < ch <= "\u28ff"}
    assert len(dots) == 3 and max(dots) - min(dots) >= 55
    assert lines[-1].split() == ["0.001", "0.01", "0.1"] and lines[0].strip().startswith("0.500")


def test_categories_and_marks_are_labelled():
    lines = scatter(["relu", "tanh"], [0.3, None], categories=["relu", "tanh"], marks=[("tanh", "v")])
    assert lines[-1].split() == ["relu", "tanh"] and lines[-2].strip() == "v"
    assert scatter([1.0], [None]) == []
