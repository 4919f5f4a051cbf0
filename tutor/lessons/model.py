"""Lessons as data: front matter, steps, and the structured blocks a step holds, all validated."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from tutor.config import SEARCHABLE, SHAPES, ExperimentConfig, argument
from tutor.diagnose.rules import Code
from tutor.errors import ConfigError
from tutor.i18n import Lang

Topic = Literal["training", "lr", "batch_size", "epochs", "architecture", "tuning"]
TOPICS: tuple[str, ...] = Topic.__args__
ID_PATTERN = r"^[a-z0-9][a-z0-9_-]*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Frozen, and a key it does not know is an error (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Expect(Strict):
    """The diagnoses a run must show: at least one code of `any`, no code of `none`."""

    any: tuple[Code, ...] = Field(min_length=1)
    none: tuple[Code, ...] = ()

    @model_validator(mode="after")
    def _disjoint(self) -> "Expect":
        both = sorted(set(self.any) & set(self.none))
        if both:
            raise ValueError(f"codes both expected and excluded: {', '.join(both)}")
        return self

    def met_by(self, codes: Iterable[str]) -> bool:
        """Whether a run with these diagnosis codes shows what the lesson promises."""
        found = set(codes)
        return bool(found & set(self.any)) and not found & set(self.none)


class Experiment(Strict):
    """A run the student launches: its config, what to watch, and the diagnoses it must produce.

    In a file the config's fields sit at the top level, beside `name`, `watch` and `expect`.
    """

    kind: Literal["experiment"] = "experiment"
    name: str | None = None
    config: ExperimentConfig
    watch: str = ""
    expect: Expect

    @model_validator(mode="before")
    @classmethod
    def _split(cls, data: Any) -> Any:
        if isinstance(data, dict) and "config" not in data:
            own = {k: v for k, v in data.items() if k in ("kind", "name", "watch", "expect")}
            return {**own, "config": {k: v for k, v in data.items() if k not in own}}
        return data


class Option(Strict):
    """A choice of a prediction: right when the run's diagnoses include one of its codes."""

    text: Text
    codes: tuple[Code, ...] = Field(min_length=1)
    feedback: str = ""


class Predict(Strict):
    """The student predicts the outcome of an experiment before it runs; the diagnosis grades it.

    In a file `experiment` is an inline experiment, the `name` of one, or absent: the step's only one.
    """

    kind: Literal["predict"] = "predict"
    question: Text
    choices: tuple[Option, ...] = Field(min_length=2, max_length=9)
    experiment: Experiment

    @model_validator(mode="after")
    def _gradable(self) -> "Predict":
        seen: set[str] = set()
        for option in self.choices:
            if seen & set(option.codes):
                raise ValueError(f"code {sorted(seen & set(option.codes))[0]} is in two choices")
            seen |= set(option.codes)
        missing = [c for c in self.experiment.expect.any if c not in seen]
        if missing:
            raise ValueError(f"expected code {missing[0]} is in no choice, so no answer could be right")
        return self

    def right(self, codes: Iterable[str]) -> tuple[int, ...]:
        """Indices of the choices that a run with these diagnosis codes makes right."""
        found = set(codes)
        return tuple(i for i, option in enumerate(self.choices) if found & set(option.codes))


class Answer(Strict):
    """A choice of a quiz, with the feedback the student sees on picking it."""

    text: Text
    feedback: Text
    correct: bool = False


class Quiz(Strict):
    """A question with choices (exactly one correct) or a numeric answer within a tolerance."""

    kind: Literal["quiz"] = "quiz"
    question: Text
    choices: tuple[Answer, ...] = Field((), max_length=9)
    answer: float | None = None
    tolerance: float = Field(0.0, ge=0)
    feedback: str = ""

    @model_validator(mode="after")
    def _one_form(self) -> "Quiz":
        if (self.answer is None) == (not self.choices):
            raise ValueError("give either choices or a numeric answer")
        if self.choices and (len(self.choices) < 2 or sum(a.correct for a in self.choices) != 1):
            raise ValueError("choices need at least two options and exactly one with correct: true")
        return self

    def grade(self, response: float) -> bool:
        """Whether a response is right: a choice's index, or a number within the tolerance."""
        if self.answer is None:
            return 0 <= response < len(self.choices) and self.choices[int(response)].correct
        return abs(response - self.answer) <= self.tolerance


class WhatIf(Strict):
    """Questions the student can ask with one key; in a file, a YAML list of strings."""

    kind: Literal["whatif"] = "whatif"
    questions: tuple[Text, ...] = Field(min_length=1, max_length=9)


