"""The class at a glance: a live table of the students (the roster's, connected or not, and anyone
else in the store) with what each needs now, sorted and filtered by keys, and the problems several share."""

import datetime
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tutor.classroom.board import (
    HELP,
    StudentRow,
    class_rows,
    common_problems,
    diagnosis_title,
    export_csv,
    lesson_label,
    need,
    need_text,
    urgency,
)
from tutor.classroom.exercise import Exercise, current_exercise
from tutor.files import Unreadable
from tutor.i18n import Lang, t
from tutor.lessons import Course
from tutor.store import Store
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.teacher.exercise import ExerciseScreen
from tutor.ui.teacher.student import StudentScreen
from tutor.ui.widgets.footer import Footer

COLUMNS = {"student": 12, "lesson": 15, "step": 4, "last": 19, "need": 19}
# with a column of padding each side, 79 columns: the table fits 80 with its scrollbar
STATUS = {"completed": "✓", "diverged": "✗", "cancelled": "■"}
STYLES = {"stuck": "bold red", "failing": "bold red", "idle": "yellow", "finished": "green", "new": "dim",
          "away": "dim"}
SORTS = {"need": "need", "name": "student", "course": "lesson"}  # each order, and the column it marks
FILTERS = ("all", "help", "connected")
POLL_SECONDS = 1.0


KEYS = "teacher.key"  # the catalogue of this view's key labels


