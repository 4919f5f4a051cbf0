"""The teacher's view of a class, read from the shared store: a row per student (the roster's students
too, before they first connect), the diagnoses the class runs into most, and the class's progress as CSV.

Every function reads a few small columns (a run's result, its largest part, stays inside SQLite),
so a screen can call them every second for a class of thirty.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tutor.classroom.roster import load
from tutor.config import argument
from tutor.export import csv_writer, decimal
from tutor.files import write_atomically
from tutor.i18n import Lang, catalogue, t
from tutor.lessons import TOPICS, Course, Predict, Quiz
from tutor.progress import GradedItem, Mastery, mastery
from tutor.store import DIALOGUE_STATE, Store

# diagnoses tied to one setting: every run with the code had that setting on this side of the bound
BOUNDS = {"diverged": ("lr", "≥"), "lr_too_high": ("lr", "≥"), "lr_too_low": ("lr", "≤"),
          "batch_too_small": ("batch_size", "≤"), "batch_too_large": ("batch_size", "≥"),
          "too_few_epochs": ("epochs", "≤")}


@dataclass(frozen=True)
class StudentRow:
    """Where one student is: connection, lesson and step, runs, mastery and graded predictions."""

    student: str
    connected: bool
    lesson: str | None  # lesson id
    step: int | None  # 0-based, as the conversation keeps it
    steps: int | None  # steps of that lesson
    runs: int
    last_status: str | None
    last_diagnosis: str | None  # code of the last run's top diagnosis
    mastery: dict[str, Mastery]  # per topic of the course, in TOPICS order
    right: int  # predictions graded right
    wrong: int  # and wrong


@dataclass(frozen=True)
class CommonDiagnosis:
    """A diagnosis and the students who got it in at least one run, with the sentence for the board."""

    code: str
    students: tuple[str, ...]
    text: str


def class_rows(store: Store, course: Course, roster: Iterable[str] = ()) -> list[StudentRow]:
    """One row per student, alphabetically: anyone with a run, progress, state or an open session, and
    every name in `roster` (the roster's students: one who never connected gets a row of dashes and zeros)."""
    items = graded_items(course)
    connected = store.connected()
    last = store.last_runs()
    rows = []
    for student in sorted(set(store.students()) | connected | set(roster)):
        state = store.get_state(student, DIALOGUE_STATE) or {}
        lesson = course.get(state["lesson"]) if state.get("lesson") else None
        graded = [e["correct"] for e in store.progress(student) if e["kind"] == "predict" and e["correct"] is not None]
        runs, status, code = last.get(student, (0, None, None))
        topics = mastery(store, student, items)
        rows.append(StudentRow(
            student=student, connected=student in connected, lesson=lesson.id if lesson else None,
            step=state.get("step", 0) if lesson else None, steps=len(lesson.steps) if lesson else None,
            runs=runs, last_status=status, last_diagnosis=code,
            mastery={topic: topics[topic] for topic in TOPICS if topic in topics},
            right=sum(graded), wrong=len(graded) - sum(graded)))
    return rows


def roster_students(path: Path, lang: Lang = "en") -> list[str]:
    """The names of the students in the roster file `path`, in its order (teachers are not in the class);
    none for a missing file. A broken file is a ConfigError naming the file, line and key."""
    return load(path, lang).students()


def graded_items(course: Course) -> list[GradedItem]:
    """The course's quizzes and predictions, once per lesson id and step (the languages share them)."""
    items = {(lesson.id, i): GradedItem(lesson.id, i, lesson.topics)
             for lesson in course.lessons for i, step in enumerate(lesson.steps)
             if any(isinstance(block, (Quiz, Predict)) for block in step.blocks)}
    return list(items.values())


def course_topics(course: Course) -> list[str]:
    """The topics that have graded items, in TOPICS order: the mastery columns."""
    found = {topic for item in graded_items(course) for topic in item.topics}
    return [topic for topic in TOPICS if topic in found]


def diagnosis_title(code: str, lang: Lang) -> str:
    """A diagnosis code in a few words ('lr too high'); an unknown code as itself."""
    return catalogue(lang).get(f"teacher.diagnosis.{code}", code)


def common_diagnoses(store: Store, lang: Lang, limit: int = 5) -> list[CommonDiagnosis]:
    """The problems most students ran into: each non-healthy diagnosis with the students who got it in any
    run (once each), most students first. A diagnosis tied to a setting (BOUNDS) names the bound that all
    its runs share: "12 students: diverged at lr ≥ 5" is the smallest lr among the diverged runs."""
    students: dict[str, set[str]] = {}
    values: dict[str, list[Any]] = {}
    for student, code, config in store.diagnosed():
        if code == "healthy":
            continue
        students.setdefault(code, set()).add(student)
        if code in BOUNDS:
            values.setdefault(code, []).append(config[BOUNDS[code][0]])
    ranked = sorted(students, key=lambda code: (-len(students[code]), code))[:limit]
    return [CommonDiagnosis(code, tuple(sorted(students[code])),
                            _sentence(code, len(students[code]), values.get(code), lang)) for code in ranked]


def _sentence(code: str, n: int, values: list[Any] | None, lang: Lang) -> str:
    who = t("teacher.common.many", lang, n=n)
    title = diagnosis_title(code, lang)
    if not values:
        return t("teacher.common.plain", lang, who=who, title=title)
    field, op = BOUNDS[code]
    bound = min(values) if op == "≥" else max(values)
    return t("teacher.common.bound", lang, who=who, title=title, field=t(f"ui.field.{field}", lang), op=op,
             value=argument(bound))


def export_csv(store: Store, course: Course, out: str | Path | TextIO, roster: Iterable[str] = (),
               excel: bool = False, lang: Lang = "en") -> None:
    """The class's progress as CSV, a row per student (class_rows's, `roster` included): its columns, one
    mastery column per topic (right first tries over the topic's questions, 0 to 1); `out` is a path or an
    open text file. `excel`: ';' between fields and decimal commas, for spreadsheets in Spanish locales
    (a file also starts with a byte-order mark, by which they recognise UTF-8).

    A path is replaced all at once, in a folder that must exist: a kill or a full disk leaves the old
    file whole. An Unreadable error (`lang`) names the path and the reason it could not be written."""
    if isinstance(out, (str, Path)):
        text = io.StringIO()
        export_csv(store, course, text, roster, excel)
        data = text.getvalue().encode("utf-8-sig" if excel else "utf-8")
        write_atomically(Path(out), data, lang, folder_mode=None)
        return
    topics = course_topics(course)
    writer = csv_writer(out, excel)
    writer.writerow(["student", "connected", "lesson", "step", "steps", "runs", "last_status", "last_diagnosis",
                     "predictions_right", "predictions_wrong", *(f"mastery_{topic}" for topic in topics)])
    for row in class_rows(store, course, roster):
        writer.writerow([row.student, int(row.connected), row.lesson or "", "" if row.step is None else row.step + 1,
                         row.steps or "", row.runs, row.last_status or "", row.last_diagnosis or "", row.right,
                         row.wrong, *(decimal(row.mastery[topic].score, 2, excel) for topic in topics)])
