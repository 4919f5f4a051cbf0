"""The teacher's exercise: reach a target with the smallest network, some settings fixed; its leaderboard.

The exercise is class-wide state (`store.set_state(CLASS, "exercise", ...)`), so every student's
process sees it at once; the leaderboard is read from the runs, so it needs no bookkeeping.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from tutor.config import ExperimentConfig, argument, make_config, short_name, shown
from tutor.errors import ConfigError
from tutor.fmt import exact, num, pct
from tutor.i18n import Lang, t
from tutor.store import CLASS, Store

EXERCISE_KEY = "exercise"
METRICS = {"val_acc": "≥", "val_loss": "≤"}  # how each metric meets its target
TITLE_LENGTH = 80  # characters of a title at most
Metric = Literal["val_acc", "val_loss"]


class Exercise(BaseModel):
    """Reach `metric` ≥ `threshold` (≤ for a loss) at the last epoch of a completed run, with the fewest
    parameters, keeping the `locked` settings at their values."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field("", max_length=TITLE_LENGTH)
    metric: Metric = "val_acc"
    threshold: float = 0.9
    locked: dict[str, Any] = {}  # config fields fixed to values, in their stored (JSON) form: {"dataset": "spiral"}

    @field_validator("locked")
    @classmethod
    def _fixed(cls, locked: dict[str, Any]) -> dict[str, Any]:
        return fixed(locked)

    def met(self, value: float | None) -> bool:
        """Whether a run's metric reaches the target."""
        if value is None:
            return False
        return value >= self.threshold if self.metric == "val_acc" else value <= self.threshold

    def broken(self, config: dict[str, Any]) -> list[str]:
        """The locked fields that a config (in JSON form) sets to other values."""
        return [field for field, value in self.locked.items() if config.get(field) != value]

    def lock(self, cfg: ExperimentConfig) -> ExperimentConfig:
        """`cfg` with the locked fields at their fixed values."""
        return cfg.changed(**self.locked) if self.locked else cfg

    def shown(self, value: float) -> str:
        """A value of the metric as the board shows it: accuracy in percent, loss as a number."""
        return pct(value) if self.metric == "val_acc" else num(value)

    def describe(self, lang: Lang) -> str:
        """'Smallest net: reach val acc ≥ 90% with as few parameters as possible · fixed: dataset spiral'."""
        goal = t("teacher.exercise.goal", lang, metric=t(f"run.col.{self.metric}", lang),
                 op=METRICS[self.metric], threshold=self.shown(self.threshold))
        parts = [f"{self.title}: {goal}" if self.title else goal]
        if self.locked:
            parts.append(t("teacher.exercise.fixed", lang, settings=settings(self.locked, lang)))
        return " · ".join(parts)


@dataclass(frozen=True)
class Entry:
    """A student's place on the leaderboard, with the run that earns it."""

    place: int
    student: str
    run_id: int
    n_params: int
    value: float  # the exercise's metric at the run's last epoch


class Form(BaseModel):
    """The teacher's exercise form as typed: a title, a metric, its target, the fixed settings as field=value."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    metric: Metric = "val_acc"
    target: str = "0.9"
    fixed: str = ""

    @classmethod
    def of(cls, exercise: Exercise) -> "Form":
        """The form that sets `exercise` again."""
        return cls(title=exercise.title, metric=exercise.metric, target=exact(exercise.threshold),
                   fixed=" ".join(f"{field}={argument(value)}" for field, value in exercise.locked.items()))

    def exercise(self, lang: Lang, untitled: str = "") -> Exercise:
        """The exercise this form sets (`untitled`: the title of one left blank); a ConfigError names the field
        as the teacher typed it and what it accepts."""
        return Exercise(title=(self.title.strip() or untitled)[:TITLE_LENGTH], metric=self.metric,
                        threshold=target(self.metric, self.target, lang), locked=parse_locked(self.fixed, lang))


def target(metric: Metric, text: str, lang: Lang) -> float:
    """A target as typed: an accuracy from 0 to 1 (or 0% to 100%), a loss above 0; decimal comma or point."""
    number = text.strip().replace(",", ".")
    share = metric == "val_acc" and number.endswith("%")
    try:
        value = float(number[:-1]) / 100 if share else float(number)
    except ValueError:
        value = math.nan
    if not (0 <= value <= 1 if metric == "val_acc" else 0 < value < math.inf):
        raise ConfigError(t("teacher.form.bad_threshold", lang, field=t("teacher.form.target", lang),
                            value=shown(text.strip()), range=t(f"teacher.form.range.{metric}", lang)))
    return value


def fixed(locked: dict[str, Any], lang: Lang = "en", named: Callable[[str], str] = str) -> dict[str, Any]:
    """Locked settings validated and in their stored (JSON) form; a ConfigError names the first bad one
    (`named`: as the reader knows it)."""
    values = make_config(locked, lang, named).model_dump(mode="json")
    return {field: values[field] for field in locked}


def parse_locked(text: str, lang: Lang = "en") -> dict[str, Any]:
    """'dataset=spiral samples=500 hidden=8,8' -> the settings it fixes, validated; a bad one is named as typed."""
    pairs: dict[str, str] = {}
    typed: dict[str, str] = {}
    for part in text.replace(";", " ").split():
        name, _, value = part.partition("=")
        if not name or not value:
            raise ConfigError(t("teacher.form.bad_lock", lang, part=shown(part)))
        name = name.removeprefix("--")
        field = name.replace("-", "_")
        pairs[field], typed[field] = value, name
    return fixed(pairs, lang, lambda field: typed.get(field, field))


def settings(values: dict[str, Any], lang: Lang) -> str:
    """'data spiral, batch 16, hidden 8,8': settings by their short names, as the runs table shows them."""
    return ", ".join(f"{short_name(field, lang)} {argument(value)}" for field, value in values.items())


def current_exercise(store: Store) -> Exercise | None:
    """The exercise the teacher set, if any."""
    doc = store.get_state(CLASS, EXERCISE_KEY)
    return Exercise.model_validate(doc) if doc else None


def set_exercise(store: Store, exercise: Exercise | None) -> None:
    """Set the class's exercise, or clear it with None."""
    store.set_state(CLASS, EXERCISE_KEY, exercise.model_dump(mode="json") if exercise else None)


def leaderboard(store: Store, exercise: Exercise) -> list[Entry]:
    """Each student's best qualifying run (completed, on target, locked settings kept), ranked by fewest
    parameters, then the better metric, then the earlier run."""
    sign = -1 if exercise.metric == "val_acc" else 1  # higher accuracy, lower loss ranks first
    best: dict[str, tuple[int, float, int]] = {}
    for run_id, student, n_params, value in store.completed(exercise.metric, exercise.locked):
        if exercise.met(value):
            key = (n_params, sign * value, run_id)
            best[student] = min(best.get(student, key), key)
    ranked = sorted(best.items(), key=lambda kv: kv[1])
    return [Entry(place, student, run_id, n_params, sign * signed)
            for place, (student, (n_params, signed, run_id)) in enumerate(ranked, 1)]
