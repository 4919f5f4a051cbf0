"""The teacher's view with Pilot: the live class table, a student's runs, the exercise form, the export."""


import pytest
from pilot_tools import screen_lines, screen_text, showing, until
from textual.widgets import DataTable, Input
from trained_runs import add

from tutor.classroom.board import diagnosis_title
from tutor.classroom.exercise import Exercise, current_exercise
from tutor.classroom.roster import load, save
from tutor.diagnose.explain import name
from tutor.i18n import t
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.screens.runs import COLUMNS
from tutor.ui.teacher import ClassApp, run_class_app
from tutor.ui.teacher.class_screen import POLL_SECONDS, ClassScreen
from tutor.ui.teacher.exercise import ExerciseScreen
from tutor.ui.teacher.student import StudentScreen

pytestmark = pytest.mark.slow  # trains the runs the teacher's view shows


def cell(app: ClassApp, student: str, column: str) -> str:
    return app.screen.query_one("#class-table", DataTable).get_cell(student, column).plain


@pytest.fixture
def polls(monkeypatch) -> list[None]:
    """The class screen's reads of the class, as they end: a change is shown by the next one, POLL_SECONDS
    (at most two) after the last. Counting them, not seconds, keeps a loaded machine from failing a test."""
    assert POLL_SECONDS <= 2
    ended: list[None] = []
    poll = ClassScreen.poll

    def counted(screen: ClassScreen) -> None:
        poll(screen)
        ended.append(None)

    monkeypatch.setattr(ClassScreen, "poll", counted)
    return ended


async def next_poll(polls: list[None], pilot) -> bool:
    """Whether the class screen has read the class again since now."""
    seen = len(polls)
    return await until(lambda: len(polls) > seen, pilot=pilot)


async def test_a_new_run_shows_within_two_seconds(store, course, polls):
    add(store, "ana", "healthy")
    add(store, "bob", "spiral4")
    app = ClassApp(store, "en", course)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: app.screen.query(DataTable) and cell(app, "ana", "last") == "✓ healthy", pilot=pilot)
        table = app.screen.query_one("#class-table", DataTable)
        table.move_cursor(row=1)  # on bob
        other = Store(Settings.from_env().store)  # another student's process: its own connection
        add(other, "ana", "lr50")
        assert await next_poll(polls, pilot) and cell(app, "ana", "last") == "✗ diverged"
        assert table.cursor_row == 1  # updated in place
        assert await showing(pilot, "No problem is shared by two students or more right now.")
        add(other, "bob", "lr5")
        assert await showing(pilot, "2 students: diverged at lr ≥ 5")
        other.open_session("carl")
        assert await next_poll(polls, pilot) and table.row_count == 3
        assert cell(app, "carl", "student") == "● carl" and await showing(pilot, "1 connected")
        assert screen_lines(app)[3].split() == ["●", "carl", "—", "—", "—", "working"]  # at work: above the away
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "bob"  # the cursor followed


async def test_roster_students_show_before_they_connect(store, course, polls):
    add(store, "bob", "healthy")
    app = ClassApp(store, "en", course, roster=["dan", "bob"])
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: app.screen.query(DataTable) and cell(app, "bob", "last") == "✓ healthy", pilot=pilot)
        table = app.screen.query_one("#class-table", DataTable)
        assert sorted(key.value for key in table.rows) == ["bob", "dan"]
        assert [cell(app, "dan", column) for column in ("student", "lesson", "step", "last", "need")] \
            == ["  dan", "—", "—", "—", "not started"]
        assert await showing(pilot, "Class · 2 students · 0 connected · 0 need help")
        Store(Settings.from_env().store).open_session("dan")  # dan logs in
        assert await next_poll(polls, pilot) and cell(app, "dan", "student") == "● dan"
        assert table.row_count == 2 and await showing(pilot, "1 connected") and cell(app, "dan", "need") == "working"


def test_run_class_app_reads_the_roster_students(tmp_path, monkeypatch, isolated_home):
    opened = []
    monkeypatch.setattr(ClassApp, "run", lambda self: opened.append((self.lang, self.roster)))
    elsewhere = tmp_path / "roster.yaml"
    elsewhere.write_text("users:\n  - {name: ana}\n  - {name: profe, role: teacher}\n  - {name: bob}\n")
    settings = Settings.from_env()
    assert run_class_app(settings, "es", roster_path=elsewhere) == 0
    assert run_class_app(settings, "en") == 0  # no roster at DATA/roster.yaml yet: the store's students only
    save(load(elsewhere), settings.roster)
    assert run_class_app(settings, "en") == 0
    assert opened == [("es", ("ana", "bob")), ("en", ()), ("en", ("ana", "bob"))]


