"""The teacher's view of a class, read from the shared store: a row per student (the roster's students
too, before they first connect) with what they need now in words, the problems several students have now,
and the class's progress as CSV.

Every function reads a few small columns (a run's result, its largest part, stays inside SQLite),
so a screen can call them every second for a class of thirty.
"""

import io
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tutor.classroom.roster import load
from tutor.config import argument, shown
from tutor.export import csv_writer, decimal
from tutor.files import write_atomically
from tutor.i18n import Lang, catalogue, t
from tutor.lessons import TOPICS, Course, Lesson, Predict, Quiz
from tutor.progress import GradedItem, Mastery, mastery
from tutor.store import DIALOGUE_STATE, Store

IDLE_SECONDS = 5 * 60  # connected and doing nothing this long: idle
STUCK_TRIES = 2  # wrong answers to the question a student is on, none right yet: stuck on it
SAME_PROBLEM = 3  # runs in a row with the same problem: stuck on it
# what a student is up to, those who need the teacher first: the first three (HELP)
NEEDS = ("stuck", "failing", "idle", "new", "working", "away", "finished")
HELP = NEEDS[:3]

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
    tries: tuple[str, ...]  # the wrong answers to a quiz of the current step since its last right one
    quiz: int  # the step's quizzes answered right: the open one is the next
    streak: int  # the last runs in a row whose problem (top diagnosis, not healthy) is the last run's
    active: float | None  # when they last did anything (time.time()); None: never
    course: float  # how far through the course, 0 to 1: the steps of the lessons before this step's
    finished: bool  # the last step of the last lesson done


@dataclass(frozen=True)
class ClassProblem:
    """What several students have now, with the sentence for the board: a diagnosis of their last runs
    (`what` its code), or a question they are stuck on (`what` 'stuck:LESSON:STEP')."""

    what: str
    students: tuple[str, ...]
    text: str


def class_rows(store: Store, course: Course, roster: Iterable[str] = ()) -> list[StudentRow]:
    """One row per student, alphabetically: anyone with a run, progress, state or an open session, and
    every name in `roster` (the roster's students: one who never connected gets a row of dashes and zeros)."""
    items = graded_items(course)
    connected = store.connected()
    last, recent, active = store.last_runs(), store.recent_codes(SAME_PROBLEM), store.last_active()
    rows = []
    for student in sorted(set(store.students()) | connected | set(roster)):
        state = store.get_state(student, DIALOGUE_STATE) or {}
        lesson = course.get(state["lesson"]) if state.get("lesson") else None
        step = state.get("step", 0) if lesson else None
        events = store.progress(student)
        graded = [e["correct"] for e in events if e["kind"] == "predict" and e["correct"] is not None]
        wrong, right = _quiz_answers(events, lesson.id, step) if lesson else ([], 0)
        runs, status, code = last.get(student, (0, None, None))
        topics = mastery(store, student, items, events)
        rows.append(StudentRow(
            student=student, connected=student in connected, lesson=lesson.id if lesson else None,
            step=step, steps=len(lesson.steps) if lesson else None,
            runs=runs, last_status=status, last_diagnosis=code,
            mastery={topic: topics[topic] for topic in TOPICS if topic in topics},
            right=sum(graded), wrong=len(graded) - sum(graded), tries=tuple(wrong), quiz=right,
            streak=_streak(recent.get(student, [])),
            active=active.get(student), course=_through(course, lesson, step),
            finished=lesson is not None and _finished(course, lesson, events)))
    return rows


def _quiz_answers(events: list[dict[str, Any]], lesson: str, step: int) -> tuple[list[str], int]:
    """The answers to quizzes of this step given wrong since the last right one, oldest first, and how many
    were answered right."""
    wrong: list[str] = []
    right = 0
    for e in events:
        if (e["lesson"], e["step"], e["kind"]) == (lesson, step, "quiz") and e["correct"] is not None:
            wrong, right = ([], right + 1) if e["correct"] else ([*wrong, e["answer"] or ""], right)
    return wrong, right


