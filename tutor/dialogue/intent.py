"""What one message asks for, as the conversation layer and `tutor ask --json` see it."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from tutor.config import Setting as FieldName
from tutor.i18n import Lang

Kind = Literal["what_if", "why", "compare", "next", "back", "repeat", "hint", "help", "answer", "goto",
               "reset", "clarify", "unknown", "sweep", "lr_find", "exercise", "where",
               "undo", "quit"]
Topic = Literal["training", "lr", "batch_size", "epochs", "architecture", "tuning"]
Concept = Literal["lr", "batch_size", "epochs", "hidden", "layers", "width", "activation", "optimizer", "sgd", "adam",
                  "momentum", "weight_decay", "dataset", "samples", "noise", "training", "parameters", "hyperparameter",
                  "loss", "overfitting", "underfitting", "validation", "gradient", "tuning", "grid", "random", "bayes",
                  "automl", "val_fraction", "seed", "classes"]
Scalar = int | float | str


class Change(BaseModel):
    """One edit of a config field: set it, multiply it, or add to it.

    `hidden` takes a list of widths; `add` on `hidden` appends those layers ("añade una capa de 64").
    """

    model_config = ConfigDict(frozen=True)

    op: Literal["set", "mul", "add"]
    value: Scalar | list[int]


class Search(BaseModel):
    """A hyperparameter search the student asked for (also the alternatives of a comparison)."""

    model_config = ConfigDict(frozen=True)

    method: Literal["grid", "random", "bayes"] | None = None  # None: the student did not say
    trials: int | None = None
    fields: list[FieldName] = []  # fields to search, in the order named
    values: dict[FieldName, list[Scalar]] = {}  # candidates listed explicitly ("lr 0.1, 0.01 y 0.001")
    bounds: dict[FieldName, tuple[float, float]] = {}  # "between 1e-4 and 1"


class Intent(BaseModel):
    """The parse of one message. `fields`: for clarify, the fields named without a value (`direction`: the way
    the student wants them moved, 1 up, -1 down, None unsaid; "the lr is too high" is -1); for reset, the
    fields to restore (empty: all); for what_if, fields named without a value next to the changes.
    `concept`: for why, the idea the student asks about ("what is an epoch?"; None: why the last run went
    as it did); for goto, the idea whose lesson to open. `lesson`: for goto, the lesson by its place in the
    course, 1-based as the lessons are listed ("lección 3"); `step`, the step by its place in that lesson (the
    current one when none is named: "paso 3"). `skip`: for next, what to leave as it is, an open question
    included: the step ("skip") or the lesson ("next lesson"); for back, "lesson" goes to the lesson before
    ("lección anterior"). `told`: for clarify, changes the student tells they made ("cambié el lr a 0.1", "I used
    lr 0.1 yesterday"), or said with a verb that may tell as well as ask ("cambie el lr a 0.1": "cambié" without
    its accent, or usted's "cambie"): offered, not run."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    changes: dict[FieldName, Change] = {}
    topic: Topic | None = None
    concept: Concept | None = None
    lang: Lang = "es"
    fields: list[FieldName] = []
    direction: Literal[-1, 1] | None = None
    answer: Scalar | None = None
    search: Search | None = None
    lesson: int | None = None
    step: int | None = None
    skip: Literal["step", "lesson"] | None = None
    told: dict[FieldName, Change] = {}