@pytest.mark.parametrize("lang, header, ana, footer", [
    ("en", "student lesson step last run now ▼", "ana 2 Learning rate 2/3 ✗ diverged not connected",
     "⏎ Open s Sort f Filter e Exercise x Export CSV"),
    ("es", "alumno lección paso última ejecución ahora ▼", "ana 2 Learning rate 2/3 ✗ divergencia desconectado",
     "⏎ Abrir s Ordenar f Filtrar e Ejercicio x Exportar CSV")])
async def test_the_table_fits_80_by_24(store, course, lang, header, ana, footer):
    """Each student's lesson by its number and short title, not its id; the longest ones whole."""
    store.set_state("ana", "dialogue", {"lesson": "learning-rate", "step": 1})
    add(store, "ana", "lr5")
    for student, lesson in (("bob", "architecture"), ("eva", "optimizers"), ("flo", "batch-size")):
        store.set_state(student, "dialogue", {"lesson": lesson, "step": 0})
    app = ClassApp(store, lang, course)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await showing(pilot, t("teacher.common.title", lang))
        lines = screen_lines(app)
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert lines[0].strip() == t("teacher.title", lang, students=4, connected=0, help=0)
        assert " ".join(lines[2].split()) == header and " ".join(lines[3].split()) == ana
        lessons = {cell(app, student, "lesson") for student in ("bob", "eva", "flo")}
        assert lessons == ({"5 Architecture", "7 Optimisers", "3 Batch size"} if lang == "en"
                           else {"5 Arquitectura", "7 Optimizadores", "3 Batch"})
        assert await showing(pilot, footer)


async def test_a_class_of_thirty_at_80_by_24_by_keyboard_alone(store, course):
    """Thirty students, some connected and some not started: every column fits 80 columns, the cursor keys
    reach the last student, Enter opens their runs and Esc comes back to them."""
    students = [f"student{i:02d}" for i in range(30)]
    for i, student in enumerate(students):
        if i % 5:  # every fifth has not started
            store.set_state(student, "dialogue", {"lesson": "learning-rate", "step": i % 3})
            add(store, student, ("healthy", "lr50", "spiral4", "lr5")[i % 4])
        if i % 3 == 0:
            store.open_session(student)
    app = ClassApp(store, "en", course, roster=students)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: app.screen.query(DataTable) and app.screen.query_one(DataTable).row_count == 30,
                           5, pilot)
        assert await showing(pilot, "Class · 30 students · 10 connected · 0 need help")
        await pilot.press("s")  # who needs help first, then by name
        assert await until(lambda: screen_lines(app)[2].split()[:2] == ["student", "▼"], pilot=pilot)
        lines = screen_lines(app)
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        assert lines[2].split() == ["student", "▼", "lesson", "step", "last", "run", "now"]
        assert lines[3].split() == ["●", "student00", "—", "—", "—", "working"] and lines[4].split() == [
            "student01", "2", "Learning", "rate", "2/3", "✗", "diverged", "not", "connected"]
        assert "12 students: diverged at lr ≥ 5" in screen_text(app)  # the board, under the table
        assert await showing(pilot, "⏎ Open s Sort f Filter e Exercise x Export CSV")
        table = app.screen.query_one(DataTable)
        for key in ["pagedown"] * 3 + ["down"] * 2:
            await pilot.press(key)
        assert table.cursor_row == 29 and await showing(pilot, "student29")
        assert not any("student00" in line for line in screen_lines(app))  # scrolled down to the cursor
        await pilot.press("enter")
        assert isinstance(app.screen, StudentScreen) and await showing(pilot, "Runs of student29")
        assert 'lesson "The learning rate", step 3 of 3 · 1 run' in screen_text(app)  # the lesson by its title
        assert app.screen.query_one("#runs-table", DataTable).row_count == 1
        await pilot.press("escape")
        assert isinstance(app.screen.query_one(DataTable), DataTable) and table.cursor_row == 29
        await pilot.press("ctrl+home")
        assert table.cursor_row == 0


async def test_enter_opens_a_students_runs(store, course):
    store.set_state("ana", "dialogue", {"lesson": "learning-rate", "step": 0})
    add(store, "ana", "healthy")
    add(store, "ana", "lr50")
    app = ClassApp(store, "es", course)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: app.screen.query(DataTable) and cell(app, "ana", "last") == "✗ divergencia",
                           pilot=pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, StudentScreen)
        assert await showing(pilot, "Ejecuciones de ana")
        text = screen_text(app)
        assert "lección «El learning rate», paso 1 de 3 · 2 ejecuciones" in text and "divergió" in text
        assert app.screen.query_one("#runs-table", DataTable).row_count == 2
        await pilot.press("escape")
        assert not isinstance(app.screen, StudentScreen)