def _streak(codes: list[str | None]) -> int:
    """How many of the newest runs in a row (`codes`, their top diagnoses, newest first) share the newest
    one's problem; 0 for a healthy one."""
    if not codes or codes[0] in (None, "healthy"):
        return 0
    return next((i for i, code in enumerate(codes) if code != codes[0]), len(codes))


def _through(course: Course, lesson: Lesson | None, step: int | None) -> float:
    """The fraction of the course's steps before `step` of `lesson` (0 for none)."""
    if lesson is None:
        return 0.0
    steps = {other.id: len(other.steps) for other in course.in_lang(lesson.lang)}  # in teaching order
    before = list(steps)[:list(steps).index(lesson.id)]
    return (sum(steps[other] for other in before) + (step or 0)) / sum(steps.values())


def _finished(course: Course, lesson: Lesson, events: list[dict[str, Any]]) -> bool:
    """Whether `lesson` is the course's last and its last step is done."""
    last = course.in_lang(lesson.lang)[-1]
    return lesson.id == last.id and any(
        (e["lesson"], e["step"], e["kind"]) == (last.id, len(last.steps) - 1, "done") for e in events)


def need(row: StudentRow, now: float) -> str:
    """What the student is up to, one of NEEDS: stuck on a question or on a problem their runs keep having,
    connected and idle, not started, working, not connected, or done with the course."""
    if row.finished:
        return "finished"
    if len(row.tries) >= STUCK_TRIES:
        return "stuck"
    if row.streak >= SAME_PROBLEM:
        return "failing"
    if row.active is None:
        return "new"
    if not row.connected:
        return "away"
    return "idle" if now - row.active >= IDLE_SECONDS else "working"


def need_text(row: StudentRow, lang: Lang, now: float, long: bool = False) -> str:
    """`need` in a few words ('stuck: 3 wrong'), or `long`, a sentence that says on what (the wrong answers,
    the runs' problem)."""
    kind = need(row, now)
    values = {"n": len(row.tries) if kind == "stuck" else row.streak, "minutes": int(now - (row.active or now)) // 60,
              "answers": ", ".join(f"«{shown(answer, 30)}»" for answer in row.tries[-4:]),
              "problem": diagnosis_title(row.last_diagnosis or "", lang)}
    return t(f"teacher.{'why' if long else 'need'}.{kind}", lang, **values)


def open_question(course: Course, row: StudentRow, lang: Lang) -> str | None:
    """The text of the quiz the student is stuck on (`need` 'stuck'), in `lang`."""
    lesson = course.get(row.lesson, lang) if row.lesson else None
    if lesson is None or row.step is None or row.step >= len(lesson.steps):
        return None
    quizzes = [block for block in lesson.steps[row.step].blocks if isinstance(block, Quiz)]
    return " ".join(quizzes[row.quiz].question.split()) if row.quiz < len(quizzes) else None


def urgency(row: StudentRow, now: float) -> tuple[int, float, str]:
    """Sort key: who needs the teacher most first (more wrong tries, more failed runs, longer idle first),
    then by name: a student at work keeps their place."""
    kind = need(row, now)
    more = {"stuck": -len(row.tries), "failing": -row.streak, "idle": row.active or 0.0}.get(kind, 0.0)
    return NEEDS.index(kind), more, row.student


def lesson_label(course: Course, lesson_id: str | None, lang: Lang) -> str:
    """'2 Learning rate': the lesson by its number and its short title (else its title)."""
    lesson = course.get(lesson_id, lang) if lesson_id else None
    if lesson is None:
        return lesson_id or "—"
    title = lesson.short or lesson.title
    return title if lesson.order is None else f"{lesson.order} {title}"


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


