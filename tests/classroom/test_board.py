"""The teacher's board over a real store: a row per student, the class's common diagnoses, the CSV export."""

import csv
import io
import time

import pytest
from trained_runs import add, trained

from tutor.classroom.board import (
    class_rows,
    common_problems,
    course_topics,
    export_csv,
    graded_items,
    need,
    need_text,
    roster_students,
)
from tutor.classroom.exercise import Exercise, set_exercise
from tutor.errors import ConfigError
from tutor.store import Store

pytestmark = pytest.mark.slow  # trains the runs the board shows


def test_a_row_per_student(store, course):
    lr_item = next(item for item in graded_items(course) if item.lesson == "learning-rate")
    store.set_state("ana", "dialogue", {"lesson": "learning-rate", "step": 1, "lang": "en"})
    store.open_session("ana")
    add(store, "ana", "healthy")
    add(store, "ana", "lr50")
    store.record("ana", "learning-rate", lr_item.step, "predict", "a", True)
    store.record("ana", "learning-rate", lr_item.step, "predict", "b", False)
    add(store, "bob", "spiral4")
    carl = store.open_session("carl")  # connected, nothing done yet
    set_exercise(store, Exercise(title="x"))  # class-wide state is nobody's row

    ana, bob, carl_row = class_rows(store, course)
    assert (ana.student, ana.connected, ana.lesson, ana.step, ana.steps) == ("ana", True, "learning-rate", 1, 3)
    assert (ana.runs, ana.last_status, ana.last_diagnosis, ana.right, ana.wrong) == (2, "diverged", "diverged", 1, 1)
    assert list(ana.mastery) == course_topics(course)
    assert ana.mastery["lr"].right_first == 1 and ana.mastery["lr"].attempted == 1  # the first answer counts
    assert (bob.connected, bob.lesson, bob.step, bob.runs, bob.last_status) == (False, None, None, 1, "completed")
    assert bob.last_diagnosis == "batch_too_large"
    assert (carl_row.student, carl_row.connected, carl_row.runs, carl_row.last_status) == ("carl", True, 0, None)
    store.close_session(carl)
    assert [row.student for row in class_rows(store, course)] == ["ana", "bob"]


def test_the_roster_lists_who_never_connected(store, course):
    add(store, "bob", "healthy")  # on the roster, with a run
    store.open_session("zoe")  # not on the roster (since edited): still listed
    ana, bob, dan, zoe = class_rows(store, course, roster=["dan", "bob", "ana"])
    assert [row.student for row in (ana, bob, dan, zoe)] == ["ana", "bob", "dan", "zoe"]
    assert (bob.runs, bob.last_status, zoe.connected) == (1, "completed", True)
    assert (dan.connected, dan.lesson, dan.step, dan.steps, dan.runs, dan.last_status, dan.last_diagnosis,
            dan.right, dan.wrong) == (False, None, None, None, 0, None, None, 0, 0)
    assert list(dan.mastery) == course_topics(course) and not any(m.attempted for m in dan.mastery.values())
    assert [row.student for row in class_rows(store, course)] == ["bob", "zoe"]  # no roster: the store's only


def test_roster_students_are_the_students_of_the_file(tmp_path):
    path = tmp_path / "roster.yaml"
    assert roster_students(path) == []  # no file yet
    path.write_text("users:\n  - {name: Dan, password: null}\n  - {name: profe, role: teacher}\n"
                    "  - {name: ana, role: student}\n")
    assert roster_students(path) == ["dan", "ana"]
    path.write_text("users:\n  - {name: ana, role: boss}\n")
    with pytest.raises(ConfigError, match=r"roster.yaml:2: users\[0\].role"):
        roster_students(path)


def common(store, course, lang="en", limit=5):
    return common_problems(store, course, class_rows(store, course), lang, time.time(), limit)


def test_common_problems_count_students_by_their_last_run_and_name_the_bound(store, course):
    add(store, "ana", "lr50")
    add(store, "ana", "lr50")  # ana counts once
    add(store, "bob", "lr5")
    add(store, "carl", "healthy")  # healthy is not a problem
    for student in ("carl", "eve"):
        store.add_run(student, trained("healthy"), [{"code": "overfitting"}])
    store.add_run("fred", trained("healthy"), [{"code": "dead_relu"}])  # one student's: in their row, not here
    add(store, "dan", "lr5")
    add(store, "dan", "healthy")  # dan has fixed it: not a problem now
    problems = common(store, course)
    assert [(c.what, c.students) for c in problems] == [("diverged", ("ana", "bob")), ("overfitting", ("carl", "eve"))]
    assert [c.text for c in problems] == ["2 students: diverged at lr ≥ 5", "2 students: overfitting"]
    assert [c.text for c in common(store, course, "es")] == ["2 alumnos: divergencia con lr ≥ 5",
                                                              "2 alumnos: sobreajuste"]


