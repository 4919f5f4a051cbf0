"""The app's parts on their own: the braille chart, the data map, the step cursor, number formats, the footer."""

import re

import numpy as np
from pilot_tools import until
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from tutor.config import ExperimentConfig
from tutor.dialogue.tutor import what_if
from tutor.fmt import num, pct, seconds
from tutor.lessons import Experiment, Predict, Quiz, WhatIf
from tutor.lessons.flow import StepFlow
from tutor.lessons.model import Prose
from tutor.ui.text import config_diff
from tutor.ui.widgets.chart import BRAILLE, LineChart, Series
from tutor.ui.widgets.conversation import MAX_TURNS, Conversation, Said
from tutor.ui.widgets.datamap import DataMap
from tutor.ui.widgets.footer import Footer
from tutor.ui.widgets.prompt import PromptInput
from tutor.ui.widgets.run_panel import RunPanel


class Harness(App):
    def __init__(self, *widgets) -> None:
        super().__init__()
        self.widgets = widgets

    def compose(self) -> ComposeResult:
        yield from self.widgets


def test_chart_scales():
    chart = LineChart("loss")
    chart.plot([Series("train", [0.7, 0.5, 0.3], "red")])
    lo, hi, log = chart.scale()
    assert not log and 0 <= lo < 0.3 and hi > 0.7  # a loss axis never dips below zero
    chart.plot([Series("train", [0.6, 5e6, None], "red")])
    assert chart.scale()[2]  # six orders of magnitude: a log axis
    chart = LineChart("acc", y_range=(0, 1))
    chart.plot([Series("val", [0.5, 2.0], "red")])
    assert chart.scale() == (0, 1, False)


def test_chart_legend_wraps_instead_of_cutting():
    chart = LineChart("loss")
    chart.plot([Series(name, [1.0], "red") for name in ("A train", "A val", "B train", "B val")])
    lines = chart.legend(30, log=False)
    assert len(lines) > 1 and all(line.cell_len <= 30 for line in lines)
    assert "B val" in "".join(line.plain for line in lines)


async def test_chart_draws_dots_and_axis():
    chart = LineChart("loss")
    app = Harness(chart)
    async with app.run_test(size=(40, 10)):
        chart.plot([Series("val", [1.0, None, 0.5, 0.25], "red")], x_max=3)
        text = chart.render().plain.splitlines()
        assert len(text) == 8 and text[0].startswith("loss")
        assert text[-1].split()[-1] == "3"  # epochs 0..3 along the bottom
        dots = [c for line in text[1:-1] for c in line if ord(c) > BRAILLE]
        assert dots  # the curve, broken where a value is missing
        chart.plot([Series("val", [0.6, 1.4e5], "red")], x_max=1)  # a blow-up: a log axis
        labels = [line.split("┤")[0].strip() for line in chart.render().plain.splitlines() if "┤" in line]
        assert re.fullmatch(r"\d(\.\d)?e\d", labels[0]) and not any("e+" in label for label in labels)  # 2.6e5


def test_data_map_colours_points_and_regions():
    points = np.array([[0.0, 0.0], [1.0, 1.0]])
    labels = np.array([0, 1])
    colors, background = ["#ff0000", "#0000ff"], "#000000"
    shown = DataMap()
    shown.show(points, labels)
    grid = shown.pixels(10, 10, colors, background)
    assert grid[-1][0] == colors[0] and grid[0][-1] == colors[1]  # bottom left, top right
    assert grid[0][0] == background
    shown.show(points, labels, classify=lambda xy: (xy[:, 0] > 0.5).astype(int))
    grid = shown.pixels(10, 10, colors, background)
    assert grid[0][0] != background and grid[0][0] != grid[5][9]  # regions of both classes, dimmed


def test_step_flow_stops_at_each_gate(sample_course):
    lesson = sample_course.get("basics", "en")
    flow = StepFlow(lesson, 0)
    shown = flow.reveal()
    assert [type(i) for i in shown] == [Prose, Quiz] and flow.gate is flow.menu and flow.options() == 2
    flow.settle()
    assert [type(i) for i in flow.reveal()] == [Quiz] and flow.options() == 0  # numeric: no menu
    flow.settle()
    assert flow.reveal() == [] and flow.finished

    flow = StepFlow(lesson, 1)
    [predict] = flow.reveal()
    assert isinstance(predict, Predict) and flow.options() == 3
    flow.settle(ran=predict.experiment.config)
    shown = flow.reveal()
    assert [type(i) for i in shown] == [Experiment, WhatIf]  # the predicted experiment has run: no gate
    assert flow.gate is None and flow.options() == 1 and flow.finished


