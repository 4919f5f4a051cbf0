"""What every session would do first, done once in the fork server before any session is forked.

`tutor serve` makes each session's process by forking a server process that has imported this
module: the app's modules, the course, the device and the default network's captured training step
are then already in memory (shared, copy-on-write), so a session shows its first screen, and runs
its first what-if, without paying for them again. None of this leaves a thread or a child process
behind (tinygrad's CPU device has none once a captured shape is loaded), so forking stays safe.
"""

import os

from tutor.config import make_config
from tutor.engine import train
from tutor.engine.device import resolve
from tutor.lessons import load_lessons

import tutor.ui.app  # noqa: F401  (imported for the sessions)
import tutor.ui.teacher  # noqa: F401

COURSE = load_lessons()


def _warm_engine() -> None:
    """Resolve the default device and train the default network once, outside the class queue."""
    queue = os.environ.pop("TUTOR_QUEUE", None)
    try:
        resolve("auto")
        train(make_config({"epochs": 1}, "en"))
    finally:
        if queue is not None:
            os.environ["TUTOR_QUEUE"] = queue


_warm_engine()
