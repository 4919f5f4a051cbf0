"""The theme a student picks is theirs: remembered in the store, put back on the next start, and the
charts and data maps draw in its colours."""

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult
from textual.color import Color

from tutor.ui.app import SETTINGS_KEY
from tutor.ui.colors import CLASSES, palette
from tutor.ui.widgets.chart import LineChart, Series
from tutor.ui.widgets.datamap import DataMap


async def test_the_theme_is_remembered_per_student(make_app, store):
    app = make_app(student="ana")
    async with app.run_test(size=(100, 30)) as pilot:
        default = app.theme
        app.theme = "nord"
        await pilot.pause()
    assert store.get_state("ana", SETTINGS_KEY) == {"theme": "nord"}
    again = make_app(student="ana")
    async with again.run_test(size=(100, 30)):
        assert again.theme == "nord"
    other = make_app(student="ben")
    async with other.run_test(size=(100, 30)):
        assert other.theme == default != "nord" and store.get_state("ben", SETTINGS_KEY) is None


class Harness(App):
    def compose(self) -> ComposeResult:
        yield LineChart("loss", id="chart")
        yield DataMap(id="map")


def colours(text: Text) -> set[str]:
    """The colours used in a rendered Text (foreground and background)."""
    styles = [Style.parse(s.style) if isinstance(s.style, str) else s.style for s in text.spans]
    return {Color.from_rich_color(c).hex for style in styles for c in (style.color, style.bgcolor) if c is not None}


async def test_charts_and_maps_draw_in_the_themes_colours():
    app = Harness()
    async with app.run_test(size=(60, 24)) as pilot:
        chart, datamap = app.query_one(LineChart), app.query_one(DataMap)
        chart.plot([Series("train", [1.0, 0.5, 0.2], "$primary"), Series("val", [1.0, 0.6, 0.4], "$warning")])
        datamap.show(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([0, 1]))
        for theme in ("textual-dark", "textual-light", "dracula"):
            app.theme = theme
            await pilot.pause()
            shown = chart.colors()  # before the test itself has the theme's variables generated
            current, variables = app.current_theme, app.get_css_variables()
            assert shown == [variables["primary"], variables["warning"]]
            drawn = {Color.parse(c).hex for c in chart.colors()}
            assert drawn <= colours(chart.render())
            classes, background = palette(app)
            assert len(set(classes)) == CLASSES and classes[0] == Color.parse(current.primary).hex
            assert {classes[0], classes[1], background} <= colours(datamap.render())
