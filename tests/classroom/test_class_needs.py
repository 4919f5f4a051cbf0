"""What each student needs now, as the teacher sees it at 80×24: stuck on a question, idle, not started,
working, finished; sorted and filtered by keys; the question a stuck student is on, when opened."""

import time

import pytest
from pilot_tools import screen_lines, screen_text, showing, until
from textual.widgets import DataTable, Static

from tutor.classroom.board import IDLE_SECONDS, class_rows, common_problems, need
from tutor.lessons import Course
from tutor.store import Store
from tutor.ui.teacher import ClassApp
from tutor.ui.teacher.student import StudentScreen

STUDENTS = [f"s{i:02d}" for i in range(30)]
KINDS = ("finished", "stuck", "idle", "working", "away", "new")  # s00 finished, s01 stuck, ... s05 new, s06 ...
WORDS = {
    "en": {"finished": "finished ✓", "stuck": "stuck: 3 wrong", "idle": "idle 25 min", "working": "working",
           "away": "not connected", "new": "not started"},
    "es": {"finished": "terminado ✓", "stuck": "atascado: 3 fallos", "idle": "inactivo 25 min",
           "working": "trabajando", "away": "desconectado", "new": "sin empezar"},
}
SEEN = {  # what the teacher reads: the title, each filter, the common problem, the stuck student opened and its keys
    "en": ("Class · 30 students · 10 connected · 10 need help", "filter: need help", "filter: connected",
           "5 students: stuck on the question of 3 Batch size, step 1",
           "Stuck on the question of this step: 3 wrong answers in a row («480», «19», «30»).",
           "The question: You have 600 examples and keep 20 % for validation.", "esc Back space Mark"),
    "es": ("Clase · 30 alumnos · 10 conectados · 10 necesitan ayuda", "filtro: ayuda", "filtro: conectados",
           "5 alumnos: sin superar la pregunta de 3 Batch, paso 1",
           "Atascado en la pregunta de este paso: 3 respuestas mal seguidas («480», «19», «30»).",
           "La pregunta: Tienes 600 ejemplos y guardas el 20 % para validación.", "esc Volver espacio Marcar"),
}


def kind(student: str) -> str:
    return KINDS[int(student[1:]) % len(KINDS)]


def a_class(store: Store, course: Course) -> None:
    """Five students of each kind; the idle and those at work connected, the idle 25 minutes ago and quiet
    since."""
    last = len(course.get("tuning", "en").steps) - 1  # the course's last step
    for student in STUDENTS:
        match kind(student):
            case "finished":
                store.set_state(student, "dialogue", {"lesson": "tuning", "step": last})
                store.record(student, "tuning", last, "done")
            case "stuck":  # the first quiz of the batch lesson: 15 updates an epoch
                store.set_state(student, "dialogue", {"lesson": "batch-size", "step": 0})
                for answer in ("480", "19", "30"):
                    store.record(student, "batch-size", 0, "quiz", answer, False)
            case "idle":
                store.set_state(student, "dialogue", {"lesson": "epochs", "step": 1})
                store.open_session(student)
                ago = time.time() - 25 * 60 - 20
                store.db.execute("UPDATE state SET updated = ? WHERE student = ?", (ago, student))
                store.db.execute("UPDATE sessions SET started = ? WHERE student = ?", (ago, student))
            case "working":
                store.set_state(student, "dialogue", {"lesson": "learning-rate", "step": 1})
                store.open_session(student)
            case "away":
                store.set_state(student, "dialogue", {"lesson": "training", "step": 0})


def wrapped(app: ClassApp) -> str:
    """The screen's text with wrapped lines joined again."""
    return screen_text(app).replace("\n", " ")