class ClassScreen(LocalizedBindings, Screen):
    """Every student, read again whenever the store changes (checked each second); `s` sorts (who needs help
    first, by name, who is furthest behind first), `f` filters (everyone, who needs help, who is connected),
    Enter opens one."""

    BINDINGS = [
        *localized("enter", "open", "open", priority=True, labels=KEYS),
        *localized("s", "sort", "sort", labels=KEYS),
        *localized("f", "filter", "filter", labels=KEYS),
        *localized("e", "exercise", "exercise", labels=KEYS),
        *localized("x", "export", "export", labels=KEYS),
    ]

    def __init__(self, store: Store, lang: Lang, course: Course, roster: Sequence[str] = ()) -> None:
        super().__init__()
        self.store, self.lang, self.course, self.roster = store, lang, course, tuple(roster)
        self.rows: dict[str, StudentRow] = {}  # every student's, shown or filtered out
        self.shown: dict[str, tuple[Text, ...]] = {}  # the cells on screen, per student
        self.order: list[str] = []  # the students on screen, top to bottom
        self.version: tuple[int, int] | None = None  # the store's when the rows were read
        self.exercise: Exercise | None = None  # the class exercise, read with them
        self.sort, self.filter = "need", "all"

    def compose(self) -> ComposeResult:
        yield Static(id="class-title")
        yield Static(id="class-exercise")
        yield DataTable(id="class-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="class-common")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in COLUMNS.items():
            table.add_column(self.heading(key), key=key, width=width)
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)
        table.focus()

    def heading(self, column: str) -> str:
        """A column's heading, marked ▼ when the table is sorted by it."""
        return t(f"teacher.col.{column}", self.lang) + (" ▼" if SORTS[self.sort] == column else "")

    def poll(self) -> None:
        """Read the class again if anything was written since, and change only the cells that changed (the
        idle minutes count on without a read): the cursor stays on its student, nothing flickers."""
        now = time.time()
        version = self.store.version()
        if version != self.version:
            self.version = version
            self.rows = {row.student: row for row in class_rows(self.store, self.course, self.roster)}
            self.exercise = current_exercise(self.store)
            self.show_common(now)
        shown = sorted((row for row in self.rows.values() if self.wanted(row, now)), key=self.sort_key(now))
        table = self.query_one(DataTable)
        on = self.cursor_student()
        for gone in self.shown.keys() - {row.student for row in shown}:
            table.remove_row(gone)
            del self.shown[gone]
        for row in shown:
            new, old = cells(row, self.lang, self.course, now), self.shown.get(row.student)
            if old is None:
                table.add_row(*new, key=row.student)
            for column, before, after in zip(COLUMNS, old or new, new):
                if before != after:
                    table.update_cell(row.student, column, after)
            self.shown[row.student] = new
        order = [row.student for row in shown]
        if order != self.order:
            self.order = order
            position = {student: i for i, student in enumerate(order)}
            table.sort("student", key=lambda name: position[name.plain[2:]])  # the cell is '● name'
            if on in position:
                table.move_cursor(row=position[on], animate=False)
        self.show_header(now)

    def wanted(self, row: StudentRow, now: float) -> bool:
        """Whether the filter shows `row`."""
        return self.filter == "all" or (need(row, now) in HELP if self.filter == "help" else row.connected)

    def sort_key(self, now: float) -> Callable[[StudentRow], tuple]:
        """The order of the rows: who needs help first, who is furthest behind first (those not started
        before all), or by name."""
        if self.sort == "need":
            return lambda row: urgency(row, now)
        if self.sort == "course":
            return lambda row: (row.lesson is not None, row.course, row.student)
        return lambda row: (row.student,)

    def cursor_student(self) -> str | None:
        """The student under the cursor; None in an empty table."""
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def show_header(self, now: float) -> None:
        """The counts, the filter, and the exercise."""
        lang, rows = self.lang, self.rows.values()
        title = t("teacher.title", lang, students=len(self.rows), connected=sum(row.connected for row in rows),
                  help=sum(need(row, now) in HELP for row in rows))
        if self.filter != "all":
            title += f" · {t(f'teacher.only.{self.filter}', lang)}"
        self.show_line("#class-title", title)
        exercise = self.exercise
        self.show_line("#class-exercise", t("teacher.exercise_line", lang, exercise=exercise.describe(lang))
                       if exercise else t("teacher.no_exercise", lang))

    def show_common(self, now: float) -> None:
        common = common_problems(self.store, self.course, self.rows.values(), self.lang, now)
        lines = [f"• {c.text}" for c in common] or [t("teacher.common.none", self.lang)]
        self.show_line("#class-common", Text(t("teacher.common.title", self.lang), style="bold")
                       + Text("\n" + "\n".join(lines)))

    def show_line(self, selector: str, content: str | Text) -> None:
        """Show `content` in the Static `selector` unless it shows it already: an unchanged line is not repainted."""
        static = self.query_one(selector, Static)
        if static.content != content:
            static.update(content)

    def action_sort(self) -> None:
        """The next order: who needs help first, by name, who is furthest behind first."""
        self.sort = list(SORTS)[(list(SORTS).index(self.sort) + 1) % len(SORTS)]
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.columns[key].label = Text(self.heading(key))
        self.order = []  # sorted anew, the headings with it
        self.poll()
        self.to_top()

    def action_filter(self) -> None:
        """The next filter: everyone, who needs help, who is connected."""
        self.filter = FILTERS[(FILTERS.index(self.filter) + 1) % len(FILTERS)]
        self.poll()
        self.to_top()

    def to_top(self) -> None:
        """The cursor on the first student, in view: a new order or filter is read from the top."""
        table = self.query_one(DataTable)
        table.move_cursor(row=0, animate=False)
        table.scroll_home(animate=False)

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        student = self.cursor_student()
        if student is not None:
            self.app.push_screen(StudentScreen(self.store, self.rows[student], self.lang, self.course))

    def action_exercise(self) -> None:
        self.app.push_screen(ExerciseScreen(self.store, self.lang))

    def action_export(self) -> None:
        """The class's progress as CSV in the current folder."""
        path = Path.cwd() / f"class-{datetime.datetime.now():%Y-%m-%d-%H%M%S}.csv"
        try:
            export_csv(self.store, self.course, path, self.roster, lang=self.lang)
        except Unreadable as err:
            self.notify(t("teacher.export_failed", self.lang, path=path, reason=err.reason), severity="error")
            return
        self.notify(t("teacher.exported", self.lang, path=path))


def cells(row: StudentRow, lang: Lang, course: Course, now: float) -> tuple[Text, ...]:
    """A student's row as the table shows it, in COLUMNS order; long words end in … rather than being cut."""
    name = Text.assemble(("● " if row.connected else "  ", "green"), row.student, overflow="ellipsis", no_wrap=True)
    words = (
        lesson_label(course, row.lesson, lang),
        f"{row.step + 1}/{row.steps}" if row.steps and row.step is not None else "—",
        last_run(row, lang),
    )
    now_words = Text(need_text(row, lang, now), style=STYLES.get(need(row, now), ""), overflow="ellipsis",
                     no_wrap=True)
    return name, *(Text(word, overflow="ellipsis", no_wrap=True) for word in words), now_words


def last_run(row: StudentRow, lang: Lang) -> str:
    """'✗ diverged', '✓ lr too low': the last run's status as a mark, and its top diagnosis (else its status)."""
    if row.last_status is None:
        return "—"
    what = diagnosis_title(row.last_diagnosis, lang) if row.last_diagnosis else t(f"run.status.{row.last_status}", lang)
    return f"{STATUS[row.last_status]} {what}"