def common_problems(store: Store, course: Course, rows: Iterable[StudentRow], lang: Lang, now: float,
                    limit: int = 5) -> list[ClassProblem]:
    """The problems two students or more have now, most students first (one student's shows in their row):
    those stuck on the same question (`rows`), and each diagnosis of the students' last runs but healthy.
    A diagnosis tied to a setting (BOUNDS) names the bound its runs share: "9 students: diverged at lr ≥ 5"
    is the smallest lr among them."""
    students: dict[str, set[str]] = {}
    for row in rows:
        if need(row, now) == "stuck":
            students.setdefault(f"stuck:{row.lesson}:{row.step}", set()).add(row.student)
    values: dict[str, list[Any]] = {}
    for student, code, config in store.diagnosed(latest=True):
        if code == "healthy":
            continue
        students.setdefault(code, set()).add(student)
        if code in BOUNDS:
            values.setdefault(code, []).append(config[BOUNDS[code][0]])
    shared = [what for what in students if len(students[what]) >= 2]
    ranked = sorted(shared, key=lambda what: (-len(students[what]), what))[:limit]
    return [ClassProblem(what, tuple(sorted(students[what])),
                         _sentence(course, what, len(students[what]), values.get(what), lang)) for what in ranked]


def _sentence(course: Course, what: str, n: int, values: list[Any] | None, lang: Lang) -> str:
    who = t("teacher.common.many", lang, n=n)
    if what.startswith("stuck:"):
        _, lesson, step = what.split(":")
        return t("teacher.common.stuck", lang, who=who, lesson=lesson_label(course, lesson, lang),
                 step=int(step) + 1)
    title = diagnosis_title(what, lang)
    if not values:
        return t("teacher.common.plain", lang, who=who, title=title)
    field, op = BOUNDS[what]
    bound = min(values) if op == "≥" else max(values)
    return t("teacher.common.bound", lang, who=who, title=title, field=t(f"ui.field.{field}", lang), op=op,
             value=argument(bound))


def export_csv(store: Store, course: Course, out: str | Path | TextIO, roster: Iterable[str] = (),
               excel: bool = False, lang: Lang = "en") -> None:
    """The class's progress as CSV, a row per student (class_rows's, `roster` included): its columns, what
    they need now (a NEEDS word), how far through the course (0 to 1), the best val acc of their completed
    runs, and one mastery column per topic (right first tries over the topic's questions, 0 to 1); `out` is
    a path or an open text file. `excel`: ';' between fields and decimal commas, for spreadsheets in Spanish
    locales (a file also starts with a byte-order mark, by which they recognise UTF-8).

    A path is replaced all at once, in a folder that must exist: a kill or a full disk leaves the old
    file whole. An Unreadable error (`lang`) names the path and the reason it could not be written."""
    if isinstance(out, (str, Path)):
        text = io.StringIO()
        export_csv(store, course, text, roster, excel)
        data = text.getvalue().encode("utf-8-sig" if excel else "utf-8")
        write_atomically(Path(out), data, lang, folder_mode=None)
        return
    topics = course_topics(course)
    best: dict[str, float] = {}
    for _, student, _, acc in store.completed("val_acc", {}):
        if acc is not None:
            best[student] = max(acc, best.get(student, acc))
    now = time.time()
    writer = csv_writer(out, excel)
    writer.writerow(["student", "connected", "now", "lesson", "step", "steps", "course", "runs", "last_status",
                     "last_diagnosis", "best_val_acc", "predictions_right", "predictions_wrong",
                     *(f"mastery_{topic}" for topic in topics)])
    for row in class_rows(store, course, roster):
        writer.writerow([row.student, int(row.connected), need(row, now), row.lesson or "",
                         "" if row.step is None else row.step + 1, row.steps or "", decimal(row.course, 2, excel),
                         row.runs, row.last_status or "", row.last_diagnosis or "",
                         decimal(best[row.student], 3, excel) if row.student in best else "", row.right, row.wrong,
                         *(decimal(row.mastery[topic].score, 2, excel) for topic in topics)])
