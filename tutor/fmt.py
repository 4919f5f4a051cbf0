"""Numbers as a student reads them: one way each, the same in the app, the replies and the command line."""

import math
from typing import Any


def num(x: Any) -> str:
    """Three significant digits, powers of ten when tiny or huge (0.693, 1839, 1e-4, 9.4e6); '—' for none;
    layer widths as 32,32; anything else as it is."""
    if x is None or isinstance(x, float) and math.isnan(x):
        return "—"
    if isinstance(x, (list, tuple)):
        return ",".join(map(str, x)) or "—"
    if isinstance(x, bool) or not isinstance(x, float):
        return str(x)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        mantissa, exponent = f"{x:.1e}".split("e")
        return f"{mantissa.removesuffix('.0')}e{int(exponent)}"
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def pct(x: float | None) -> str:
    """A share as a percentage, one decimal unless whole: 0.627 -> 62.7%, 0.5 -> 50%."""
    if x is None:
        return "—"
    text = f"{100 * x:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def fixed(x: float | None, digits: int = 3) -> str:
    """A table column's number: `digits` decimals, a power of ten when smaller than that or 10⁴ and more
    (1.2e-05, 3.2e+06): a blown-up loss is as wide as a small one."""
    if x is None:
        return "—"
    return f"{x:.{digits}f}" if 10**-digits <= abs(x) < 1e4 or x == 0 else f"{x:.1e}"


def value(v: Any) -> str:
    """A searched value as the search shows it: three significant digits for a float, others as they are."""
    return f"{v:.3g}" if isinstance(v, float) else str(v)


def rate(x: float) -> str:
    """A learning rate read off a range test: two significant digits (0.03, 1.5e-05)."""
    return f"{x:.2g}"


def ratio(x: float) -> str:
    """How many times one measurement is another: two significant digits (0.15, 1.9, 16, 150)."""
    return num(float(f"{x:.2g}"))


def exact(x: float) -> str:
    """A bound as it is written: whole numbers without a point (1000, 0.0001, 2.5)."""
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def seconds(x: float) -> str:
    """A duration with its unit, as precise as a reader needs: 0.07 s, 0.4 s, 3.2 s, 12 s, 3 min 5 s, 1 h 2 min
    (the units' symbols, the same in every language)."""
    if x < 1:
        return f"{x:.1g} s" if x > 0 else "0 s"
    if x < 9.95:
        return f"{x:.1f}".removesuffix(".0") + " s"
    whole = round(x)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min" + (f" {whole % 60} s" if whole % 60 else "")
    minutes = round(x / 60)
    return f"{minutes // 60} h" + (f" {minutes % 60} min" if minutes % 60 else "")
