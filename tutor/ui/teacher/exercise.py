"""The class exercise: set or clear it from the keyboard, and watch its leaderboard fill in."""

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Select, Static

from tutor.classroom.exercise import METRICS, TITLE_LENGTH, Exercise, Form, current_exercise, leaderboard, set_exercise
from tutor.errors import TutorError
from tutor.i18n import Lang, t
from tutor.store import Store
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.widgets.footer import Footer

POLL_SECONDS = 2.0
BOARD_COLUMNS = ("place", "student", "params", "value", "run")


KEYS = "teacher.key"  # the catalogue of this view's key labels


class ExerciseScreen(LocalizedBindings, Screen):
    """A form (title, target, fixed settings) over the leaderboard; Enter or ctrl+s saves, ctrl+r clears."""

    BINDINGS = [
        *localized("escape", "app.pop_screen", "back", labels=KEYS),
        *localized("ctrl+s", "save", "save", labels=KEYS),
        *localized("ctrl+r", "clear", "clear", labels=KEYS),
    ]

    def __init__(self, store: Store, lang: Lang) -> None:
        super().__init__()
        self.store, self.lang = store, lang
        self.seen_run = -1  # the newest run when the leaderboard was drawn
        self.exercise: Exercise | None = None  # the one shown

    def compose(self) -> ComposeResult:
        lang = self.lang
        yield Static(t("teacher.form.title", lang), id="exercise-title")
        with Horizontal(classes="exercise-field"):
            yield Label(t("teacher.form.name", lang))
            yield Input(placeholder=t("teacher.form.default_title", lang), max_length=TITLE_LENGTH, id="exercise-name",
                        compact=True)
        with Horizontal(classes="exercise-field"):
            yield Label(t("teacher.form.target", lang))
            metrics = [(f"{t(f'run.col.{metric}', lang)} {op}", metric) for metric, op in METRICS.items()]
            yield Select(metrics, allow_blank=False, id="exercise-metric", compact=True)
            yield Input(Form().target, id="exercise-threshold", compact=True)
        with Horizontal(classes="exercise-field"):
            yield Label(t("teacher.form.fixed", lang))
            yield Input(placeholder=t("teacher.form.fixed_placeholder", lang), id="exercise-fixed", compact=True)
        yield Static(id="exercise-now")
        yield DataTable(id="exercise-board", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        exercise = current_exercise(self.store)
        if exercise:
            form = Form.of(exercise)
            self.query_one("#exercise-name", Input).value = form.title
            self.query_one("#exercise-metric", Select).value = form.metric
            self.query_one("#exercise-threshold", Input).value = form.target
            self.query_one("#exercise-fixed", Input).value = form.fixed
        self.show(exercise)
        self.set_interval(POLL_SECONDS, self.poll)
        self.query_one("#exercise-name", Input).focus()

    def poll(self) -> None:
        if self.store.latest_run_id() != self.seen_run:
            self.show(current_exercise(self.store))

    def show(self, exercise: Exercise | None) -> None:
        """The exercise as students see it, and its leaderboard."""
        lang = self.lang
        self.seen_run = self.store.latest_run_id()
        self.exercise = exercise
        self.refresh_bindings()
        now = self.query_one("#exercise-now", Static)
        table = self.query_one("#exercise-board", DataTable)
        table.clear(columns=True)
        if exercise is None:
            now.update(t("teacher.form.none", lang))
            return
        board = leaderboard(self.store, exercise)
        now.update(f"{t('teacher.exercise_line', lang, exercise=exercise.describe(lang))}\n"
                   f"{t('teacher.form.board', lang)}: {len(board) or t('teacher.form.empty', lang)}")
        for key in BOARD_COLUMNS:
            label = t(f"run.col.{exercise.metric}", lang) if key == "value" else t(f"teacher.form.col.{key}", lang)
            table.add_column(label, key=key)
        for entry in board:
            table.add_row(str(entry.place), entry.student, str(entry.n_params), exercise.shown(entry.value),
                          f"#{entry.run_id}", key=entry.student)

    def can(self, action: str) -> bool | None:
        return self.exercise is not None if action == "clear" else True

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        lang = self.lang
        form = Form(title=self.query_one("#exercise-name", Input).value,
                    metric=self.query_one("#exercise-metric", Select).value,
                    target=self.query_one("#exercise-threshold", Input).value,
                    fixed=self.query_one("#exercise-fixed", Input).value)
        try:
            exercise = form.exercise(lang, untitled=t("teacher.form.default_title", lang))
        except TutorError as err:
            self.notify(str(err), severity="error")
            return
        set_exercise(self.store, exercise)
        self.notify(t("teacher.form.saved", lang))
        self.show(exercise)

    def action_clear(self) -> None:
        set_exercise(self.store, None)
        self.notify(t("teacher.form.cleared", self.lang))
        self.show(None)
