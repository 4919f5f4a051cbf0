"""One SSH session's app, in its own process on its own pseudo-terminal (the child side of `serve`).

Textual keeps process-wide state (terminal modes, signal handlers, stdout), so each session is one
process: forked from a server that has already imported the app, it takes the terminal as its
controlling one, so that window changes reach it as SIGWINCH, and runs the ordinary app.
"""

import asyncio
import logging
import os
import signal
import sys
import threading
from typing import TYPE_CHECKING

from tutor import priority
from tutor.settings import Settings
from tutor.store import Store

if TYPE_CHECKING:
    from textual.app import App

WARM = ["tutor.serve.warm"]  # imported once, by the fork server, before any session
# Sessions yield to the server itself, which admits newcomers and carries every session's bytes.
SESSION_NICE = 2
HANGUP_DEADLINE = 10.0  # seconds from a hangup to the end of the process, run stored or not
QUIT_DEADLINE = 0.5  # seconds from the app's end to the process's: a network being compiled is not waited for
log = logging.getLogger("tutor.session")


def main(student: str, tty: str, term: str, lang: str, roster: list[str] | None, settings: Settings) -> None:
    """Run `student`'s app on the terminal at path `tty`; for a teacher (`roster`: the class's
    students), the class view in `lang`. `settings`: the server's, for every session."""
    _attach(tty)
    priority.lower(SESSION_NICE)
    settings = settings.model_copy(update={"student": student})
    Settings.use(settings)  # this process's own: the engine finds the class queue there
    os.environ.update(TERM=term, **settings.env())  # and the processes it starts
    for name in ("COLUMNS", "LINES"):  # the server's terminal size, if it had one: the student's pty is the truth
        os.environ.pop(name, None)
    logging.basicConfig(filename=settings.home / "serve.log", level=logging.INFO,
                        format=f"%(asctime)s %(levelname)s [{student} {os.getpid()}] %(message)s")
    try:
        store = Store(settings.store)
        app = _student_app(store, student) if roster is None else _teacher_app(store, lang, roster)
        signal.signal(signal.SIGHUP, lambda *_: _hang_up(app))
        app.run(loop=asyncio.new_event_loop())  # unlike asyncio.run's, its end does not wait for worker threads
        code = app.return_code or 0
    except Exception:
        log.exception("the session crashed")
        code = 1
    _end_within(QUIT_DEADLINE, code)
    sys.exit(code)


def _end_within(seconds: float, code: int) -> None:
    """End the process `seconds` from now, whatever its threads are doing (Python would wait for them)."""
    watchdog = threading.Timer(seconds, os._exit, (code,))
    watchdog.daemon = True
    watchdog.start()


def _hang_up(app: "App") -> None:
    """The student left or the server stopped: quit as ctrl+q does, storing a run in progress as cancelled.

    With its terminal gone, Textual's shutdown can block for good in its output thread (seen after the
    server was killed), so the process ends by itself HANGUP_DEADLINE seconds later whatever happens.
    """
    _end_within(HANGUP_DEADLINE, 0)
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # the app is not running (yet, or any more): nothing to store
        raise SystemExit(0) from None
    loop.call_soon_threadsafe(lambda: asyncio.ensure_future(app.action_quit()))


def ready() -> None:
    """A session that does nothing: forking it proves the fork server has warmed up."""


def _student_app(store: Store, student: str) -> "App":
    from tutor.serve.warm import COURSE
    from tutor.ui.app import TutorApp

    return TutorApp(store, student, course=COURSE, remote=True)


def _teacher_app(store: Store, lang: str, roster: list[str]) -> "App":
    from tutor.serve.warm import COURSE
    from tutor.ui.teacher import ClassApp

    return ClassApp(store, lang, COURSE, roster)


def _attach(tty: str) -> None:
    """Make the terminal at `tty` this process's controlling terminal and its stdin, stdout, stderr."""
    os.setsid()
    fd = os.open(tty, os.O_RDWR)  # a session leader opening a terminal takes it as its controlling one
    for target in (0, 1, 2):
        os.dup2(fd, target)
    os.close(fd)
    sys.stdin = sys.__stdin__ = open(0, encoding="utf-8", closefd=False)
    sys.stdout = sys.__stdout__ = open(1, "w", encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = sys.__stderr__ = open(2, "w", encoding="utf-8", errors="replace", closefd=False)
