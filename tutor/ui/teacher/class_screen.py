"""The class at a glance: a live table of the students (the roster's, connected or not, and anyone
else in the store) and the diagnoses most of them run into."""

import datetime
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import DataTable, Static

from tutor.classroom.board import (
    StudentRow,
    class_rows,
    common_diagnoses,
    diagnosis_title,
    export_csv,
)
from tutor.classroom.exercise import current_exercise
from tutor.files import Unreadable
from tutor.i18n import Lang, t
from tutor.lessons import Course
from tutor.store import Store
from tutor.ui.keys import LocalizedBindings, localized
from tutor.ui.teacher.exercise import ExerciseScreen
from tutor.ui.teacher.student import StudentScreen
from tutor.ui.widgets.footer import Footer

COLUMNS = {"student": 12, "lesson": 15, "step": 4, "runs": 4, "last": 16, "mastery": 7, "predictions": 7}
# with a column of padding each side, 79 columns: the table fits 80 with its scrollbar
BARS = "▁▂▃▄▅▆▇█"
STATUS = {"completed": "✓", "diverged": "✗", "cancelled": "■"}
POLL_SECONDS = 1.0


KEYS = "teacher.key"  # the catalogue of this view's key labels


class ClassScreen(LocalizedBindings, Screen):
    """Every student, re-read from the store each second; Enter opens one."""

    BINDINGS = [
        *localized("enter", "open", "open", priority=True, labels=KEYS),
        *localized("e", "exercise", "exercise", labels=KEYS),
        *localized("x", "export", "export", labels=KEYS),
    ]

    def __init__(self, store: Store, lang: Lang, course: Course, roster: Sequence[str] = ()) -> None:
        super().__init__()
        self.store, self.lang, self.course, self.roster = store, lang, course, tuple(roster)
        self.rows: dict[str, StudentRow] = {}
        self.shown: dict[str, tuple[Text, ...]] = {}  # the cells on screen, per student
        self.seen_run = -1  # the newest run when the common diagnoses were counted

    def compose(self) -> ComposeResult:
        yield Static(id="class-title")
        yield Static(id="class-exercise")
        yield DataTable(id="class-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="class-common")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key, width in COLUMNS.items():
            table.add_column(t(f"teacher.col.{key}", self.lang), key=key, width=width)
        self.poll()
        self.set_interval(POLL_SECONDS, self.poll)
        table.focus()

    def poll(self) -> None:
        """Read the class again and change only the cells that changed: the cursor stays, nothing flickers."""
        rows = class_rows(self.store, self.course, self.roster)
        table = self.query_one(DataTable)
        for gone in self.shown.keys() - {row.student for row in rows}:
            table.remove_row(gone)
            del self.shown[gone]
        for row in rows:
            new, old = cells(row, self.lang, self.course), self.shown.get(row.student)
            if old is None:
                table.add_row(*new, key=row.student)
            for column, before, after in zip(COLUMNS, old or new, new):
                if before != after:
                    table.update_cell(row.student, column, after)
            self.shown[row.student] = new
        self.rows = {row.student: row for row in rows}
        self.show_header()
        latest = self.store.latest_run_id()
        if latest != self.seen_run:
            self.seen_run = latest
            self.show_common()

    def show_header(self) -> None:
        lang = self.lang
        connected = sum(row.connected for row in self.rows.values())
        self.query_one("#class-title", Static).update(
            t("teacher.title", lang, students=len(self.rows), connected=connected))
        exercise = current_exercise(self.store)
        self.query_one("#class-exercise", Static).update(
            t("teacher.exercise_line", lang, exercise=exercise.describe(lang)) if exercise
            else t("teacher.no_exercise", lang))

    def show_common(self) -> None:
        common = common_diagnoses(self.store, self.lang)
        lines = [f"• {c.text}" for c in common] or [t("teacher.common.none", self.lang)]
        self.query_one("#class-common", Static).update(
            Text(t("teacher.common.title", self.lang), style="bold") + Text("\n" + "\n".join(lines)))

    @on(DataTable.RowSelected)
    def selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        table = self.query_one(DataTable)
        if table.row_count:
            student = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
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


def cells(row: StudentRow, lang: Lang, course: Course) -> tuple[Text, ...]:
    """A student's row as the table shows it, in COLUMNS order; long words end in … rather than being cut."""
    name = Text.assemble(("● " if row.connected else "  ", "green"), row.student, overflow="ellipsis", no_wrap=True)
    words = (
        lesson_label(course, row.lesson, lang),
        f"{row.step + 1}/{row.steps}" if row.steps and row.step is not None else "—",
        str(row.runs),
        last_run(row, lang),
        bars(row),
        f"{row.right}✓ {row.wrong}✗",
    )
    return name, *(Text(word, overflow="ellipsis", no_wrap=True) for word in words)


def lesson_label(course: Course, lesson_id: str | None, lang: Lang) -> str:
    """'2 Learning rate': the lesson by its number and its short title (else its title)."""
    lesson = course.get(lesson_id, lang) if lesson_id else None
    if lesson is None:
        return lesson_id or "—"
    title = lesson.short or lesson.title
    return title if lesson.order is None else f"{lesson.order} {title}"


def last_run(row: StudentRow, lang: Lang) -> str:
    """'✗ diverged', '✓ lr too low': the last run's status as a mark, and its top diagnosis (else its status)."""
    if row.last_status is None:
        return "—"
    what = diagnosis_title(row.last_diagnosis, lang) if row.last_diagnosis else t(f"run.status.{row.last_status}", lang)
    return f"{STATUS[row.last_status]} {what}"


def bars(row: StudentRow) -> str:
    """Mastery per topic as one block each, higher for more right first tries; · for a topic not tried yet."""
    return "".join(BARS[min(int(m.score * len(BARS)), len(BARS) - 1)] if m.attempted else "·"
                   for m in row.mastery.values())
