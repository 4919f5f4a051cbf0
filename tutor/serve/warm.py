"""What every session would do first, done once in the fork server before any session is forked.

`tutor serve` makes each session's process by forking a server process that has imported this
module: the app's modules, the course, the device, the default network's captured training step,
the k-nearest-neighbours reference of the default data (every first run's diagnosis quotes it)
and Textual's caches (filled by one headless run of the app) are then already in memory, shared
copy-on-write, so a session shows its first screen, and runs its first what-if, without paying for
them again. Everything is then frozen out of the garbage collector's sight (`gc.freeze`), so the
sessions' collections neither scan nor copy it. None of this leaves a thread or a child process
behind, so forking stays safe: tinygrad's pool of compiling processes, whose result threads would not
survive the fork (a session's first new network shape then waited forever), is off in the engine
(`tutor.engine.training`), so kernels compile in the thread that needs them, one session at a time
through the class queue, instead of one pool per session crowding the server.
"""

import asyncio
import gc
import tempfile
from pathlib import Path

import tutor.ui.teacher  # noqa: F401  (imported for the teachers' sessions)
from tutor.config import make_config
from tutor.diagnose.explain import explain
from tutor.engine.device import resolve
from tutor.engine.training import train
from tutor.lessons import load_lessons
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.app import TutorApp

SETTINGS = Settings.from_env()  # the server starts the fork server with the sessions' settings but the queue
Settings.use(SETTINGS)  # for the warm-up's run; each session puts its own in force
COURSE = load_lessons(SETTINGS.lessons)


def _warm_engine() -> None:
    """Resolve the default device, train the default network once (outside the class queue: only the
    sessions are given it) and explain the run."""
    resolve("auto")
    explain(train(make_config({"epochs": 1}, "en")))


def _warm_app() -> None:
    """Show the first screen once, headless, on a throwaway store."""
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "warm.db")
        app = TutorApp(store, "warm", course=COURSE, remote=True)

        async def first_screen() -> None:
            async with app.run_test(size=(80, 24)) as pilot:
                await pilot.pause()

        asyncio.run(first_screen())
        store.close()


_warm_engine()
_warm_app()
gc.collect()
gc.freeze()
