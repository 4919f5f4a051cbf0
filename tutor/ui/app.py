"""`TutorApp`: one student's tutor in the terminal; `run_app` starts it as `tutor` with no arguments does.

The app holds no module-level state: its store, student and course come in as arguments, so one
process per SSH session (or a test) can run its own.
"""

from collections.abc import Iterable, Sequence
from functools import partial
from multiprocessing import resource_tracker
from pathlib import Path

from textual.app import SystemCommand
from textual.screen import Screen
from textual.theme import Theme

from tutor.dialogue.tutor import Tutor
from tutor.dialogue.warmup import Warmup
from tutor.i18n import Lang
from tutor.lessons import Course, load_lessons
from tutor.settings import Settings
from tutor.store import DIALOGUE_STATE, Store
from tutor.ui.keys import LocalizedApp, localized
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.main import MainScreen
from tutor.ui.screens.runs import RunsScreen
from tutor.ui.stylesheet import SharedStylesheet
from tutor.ui.text import ui

SETTINGS_KEY = "ui"  # the student's app settings in the store: {"theme": NAME}


class TutorApp(LocalizedApp):
    """The conversation, the live run panel, the runs view and help, for one student."""

    CSS_PATH = Path(__file__).parent / "tutor.tcss"  # absolute: subclasses live elsewhere
    TITLE = "tutor"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    BINDINGS = [
        *localized("f1", "help", "help"),
        *localized("f3", "runs", "runs"),
        *localized("f4", "switch_lang", "lang"),
        *localized("ctrl+q", "quit", "quit", show=False, priority=True),
    ]

    def __init__(self, store: Store, student: str, lang: Lang | None = None, course: Course | None = None,
                 remote: bool = False, warmup: Warmup | None = None) -> None:
        """`lang` None: the language the student last used (else Spanish); F4 switches it for good.

        `remote`: a session of `tutor serve`, where nothing may write files on the server (no screenshots).
        `warmup`: the course's shapes being captured in the background; the status line shows its progress.
        """
        super().__init__()
        self.stylesheet = SharedStylesheet(variables=self.get_css_variables())
        self.remote, self.warmup = remote, warmup
        # tinygrad compiles in a process pool, whose start needs a real stderr to pass to the resource
        # tracker; inside the app stderr is Textual's capture (fileno -1), so start the tracker now.
        resource_tracker.ensure_running()
        self.store, self.student = store, student
        self.tutor = Tutor(store, student, lang, course)
        self.tutor.fixed_lang = self.tutor.lang  # one language at a time, whatever the student types in
        self.tutor.numbered = True  # the cards number a question's choices
        self.main = MainScreen(self.tutor)

    @property
    def lang(self) -> Lang:
        return self.tutor.lang

    def on_mount(self) -> None:
        """Put on the theme the student last chose (ctrl+p, "Change theme"), and remember the next one."""
        saved = (self.store.get_state(self.student, SETTINGS_KEY) or {}).get("theme")
        if saved in self.available_themes:
            self.theme = saved
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.warmup is not None:
            self.run_worker(self._follow_warmup, thread=True, group="warmup", exit_on_error=False)

    def _follow_warmup(self) -> None:
        """Show each shape the warm-up finishes, until it ends or is cancelled."""
        assert self.warmup is not None
        for progress in self.warmup.progress():
            self.call_from_thread(self.main.warming, progress)
        self.call_from_thread(self.main.warming, None)

    def _remember_theme(self, theme: Theme) -> None:
        settings = self.store.get_state(self.student, SETTINGS_KEY) or {}
        self.store.set_state(self.student, SETTINGS_KEY, {**settings, "theme": theme.name})

    def get_default_screen(self) -> Screen:
        return self.main

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        lang, main = self.lang, self.main
        screenshot = ui("cmd.screenshot", lang)
        yield from (c for c in super().get_system_commands(screen) if not (self.remote and c.title == screenshot))
        for name, action in (("next", main.action_continue), ("runs", self.action_runs), ("help", self.action_help),
                             ("lang", self.action_switch_lang), ("panel", main.action_toggle_panel),
                             ("suggest", main.action_run_suggestion), ("cancel", main.action_cancel)):
            yield SystemCommand(ui(f"cmd.{name}", lang), ui(f"cmd.{name}_help", lang), action)
        if self.warmup is not None and self.warmup.running:
            yield SystemCommand(ui("cmd.stop_warmup", lang), ui("cmd.stop_warmup_help", lang), self.warmup.cancel)
        for lesson in self.tutor.course.in_lang(lang):
            yield SystemCommand(ui("cmd.lesson", lang, title=lesson.title), ui("cmd.lesson_help", lang),
                                partial(main.open_lesson, lesson.id))

    def can(self, action: str) -> bool | None:
        if action == "switch_lang":
            return self.main.busy is None or None
        return True

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.lang))

    def action_runs(self) -> None:
        if isinstance(self.screen, RunsScreen):
            self.pop_screen()
        elif self.screen is self.main:
            self.push_screen(RunsScreen(self.tutor))

    def action_switch_lang(self) -> None:
        """Spanish ↔ English: labels, footer and the current step, from now on."""
        if self.main.busy is not None:
            return
        new: Lang = "en" if self.lang == "es" else "es"
        self.tutor.fixed_lang = self.tutor.lang = new
        self.tutor.save()
        if self.screen is not self.main:
            self.pop_screen()
        self.main.say(ui("switched", new), "note")
        self.main.show_step()
        self.refresh_bindings()

    async def action_quit(self) -> None:
        """Quit, first stopping a run so that it is stored (as cancelled) and nothing is lost."""
        await self.main.stop_training()
        self.exit(0)

    def on_unmount(self) -> None:
        if self.warmup is not None:
            self.warmup.cancel()


def run_app(settings: Settings, lang: Lang | None, lessons_dirs: Sequence[Path] = ()) -> int:
    """Open the app for the student of these settings, with the lessons of `lessons_dirs` too.

    `lang` None: the language the student last used, else the locale's.
    """
    store, student = Store(settings.store), settings.student_id
    if lang is None and store.get_state(student, DIALOGUE_STATE) is None:
        lang = settings.lang
    warmup = Warmup.start(settings, lessons_dirs)
    app = TutorApp(store, student, lang, load_lessons([*settings.lessons, *lessons_dirs]), warmup=warmup)
    try:
        app.run()
    finally:
        if warmup is not None:
            warmup.cancel()
    return app.return_code or 0
