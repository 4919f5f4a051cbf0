"""Words and numbers as the app shows them: catalogue look-ups and compact formatting."""

import math
from typing import Any

from tutor.config import ExperimentConfig
from tutor.i18n import Lang, t
from tutor.lessons.parse import WIKILINK


def ui(key: str, lang: Lang, **values: object) -> str:
    """The `[ui]` catalogue message `key` in `lang`."""
    return t(f"ui.{key}", lang, **values)


def num(x: Any) -> str:
    """A number in at most four significant digits (0.693, 1.2e+06); '—' for none or not finite."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return "—" if x is None else ",".join(map(str, x)) if isinstance(x, (list, tuple)) else str(x)
    if not math.isfinite(x):
        return "—"
    if abs(x) >= 1e5 or 0 < abs(x) < 1e-3:
        return f"{x:.2g}"
    if isinstance(x, int) or float(x).is_integer() or abs(x) >= 100:
        return f"{x:.0f}"
    return f"{x:.3g}"


def pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f}%"


def config_diff(before: ExperimentConfig | None, after: ExperimentConfig) -> str:
    """What changed from one config to the next ('lr 0.01→50'); the key settings for a first run."""
    if before is None:
        return f"{after.dataset} {num(after.hidden)} {after.optimizer} lr {num(after.lr)}"
    diff = before.diff(after)
    return " · ".join(f"{k} {num(a)}→{num(b)}" for k, (a, b) in diff.items() if k != "device") or "="


def plain_links(markdown: str) -> str:
    """Lesson prose with [[target|alias]] shown as its alias, in bold."""
    return WIKILINK.sub(lambda m: f"**{(m.group(2) or m.group(1)).strip()}**", markdown)