def rows_shown(app: ClassApp) -> list[str]:
    """The students in the table, top to bottom."""
    table = app.screen.query_one("#class-table", DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def test_what_each_student_needs(store, course):
    a_class(store, course)
    now = time.time()
    rows = {row.student: row for row in class_rows(store, course, STUDENTS)}
    assert {student: need(row, now) for student, row in rows.items()} == {s: kind(s) for s in STUDENTS}
    assert rows["s01"].tries == ("480", "19", "30") and rows["s01"].quiz == 0
    assert need(rows["s03"], now + IDLE_SECONDS) == "idle"  # at work, until five quiet minutes
    store.record("s01", "batch-size", 0, "quiz", "15", True)
    assert need(class_rows(store, course)[1], now) == "away"  # s01 answered right: no longer stuck
    [stuck] = common_problems(store, course, rows.values(), "en", now)
    assert (stuck.what, stuck.students) == ("stuck:batch-size:0", ("s01", "s07", "s13", "s19", "s25"))


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_the_teacher_sees_who_needs_help_first_at_80_by_24(store, course, lang):
    """Those stuck on a question, then the idle, head the table, each with the reason in words; `f` shows
    only them, then only the connected; `s` orders by name, then by progress; Enter on a stuck student
    shows the question and the wrong answers."""
    a_class(store, course)
    words = WORDS[lang]
    title, only_help, only_connected, common, why, question, keys = SEEN[lang]
    app = ClassApp(store, lang, course, roster=STUDENTS)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await showing(pilot, title)
        lines = screen_lines(app)
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert rows_shown(app)[:10] == ["s01", "s07", "s13", "s19", "s25", "s02", "s08", "s14", "s20", "s26"]
        assert " ".join(lines[3].split()).endswith(f"— {words['stuck']}")
        assert " ".join(lines[8].split()).startswith("● s02 4 ") and lines[8].endswith(words["idle"])
        table = app.screen.query_one("#class-table", DataTable)
        for student in STUDENTS:
            assert table.get_cell(student, "need").plain == words[kind(student)]
        assert f"• {common}" in screen_text(app)

        await pilot.press("f")  # only who needs help
        assert await showing(pilot, f"{title} · {only_help}")
        assert sorted(rows_shown(app)) == sorted(s for s in STUDENTS if kind(s) in ("stuck", "idle"))
        await pilot.press("f")  # only the connected
        assert await showing(pilot, only_connected)
        assert sorted(rows_shown(app)) == sorted(s for s in STUDENTS if kind(s) in ("idle", "working"))
        await pilot.press("f")  # everyone again
        assert await until(lambda: table.row_count == 30, pilot=pilot) and only_help not in screen_text(app)

        table.move_cursor(row=12)
        await pilot.press("s")  # by name, from the top
        assert await until(lambda: rows_shown(app) == sorted(STUDENTS), pilot=pilot)
        assert screen_lines(app)[2].split()[1] == "▼" and table.cursor_row == 0 and "s00" in screen_lines(app)[3]
        await pilot.press("s")  # furthest behind first: not started, then the first lesson; the finished last
        assert await until(lambda: rows_shown(app)[:5] == ["s05", "s11", "s17", "s23", "s29"], pilot=pilot)
        assert kind(rows_shown(app)[-1]) == "finished" and "▼" in screen_lines(app)[2]
        await pilot.press("s")  # back to who needs help first
        assert await until(lambda: rows_shown(app)[0] == "s01", pilot=pilot)

        table.move_cursor(row=0)
        await pilot.press("enter")
        assert isinstance(app.screen, StudentScreen) and await until(lambda: why in wrapped(app), pilot=pilot)
        assert question in wrapped(app)
        assert all(len(line) <= 80 for line in screen_lines(app)) and screen_lines(app)[-1].startswith(keys)


async def test_an_unchanged_class_repaints_nothing(store, course, monkeypatch):
    """A poll that finds the class as it was changes no cell, no line and no order: nothing flickers, and
    30 students cost a few queries a second."""
    a_class(store, course)
    app = ClassApp(store, "en", course, roster=STUDENTS)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count == 30,
                           5, pilot)
        changed: list[str] = []
        monkeypatch.setattr(DataTable, "update_cell", lambda *args, **kwargs: changed.append("cell"))
        monkeypatch.setattr(DataTable, "sort", lambda *args, **kwargs: changed.append("sort"))
        monkeypatch.setattr(Static, "update", lambda *args, **kwargs: changed.append("line"))
        app.screen.poll()
        assert changed == []
        store.record("s03", "learning-rate", 1, "quiz", "a", False)
        store.record("s03", "learning-rate", 1, "quiz", "b", False)  # stuck: their cell, the order, the title
        app.screen.poll()
        assert sorted(set(changed)) == ["cell", "line", "sort"] and changed.count("cell") == 1
