"""One student, read-only: where they are in the course and what they need, their mastery, and their runs
with curves."""

import time

from textual.app import ComposeResult
from textual.widgets import Static

from tutor.classroom.board import StudentRow, need, need_text, open_question
from tutor.dialogue.tutor import Tutor
from tutor.fmt import pct
from tutor.i18n import Lang, t
from tutor.lessons import Course
from tutor.store import Store
from tutor.ui.screens.runs import RunsScreen


class StudentScreen(RunsScreen):
    """The student's runs view (table, curves, data, comparison of two) over all their runs, under a summary
    of their progress. The student's Tutor is only read, never saved."""

    def __init__(self, store: Store, row: StudentRow, lang: Lang, course: Course) -> None:
        tutor = Tutor(store, row.student, lang, course)
        tutor.run_ids = store.run_ids(row.student)
        super().__init__(tutor)
        self.row, self.course = row, course

    def compose(self) -> ComposeResult:
        yield Static(summary(self.row, self.lang, self.course), id="student-summary")
        yield from super().compose()

    def on_mount(self) -> None:  # Textual also runs RunsScreen.on_mount, which fills the table
        self.query_one("#runs-title", Static).update(t("teacher.student.title", self.lang, student=self.row.student))


def summary(row: StudentRow, lang: Lang, course: Course) -> str:
    """Connection, lesson (by its title) and step, runs and predictions; what they need now in a sentence
    (stuck: the question, and the wrong answers); then mastery per topic."""
    title = next((lesson.title for lesson in course.in_lang(lang) if lesson.id == row.lesson), row.lesson)
    where = (t("teacher.student.where", lang, lesson=title, step=(row.step or 0) + 1, steps=row.steps)
             if row.lesson else t("teacher.student.nowhere", lang))
    connected = t("teacher.student.connected" if row.connected else "teacher.student.away", lang)
    head = t("teacher.student.summary", lang, student=row.student, connected=connected, where=where, runs=row.runs)
    now = time.time()
    lines = [head, need_text(row, lang, now, long=True)]
    question = open_question(course, row, lang) if need(row, now) == "stuck" else None
    if question:
        lines.append(t("teacher.student.question", lang, question=question))
    topics = " · ".join(f"{t(f'teacher.topic.{topic}', lang)} {pct(m.score)}" for topic, m in row.mastery.items())
    lines.append(t("teacher.student.mastery", lang, topics=topics or "—", right=row.right, wrong=row.wrong))
    return "\n".join(lines)
