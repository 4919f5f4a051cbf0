"""Turns that may train, as the run worker takes them: what to call, what it trains, what follows."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, get_args

from tutor.config import ExperimentConfig
from tutor.dialogue.intent import Change, FieldName, Intent
from tutor.dialogue.tutor import Reply
from tutor.engine import Epoch
from tutor.i18n import Lang

OnEpoch = Callable[[Epoch], None]
ShouldStop = Callable[[], bool]
FIELDS = frozenset(get_args(FieldName))


@dataclass(frozen=True)
class Job:
    """One turn for the worker thread.

    `call` runs there (it may train, reporting epochs and polling for a stop); `plan` runs on the UI
    thread just before, naming the config it will train if that is known; `after` runs on the UI
    thread with the reply, once the reply is shown.
    """

    call: Callable[[OnEpoch, ShouldStop], Reply]
    plan: Callable[[], ExperimentConfig | None]
    after: Callable[[Reply], None] | None = None


def intent_for(before: ExperimentConfig, after: ExperimentConfig, lang: Lang) -> Intent:
    """A what-if naming the fields that differ, for runs the app launches (lesson experiments, suggestions)."""
    changes: dict[str, Any] = {
        field: Change(op="set", value=list(new) if isinstance(new, tuple) else new)
        for field, (_, new) in before.diff(after).items() if field in FIELDS
    }
    return Intent(kind="what_if", changes=changes, lang=lang)
