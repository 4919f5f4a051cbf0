"""`ClassApp`: the teacher's live view of the class; `run_class_app` starts it as `tutor class` does.

It only reads the store the students' apps write (runs, progress, state, sessions), and the roster's
student names, so that who has not connected yet shows too; it writes one thing: the class exercise.
"""

from collections.abc import Sequence
from pathlib import Path

from textual.screen import Screen

from tutor.classroom.board import roster_students
from tutor.i18n import Lang
from tutor.lessons import Course, load_lessons
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.keys import LocalizedApp
from tutor.ui.teacher.class_screen import ClassScreen

UI = Path(__file__).parent.parent


class ClassApp(LocalizedApp):
    """The class table, a student's runs, and the exercise with its leaderboard, in one language.

    `roster`: the names of the roster's students; each has a row from the start, connected or not."""

    CSS_PATH = [UI / "tutor.tcss", Path(__file__).parent / "teacher.tcss"]  # the runs view's styles, and ours
    TITLE = "tutor class"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    def __init__(self, store: Store, lang: Lang, course: Course, roster: Sequence[str] = ()) -> None:
        super().__init__()
        self.store, self.lang, self.course, self.roster = store, lang, course, tuple(roster)

    def get_default_screen(self) -> Screen:
        return ClassScreen(self.store, self.lang, self.course, self.roster)


def run_class_app(settings: Settings, lang: Lang | None, lessons_dirs: Sequence[Path] = (),
                  roster_path: Path | None = None) -> int:
    """Open the teacher's view on the store of the settings' data folder, with a row for each student of
    the roster (`roster_path`, default DATA/roster.yaml; none when the file is missing); `lang` None: the
    locale's."""
    lang = lang or settings.lang
    students = roster_students(roster_path or settings.roster, lang)
    app = ClassApp(Store(settings.store), lang, load_lessons([*settings.lessons, *lessons_dirs]), students)
    app.run()
    return app.return_code or 0