async def test_set_and_clear_the_exercise(store, course):
    add(store, "ana", "spiral4")
    add(store, "bob", "healthy")
    app = ClassApp(store, "en", course)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExerciseScreen)
        assert await showing(pilot, "No exercise set yet: fill in the form above and press Enter to set it.")
        assert "press e" not in screen_text(app) and "^r Clear" not in screen_lines(app)[-1]  # nothing to clear
        await pilot.press(*"Tiny net", "tab", "tab")  # title, then past the metric to the target
        threshold = app.screen.query_one("#exercise-threshold", Input)
        assert threshold.has_focus
        threshold.value = "0,3"
        await pilot.press("tab", *"dataset=moon")
        await pilot.press("enter")
        assert await showing(pilot, "dataset moon: must be one of")  # refused, named as typed, never a flag
        assert current_exercise(store) is None
        fixed = app.screen.query_one("#exercise-fixed", Input)
        fixed.value = "dataset=spiral"
        await pilot.press("ctrl+s")
        assert current_exercise(store) == Exercise(title="Tiny net", threshold=0.3, locked={"dataset": "spiral"})
        assert await showing(pilot, "Exercise: Tiny net: reach val acc ≥ 30%")
        assert await until(lambda: "^r Clear" in screen_lines(app)[-1], pilot=pilot)
        board = app.screen.query_one("#exercise-board", DataTable)
        assert board.row_count == 1 and board.get_row("ana")[:3] == ["1", "ana", "22"]
        await pilot.press("ctrl+r")
        assert current_exercise(store) is None
        assert await until(lambda: "^r Clear" not in screen_lines(app)[-1], pilot=pilot)
        await pilot.press("escape")
        assert await showing(pilot, "No exercise set: press e")


async def test_the_exercise_form_says_how_to_set_one_in_spanish(store, course):
    app = ClassApp(store, "es", course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e")
        assert await showing(pilot, "Aún no hay ejercicio: rellena el formulario y pulsa Enter para ponerlo.")
        lines = screen_lines(app)
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines) and "pulsa e" not in screen_text(app)
        assert "esc Volver ^s Guardar" in lines[-1] and "Quitar" not in lines[-1]


async def test_export_writes_a_csv_here(store, course, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    add(store, "ana", "healthy")
    app = ClassApp(store, "es", course)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("x")
        [written] = tmp_path.glob("class-*.csv")
        assert written.read_text(encoding="utf-8").startswith("student,connected,now,lesson")
        assert await showing(pilot, "Progreso de la clase guardado en")


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_students_runs_fit_80_by_24_with_their_diagnoses_whole(store, course, lang):
    """The runs table of a student fits 80 columns: every heading whole, and each run's diagnosis in full
    (a long one wraps in its column rather than being cut)."""
    for run in ("healthy", "lr50", "spiral4", "lr5"):
        add(store, "ana", run)
    app = ClassApp(store, lang, course)
    async with app.run_test(size=(80, 24)) as pilot:
        diverged = f"✗ {diagnosis_title('diverged', lang)}"  # the last of the four
        assert await until(lambda: app.screen.query(DataTable) and cell(app, "ana", "last") == diverged, pilot=pilot)
        await pilot.press("enter")
        assert isinstance(app.screen, StudentScreen) and await showing(pilot, "ana")
        lines = screen_lines(app)
        assert len(lines) <= 24 and all(len(line) <= 80 for line in lines)
        heading = t("ui.runs.col.diagnosis", lang)
        [top] = [i for i, line in enumerate(lines) if line.endswith(f" {heading}")]
        assert lines[top].split() == " ".join(t(f"ui.runs.col.{key}", lang) for key in COLUMNS).split()
        column = lines[top].index(heading)
        table = app.screen.query_one("#runs-table", DataTable)
        shown = " ".join(" ".join(line[column:].split()) for line in lines[top + 1:top + table.size.height])
        codes = [stored.diagnoses[0]["code"] for stored in map(store.run, store.run_ids("ana"))]
        assert "batch_too_large" in codes  # a long name: it wraps
        for code in codes:
            assert name(code, lang) in shown
        assert t("teacher.topic.batch_size", lang) in screen_text(app)  # the topics in words, not as keys
        assert app.screen.query_one("#runs-detail").max_scroll_y == 0  # the run below, whole in view