def test_common_problems_bounds_per_setting(store, course):
    add(store, "ana", "spiral4")  # batch 32 of 80 examples, 2 epochs: batch too large, too few epochs
    add(store, "bob", "spiral16")
    texts = {c.what: c.text for c in common(store, course, limit=2)}
    assert texts == {"batch_too_large": "2 students: batch too large at batch ≥ 32",  # a word, not batch_size
                     "too_few_epochs": "2 students: too few epochs at epochs ≤ 2"}
    assert [c.text for c in common(store, course, "es", limit=2)] == [
        "2 alumnos: batch demasiado grande con batch ≥ 32", "2 alumnos: pocas épocas con épocas ≤ 2"]
    assert common(store, course, limit=1)[0].what == "batch_too_large"  # ties: by code
    assert common(Store(store.path), course) == common(store, course)  # another connection, the same


def test_runs_in_a_row_with_the_same_problem(store, course):
    """Three runs in a row that diverge (at any lr): stuck on it; a healthy run ends the streak."""
    for run in ("healthy", "lr5", "lr50"):
        add(store, "ana", run)
    assert [need(row, time.time()) for row in class_rows(store, course)] == ["away"]  # not connected
    add(store, "ana", "lr5")
    [ana] = class_rows(store, course)
    assert (ana.streak, need(ana, time.time())) == (3, "failing")
    assert need_text(ana, "en", time.time()) == "same problem ×3"
    assert need_text(ana, "es", time.time(), long=True) == \
        "El mismo problema en sus últimas 3 ejecuciones: divergencia."
    add(store, "ana", "healthy")
    assert class_rows(store, course)[0].streak == 0


def test_export_csv(store, course, tmp_path):
    store.set_state("ana", "dialogue", {"lesson": "training", "step": 0})
    add(store, "ana", "lr50")
    add(store, "bob", "healthy")
    out = io.StringIO()
    export_csv(store, course, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    topics = course_topics(course)
    assert list(rows[0]) == ["student", "connected", "now", "lesson", "step", "steps", "course", "runs",
                             "last_status", "last_diagnosis", "best_val_acc", "predictions_right",
                             "predictions_wrong", *(f"mastery_{topic}" for topic in topics)]
    assert topics == ["training", "lr", "batch_size", "epochs", "architecture", "tuning"]
    ana, bob = rows
    assert [ana[k] for k in ("student", "connected", "lesson", "step", "steps")] == ["ana", "0", "training", "1", "2"]
    assert [ana[k] for k in ("runs", "last_status", "last_diagnosis", "mastery_lr")] == ["1", "diverged", "diverged",
                                                                                          "0.00"]
    assert (bob["lesson"], bob["step"], bob["last_diagnosis"]) == ("", "", "healthy")
    assert (ana["now"], ana["course"], ana["best_val_acc"]) == ("away", "0.00", "")  # diverged: no accuracy
    assert bob["best_val_acc"] == f"{trained('healthy').history[-1].val_acc:.3f}"
    export_csv(store, course, tmp_path / "class.csv")
    assert (tmp_path / "class.csv").read_bytes().decode("utf-8") == out.getvalue()
    store.set_state("ana", "dialogue", {"lesson": "learning-rate", "step": 1})  # past the 2 steps of lesson 1
    again = io.StringIO()
    export_csv(store, course, again)
    ana = next(csv.DictReader(io.StringIO(again.getvalue())))
    assert float(ana["course"]) == pytest.approx(3 / sum(len(lesson.steps) for lesson in course.in_lang("en")),
                                                 abs=0.005)


def test_export_csv_has_a_row_per_roster_student(store, course, tmp_path):
    add(store, "bob", "healthy")
    export_csv(store, course, tmp_path / "class.csv", roster=["ana", "bob"])
    ana, bob = csv.DictReader(io.StringIO((tmp_path / "class.csv").read_text(encoding="utf-8")))
    assert (bob["student"], bob["runs"]) == ("bob", "1")
    assert ana == {"student": "ana", "connected": "0", "now": "new", "lesson": "", "step": "", "steps": "",
                   "course": "0.00", "runs": "0", "last_status": "", "last_diagnosis": "", "best_val_acc": "",
                   "predictions_right": "0", "predictions_wrong": "0",
                   **{f"mastery_{topic}": "0.00" for topic in course_topics(course)}}


def test_export_for_spreadsheets_has_semicolons_and_decimal_commas(store, course, tmp_path):
    lr_items = [item for item in graded_items(course) if "lr" in item.topics]
    store.record("ana", lr_items[0].lesson, lr_items[0].step, "predict", "a", True)  # one of several: a fraction
    plain, excel = io.StringIO(), io.StringIO()
    export_csv(store, course, plain, ["ana"])
    export_csv(store, course, excel, ["ana"], excel=True)
    [row] = csv.DictReader(io.StringIO(plain.getvalue()))
    [spread] = csv.DictReader(io.StringIO(excel.getvalue()), delimiter=";")
    assert 0 < float(row["mastery_lr"]) < 1 and spread["mastery_lr"] == row["mastery_lr"].replace(".", ",")
    assert {k: v.replace(",", ".") for k, v in spread.items()} == row
    export_csv(store, course, tmp_path / "class.csv", ["ana"], excel=True)
    assert (tmp_path / "class.csv").read_bytes().decode("utf-8-sig") == excel.getvalue()
