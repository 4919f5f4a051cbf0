"""Colours from the app's theme for what CSS cannot colour: chart curves and data-map pixels."""

from textual.app import App
from textual.color import Color

CLASSES = 10  # colours for the classes of a data set (blobs and spirals have at most 10)


def palette(app: App) -> tuple[list[str], str]:
    """CLASSES distinct colours and the background, from the current theme: its named colours first,
    then lighter versions of them."""
    theme, variables = app.current_theme, app.theme_variables  # as generated for the theme (again: costly)
    named = (theme.primary, theme.warning, theme.success, theme.error, theme.secondary, theme.accent)
    base = list(dict.fromkeys(Color.parse(c).hex for c in named if c))
    classes = [Color.parse(base[i % len(base)]).lighten(0.15 * (i // len(base))).hex for i in range(CLASSES)]
    return classes, Color.parse(variables.get("surface") or variables["background"]).hex