def test_numbers_and_diffs_read_well():
    assert [num(x) for x in (0.6931, 25.0, 1839.4, 9.4e6, 1e-4, None, float("nan"), (32, 32))] == [
        "0.693", "25", "1839", "9.4e6", "1e-4", "—", "—", "32,32"]
    assert pct(0.975) == "97.5%" and pct(0.5) == "50%" and pct(None) == "—"
    base = ExperimentConfig()
    assert config_diff(base, base.changed(lr=0.1, batch_size=8), "en") == "lr 0.01→0.1 · batch 32→8"
    assert config_diff(base, base.changed(epochs=5, activation="leaky_relu"), "es") == \
        "activación ReLU→leaky ReLU · épocas 20→5"  # settings in words, never as the config's keys
    assert config_diff(base, base.changed(optimizer="sgd"), "en") == "optimizer Adam→SGD"
    assert config_diff(None, base, "en") == "2 layers of 32, ReLU · Adam lr 0.01"  # as `tutor run` says it
    assert config_diff(None, base.changed(hidden=(16,)), "es") == "1 capa de 16, ReLU · Adam lr 0.01"


def test_durations_read_one_way():
    shown = [seconds(x) for x in (0, 0.07, 0.43, 3.25, 9.96, 12.4, 59.6, 185, 3725)]
    assert shown == ["0 s", "0.07 s", "0.4 s", "3.2 s", "10 s", "12 s", "1 min", "3 min 5 s", "1 h 2 min"]


def test_launched_runs_name_what_changed():
    base = ExperimentConfig()
    intent = what_if(base, base.changed(lr=5, hidden=(16,), seed=3), "en")
    assert intent.kind == "what_if" and set(intent.changes) == {"lr", "hidden"}  # seed is no dialogue field
    assert intent.changes["hidden"].value == [16]


async def test_the_conversation_keeps_the_newest_turns():
    talk = Conversation()
    app = Harness(talk)
    async with app.run_test(size=(40, 10)) as pilot:
        for n in range(MAX_TURNS + 5):
            talk.add(Said(f"turn {n}"))
        await pilot.pause()
        assert len(talk.children) == MAX_TURNS
        assert str(talk.children[-1].render()) == f"turn {MAX_TURNS + 4}"


async def test_the_queue_place_shows_at_once_and_then_only_the_latest():
    panel = RunPanel("en")
    async with Harness(panel).run_test(size=(100, 20)) as pilot:
        panel.start(ExperimentConfig())
        line = panel.query_one("#run-epoch", Static)
        for place in (3, 2, 1):  # the class queue moves faster than it is worth repainting
            panel.queued(place, 5)
        assert "place 3 of 5" in str(line.content)
        assert await until(lambda: "place 1 of 5" in str(line.content), pilot=pilot)


async def test_a_panel_line_grows_when_its_text_no_longer_fits():
    panel = RunPanel("en")
    async with Harness(panel).run_test(size=(40, 20)) as pilot:
        line = panel.query_one("#run-epoch", Static)
        panel.put("#run-epoch", "short")
        await pilot.pause()
        panel.put("#run-epoch", "short, too")  # the same height: no new layout needed
        await pilot.pause()
        assert line.size.height == 1 and "too" in line.render_line(0).text
        panel.put("#run-epoch", "a line far longer than the forty columns of this terminal")
        assert await until(lambda: line.size.height > 1, pilot=pilot)


class Keys(App):
    """Two keys, the second shown only while `more`."""

    BINDINGS = [Binding("f2", "two", "Two"), Binding("f3", "three", "Three")]
    more = False

    def compose(self) -> ComposeResult:
        yield Footer(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.more if action == "three" else True


async def test_the_footer_is_rebuilt_only_when_its_keys_change():
    app = Keys()
    async with app.run_test(size=(60, 5)) as pilot:
        footer = app.query_one(Footer)
        assert await until(lambda: len(footer.query(FooterKey)) == 1, pilot=pilot)
        key = footer.query_one(FooterKey)
        told: list[object] = []  # the screen tells the footer first (it subscribed on mount), then this list
        app.screen.bindings_updated_signal.subscribe(app, told.append)
        app.refresh_bindings()  # nothing the footer shows has changed
        assert await until(lambda: told and not footer._rebuild_due, pilot=pilot)  # its rebuild came, and was skipped
        assert footer.query_one(FooterKey) is key
        app.more = True
        app.refresh_bindings()
        assert await until(lambda: [k.description for k in footer.query(FooterKey)] == ["Two", "Three"], pilot=pilot)


async def test_a_long_line_scrolls_within_the_prompt(make_app):
    """A key repaints the prompt without laying the screen out: the line still scrolls to the cursor."""
    app = make_app()
    text = "what if the learning rate were much smaller and the batch size larger and we trained longer"
    async with app.run_test(size=(80, 24)) as pilot:
        prompt = app.main.query_one(PromptInput)
        await pilot.press(*(c if c != " " else "space" for c in text))
        assert await until(lambda: prompt.value == text, pilot=pilot)
        assert prompt.scroll_x > 0 and prompt.render_line(0).text.rstrip().endswith(text[-30:])
        await pilot.press("home")
        assert await until(lambda: prompt.scroll_x == 0, pilot=pilot)
        assert prompt.render_line(0).text.startswith(text[:30])


async def test_the_css_is_parsed_once_per_process(make_app):
    """A second app (a second session forked from the server) reuses the rules the first one parsed."""
    rules = []
    for student in ("ana", "bea"):
        app = make_app(student=student)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            rules.append(app.stylesheet.rules)
    assert len(rules[0]) == len(rules[1]) > 0 and all(a is b for a, b in zip(*rules))