class Sweep(Strict):
    """A hyperparameter search the student launches, in the terms of `tutor sweep`.

    `grid` lists the values of each field (every combination is a trial); `space` gives each field's
    range as a `--space` spec, for `trials` random or Bayesian trials.
    """

    kind: Literal["sweep"] = "sweep"
    method: Literal["grid", "random", "bayes"]
    base: ExperimentConfig = Field(default_factory=ExperimentConfig)
    grid: dict[str, tuple[Any, ...]] = {}
    space: dict[str, str] = {}
    trials: int | None = Field(None, ge=1, le=500)
    budget: float | None = Field(None, gt=0)
    watch: str = ""

    @field_validator("grid")
    @classmethod
    def _grid(cls, grid: dict[str, tuple[Any, ...]], info: ValidationInfo) -> dict[str, tuple[Any, ...]]:
        base = info.data.get("base", ExperimentConfig())
        for field, values in grid.items():
            if not values:
                raise ValueError(f"grid {field}: no values")
            for value in values:
                _check_value(base, field, value)
        return grid

    @field_validator("space")
    @classmethod
    def _space(cls, space: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        base = info.data.get("base", ExperimentConfig())
        for field, spec in space.items():
            for value in space_values(field, spec):
                _check_value(base, field, value)
        return space

    @model_validator(mode="after")
    def _method(self) -> "Sweep":
        if self.method == "grid" and (not self.grid or self.space or self.trials):
            raise ValueError("a grid search needs grid: and takes neither space: nor trials:")
        if self.method != "grid" and (not self.space or self.grid or not self.trials):
            raise ValueError(f"a {self.method} search needs space: and trials:, and takes no grid:")
        return self

    def specs(self) -> list[str]:
        """Its fields as `tutor sweep` reads them: `F=v1,v2` for a grid, `F=SPEC` to sample from."""
        if self.method == "grid":
            return [f"{f}=" + ",".join(argument(v, "-") for v in vs) for f, vs in self.grid.items()]
        return [f"{f}={spec}" for f, spec in self.space.items()]

    @property
    def n_trials(self) -> int:
        """How many runs the search launches."""
        if self.trials:
            return self.trials
        count = 1
        for values in self.grid.values():
            count *= len(values)
        return count


def space_values(field: str, spec: str) -> list[Any]:
    """The values to validate of one search dimension, written as `tutor sweep --space` takes it:
    `log:LO:HI` or `float:LO:HI` (float fields), `int:LO:HI` or `log:LO:HI` (integer fields, width,
    layers) or `choice:A,B,...` (any field; layer widths written 16-16)."""
    kinds = _kinds(field)
    kind, _, rest = spec.partition(":")
    if kind == "choice" and all(v.strip() for v in rest.split(",")):
        return [v.strip().replace("-", ",") if field == "hidden" else v.strip() for v in rest.split(",")]
    if kind in kinds and kind != "choice":
        lo, _, hi = rest.partition(":")
        try:
            low, high = float(lo), float(hi)
        except ValueError:
            low = high = 0
        whole = "float" in kinds or (low.is_integer() and high.is_integer())
        if low < high and whole and (kind != "log" or low > 0):
            return [low, high] if "float" in kinds else [int(low), int(high)]
    forms = " or ".join(f"{k}:A,B" if k == "choice" else f"{k}:LO:HI" for k in kinds)
    raise ValueError(f"{field}={spec}: expected {forms} (0 < LO for log, LO < HI)")


def _kinds(field: str) -> tuple[str, ...]:
    if field in SHAPES:
        return ("int", "log", "choice")
    if field not in SEARCHABLE:
        raise ValueError(f"unknown config field '{field}'")
    annotation = ExperimentConfig.model_fields[field].annotation
    if annotation is float:
        return ("log", "float", "choice")
    return ("int", "log", "choice") if annotation in (int, int | None) else ("choice",)


def _check_value(base: ExperimentConfig, field: str, value: Any) -> None:
    _kinds(field)
    if field in SHAPES:
        low, high = SHAPES[field]
        if not (isinstance(value, (int, str)) and str(value).isdigit() and low <= int(value) <= high):
            raise ValueError(f"{field} {value}: must be a whole number from {low} to {high}")
        return
    try:
        base.changed(**{field: value})
    except ConfigError as err:
        raise ValueError(str(err)) from None


class Prose(Strict):
    """Markdown text between blocks, as written (wikilinks included)."""

    kind: Literal["text"] = "text"
    text: str


Block = Experiment | Predict | Quiz | WhatIf | Sweep
Item = Annotated[Prose | Block, Field(discriminator="kind")]


class Step(Strict):
    """One `##` section: its prose and blocks in file order."""

    title: str
    line: int
    items: tuple[Item, ...] = ()

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(i for i in self.items if not isinstance(i, Prose))

    @property
    def text(self) -> str:
        return "\n\n".join(i.text for i in self.items if isinstance(i, Prose))


class Meta(BaseModel):
    """The front matter keys a lesson uses; a note's other keys are ignored."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(None, pattern=ID_PATTERN)
    lang: Lang | None = None
    title: Text | None = None
    short: Text | None = None  # a few words, where the title does not fit (the teacher's class table)
    topics: tuple[Topic, ...] = ()
    order: int | None = None
    concepts: tuple[Text, ...] = ()
    prerequisites: tuple[Text, ...] = ()

    @field_validator("lang", mode="before")
    @classmethod
    def _lower(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v


class Lesson(Strict):
    """A lesson, or a reading-only note (no blocks): metadata, an optional intro, and its steps."""

    id: str
    lang: Lang
    title: str
    short: str | None = None
    topics: tuple[Topic, ...] = ()
    order: int | None = None
    concepts: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    intro: str = ""
    steps: tuple[Step, ...]
    path: Path

    @property
    def reading_only(self) -> bool:
        return not any(step.blocks for step in self.steps)

    def blocks(self) -> Iterator[Block]:
        """Every block of every step, in order."""
        for step in self.steps:
            yield from step.blocks


def teaching_order(lesson: Lesson) -> tuple[bool, int, str]:
    """Sort key: numbered lessons by `order`, then the rest by id."""
    return (lesson.order is None, lesson.order or 0, lesson.id)


@dataclass(frozen=True)
class Course:
    """Every lesson that loaded, and a `file:line: message` line per problem found."""

    lessons: tuple[Lesson, ...]
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def get(self, lesson_id: str, lang: Lang = "es") -> Lesson | None:
        """The lesson in `lang`, else the same id in another language, else None."""
        found = [lesson for lesson in self.lessons if lesson.id == lesson_id]
        return next((lesson for lesson in found if lesson.lang == lang), found[0] if found else None)

    def in_lang(self, lang: Lang) -> list[Lesson]:
        """The lessons of one language, in teaching order."""
        return sorted((lesson for lesson in self.lessons if lesson.lang == lang), key=teaching_order)
