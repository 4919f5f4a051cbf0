"""The teacher's view of a class, read from the shared store: a row per student (the roster's students
too, before they first connect), the diagnoses the class runs into most, and the class's progress as CSV.

Every function reads a few small columns (a run's result, its largest part, stays inside SQLite),
so a screen can call them every second for a class of thirty.
"""

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tutor.classroom.roster import load
from tutor.config import argument
from tutor.dialogue.tutor import STATE_KEY
from tutor.i18n import Lang, catalogue, t
from tutor.lessons import TOPICS, Course, Predict, Quiz
from tutor.progress import GradedItem, Mastery, mastery
from tutor.store import Store

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
    last = {student: (n, status, code) for student, n, status, code in store.db.execute(
        "SELECT r.student, c.n, r.status, json_extract(r.diagnoses, '$[0].code') "
        "FROM (SELECT student, COUNT(*) AS n, MAX(id) AS last FROM runs WHERE by = 'student' GROUP BY student) AS c "
        "JOIN runs AS r ON r.id = c.last")}
    rows = []
    for student in sorted(set(store.students()) | connected | set(roster)):
        state = store.get_state(student, STATE_KEY) or {}
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


def latest_run(store: Store) -> int:
    """The id of the newest run of anyone (0 for none): a cheap test for 'anything new?'."""
    return store.db.execute("SELECT COALESCE(MAX(id), 0) FROM runs").fetchone()[0]


def run_ids(store: Store, student: str, limit: int = 50) -> list[int]:
    """The ids of a student's newest runs (their conversations, sweeps and `tutor run`), oldest first."""
    rows = store.db.execute("SELECT id FROM runs WHERE student = ? AND by = 'student' ORDER BY id DESC LIMIT ?", (student, limit))
    return [run_id for (run_id,) in rows][::-1]


def diagnosis_title(code: str, lang: Lang) -> str:
    """A diagnosis code in a few words ('lr too high'); an unknown code as itself."""
    return catalogue(lang).get(f"teacher.diagnosis.{code}", code)


def common_diagnoses(store: Store, lang: Lang, limit: int = 5) -> list[CommonDiagnosis]:
    """The problems most students ran into: each non-healthy diagnosis with the students who got it in any
    run (once each), most students first. A diagnosis tied to a setting (BOUNDS) names the bound that all
    its runs share: "12 students: diverged at lr ≥ 5" is the smallest lr among the diverged runs."""
    students: dict[str, set[str]] = {}
    values: dict[str, list[Any]] = {}
    for student, code, config in store.db.execute(
            "SELECT r.student, json_extract(d.value, '$.code'), r.config FROM runs AS r, json_each(r.diagnoses) AS d "
            "WHERE r.by = 'student'"):
        if code == "healthy":
            continue
        students.setdefault(code, set()).add(student)
        if code in BOUNDS:
            values.setdefault(code, []).append(json.loads(config)[BOUNDS[code][0]])
    ranked = sorted(students, key=lambda code: (-len(students[code]), code))[:limit]
    return [CommonDiagnosis(code, tuple(sorted(students[code])),
                            _sentence(code, len(students[code]), values.get(code), lang)) for code in ranked]


def _sentence(code: str, n: int, values: list[Any] | None, lang: Lang) -> str:
    who = t("teacher.common.one", lang) if n == 1 else t("teacher.common.many", lang, n=n)
    title = diagnosis_title(code, lang)
    if not values:
        return t("teacher.common.plain", lang, who=who, title=title)
    field, op = BOUNDS[code]
    bound = min(values) if op == "≥" else max(values)
    return t("teacher.common.bound", lang, who=who, title=title, field=field, op=op, value=argument(bound))


def export_csv(store: Store, course: Course, out: str | Path | TextIO, roster: Iterable[str] = ()) -> None:
    """The class's progress as CSV, a row per student (class_rows's, `roster` included): its columns, one
    mastery column per topic (right first tries over the topic's questions, 0 to 1); `out` is a path or an
    open text file."""
    if isinstance(out, (str, Path)):
        with open(out, "w", newline="", encoding="utf-8") as f:
            export_csv(store, course, f, roster)
        return
    topics = course_topics(course)
    writer = csv.writer(out)
    writer.writerow(["student", "connected", "lesson", "step", "steps", "runs", "last_status", "last_diagnosis",
                     "predictions_right", "predictions_wrong", *(f"mastery_{topic}" for topic in topics)])
    for row in class_rows(store, course, roster):
        writer.writerow([row.student, int(row.connected), row.lesson or "", "" if row.step is None else row.step + 1,
                         row.steps or "", row.runs, row.last_status or "", row.last_diagnosis or "", row.right,
                         row.wrong, *(f"{row.mastery[topic].score:.2f}" for topic in topics)])
