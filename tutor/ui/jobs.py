"""Turns that may train, as the run worker takes them: what to call and what it trains."""

from collections.abc import Callable
from dataclasses import dataclass

from tutor.config import ExperimentConfig
from tutor.dialogue.tutor import Reply
from tutor.engine import Epoch

OnEpoch = Callable[[Epoch], None]
ShouldStop = Callable[[], bool]


@dataclass(frozen=True)
class Job:
    """One turn for the worker thread.

    `call` runs there (it may train, reporting epochs and polling for a stop); `plan` runs on the UI
    thread just before, naming the config it will train if that is known.
    """

    call: Callable[[OnEpoch, ShouldStop], Reply]
    plan: Callable[[], ExperimentConfig | None]
