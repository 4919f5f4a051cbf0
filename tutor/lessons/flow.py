"""Where the student is inside a lesson step: what has been shown, and what the step waits for.

A step is revealed item by item up to a *gate*, a block the student must act on: a prediction to
choose, a quiz to answer, an experiment or a search to launch. What-if questions are a *menu*
(chosen with the number keys) but never block the way. The cursor is plain data, so the conversation can store it
and a later `tutor ask` resumes at the same question, its wrong tries and hints kept.
"""

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from tutor.config import ExperimentConfig
from tutor.lessons.model import Experiment, Item, Lesson, Predict, Quiz, Step, Sweep, WhatIf

Gate = Predict | Quiz | Experiment | Sweep
Menu = Predict | Quiz | WhatIf


class Answer(BaseModel):
    """How a question of the step was settled: the choice made (None: a number typed) and the right ones."""

    chosen: int | None = None
    right: list[int] = []


class Shown(BaseModel):
    """What of the lesson one reply shows: the tutor's words, the block they deal with (the choice made;
    once it is settled, the right choices), and the items revealed after it (a new step opens with
    its heading). A wrong answer to a quiz leaves it open for another try. A step resumed shows the
    items the student had seen, its questions already answered marked (by place in `items`)."""

    said: str = ""
    block: Gate | WhatIf | None = None
    chosen: int | None = None
    correct: bool | None = None  # None: no answer was graded
    settled: bool = False
    right: list[int] = []
    intro: str = ""  # the lesson's title and introduction, when its first step opens
    heading: str = ""  # when a step opens
    items: list[Item] = []
    answered: dict[int, Answer] = {}
    resumed: bool = False  # the step as the student left it: read from where they were, not from its top
    recalled: bool = False  # `block` is still open after a digression: brought back as it was, marks kept


class StepFlow:
    """The cursor through one step of one lesson."""

    def __init__(self, lesson: Lesson, index: int) -> None:
        self.lesson, self.index = lesson, index
        self.shown = 0
        self.gate: Gate | None = None
        self.menu: Menu | None = None
        self.ran: list[ExperimentConfig] = []  # configs trained in this step
        self.answers: dict[int, Answer] = {}  # the step's questions settled, by place in the step
        self.tries: list[str] = []  # the wrong answers to the open question, oldest first (a choice: its place)
        self.hints = 0  # the hints given for the open question

    @property
    def step(self) -> Step:
        return self.lesson.steps[self.index]

    @property
    def finished(self) -> bool:
        """Everything is shown and nothing is pending."""
        return self.gate is None and self.shown >= len(self.step.items)

    @property
    def last_step(self) -> bool:
        return self.index + 1 >= len(self.lesson.steps)

    @property
    def question(self) -> Predict | Quiz | None:
        """The question the step waits for an answer to, if any."""
        return self.gate if isinstance(self.gate, (Predict, Quiz)) else None

    def seen(self) -> list[Item]:
        """The items shown so far, from the step's top."""
        return self.step.items[:self.shown]

    def reveal(self) -> list[Item]:
        """The items to show now: up to and including the next gate."""
        items: list[Item] = []
        while self.gate is None and self.shown < len(self.step.items):
            item = self.step.items[self.shown]
            self.shown += 1
            items.append(item)
            if isinstance(item, WhatIf) or isinstance(item, Quiz) and item.choices or isinstance(item, Predict):
                self.menu = item
            if isinstance(item, (Predict, Quiz, Sweep)) or isinstance(item, Experiment) and item.config not in self.ran:
                self.gate = item
        return items

    def varied(self) -> ExperimentConfig | None:
        """The config the what-if questions on offer ask about: the step's latest experiment before them."""
        latest = None
        for item in self.seen():
            if item is self.menu:
                return latest if isinstance(item, WhatIf) else None
            if isinstance(item, (Experiment, Predict)):
                latest = item.config if isinstance(item, Experiment) else item.experiment.config
        return None

    @property
    def open(self) -> Gate | WhatIf | None:
        """What the student is in the middle of: the gate, else the what-if questions on offer."""
        if self.gate is not None:
            return self.gate
        return self.menu if isinstance(self.menu, WhatIf) else None

    def options(self) -> int:
        """How many numbered options the number keys choose from now."""
        if isinstance(self.menu, WhatIf):
            return len(self.menu.questions)
        return len(self.menu.choices) if self.menu is not None else 0

    def settle(self, ran: ExperimentConfig | None = None, answer: Answer | None = None) -> None:
        """The gate is done with (answered, or its run finished)."""
        if ran is not None:
            self.ran.append(ran)
        if answer is not None and self.gate is not None:
            self.answers[self.shown - 1] = answer  # the gate is the last item shown
        if self.menu is self.gate:
            self.menu = None
        self.gate, self.tries, self.hints = None, [], 0

    # -- stored between sessions -----------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """What to store to resume here: items shown, whether the last is still open (and its tries and hints),
        runs made, answers."""
        return {"shown": self.shown, "open": self.gate is not None, "tries": self.tries, "hints": self.hints,
                "ran": [cfg.model_dump(mode="json") for cfg in self.ran],
                "answers": {str(place): answer.model_dump() for place, answer in self.answers.items()}}

    @classmethod
    def resume(cls, lesson: Lesson, index: int, state: dict[str, Any]) -> "StepFlow":
        """The cursor as `state()` left it (a state that no longer fits the lesson starts the step over)."""
        flow = cls(lesson, index)
        try:
            ran = [ExperimentConfig(**cfg) for cfg in state.get("ran", [])]
            shown = int(state.get("shown", 0))
            answers = {int(place): Answer.model_validate(a) for place, a in state.get("answers", {}).items()}
            tries, hints = [str(x) for x in state.get("tries", [])], int(state.get("hints", 0))
        except (AttributeError, TypeError, ValueError):
            return flow
        flow.ran, flow.answers = ran, answers
        while flow.shown < min(shown, len(flow.step.items)):
            flow.settle()  # a gate before the stored place was dealt with
            if not flow.reveal():
                break
        if not state.get("open"):
            flow.settle()
        elif flow.gate is not None:
            flow.tries, flow.hints = tries, hints
        return flow


def relocated(place: dict[str, Any], titles: Sequence[str]) -> dict[str, Any]:
    """A stored place (`{"step", "title", flow state}`) after its lesson was edited, given the step titles of
    the lesson in the language it was stored in: at the step that still has its title (the nearest one, if
    several do); without such a step, at its index clamped, its flow state dropped (the step starts over,
    never with another step's answers). A place stored without a title is kept as it is."""
    index, title = int(place.get("step", 0)), place.get("title")
    if title is None or 0 <= index < len(titles) and titles[index] == title:
        return place
    same = [i for i, x in enumerate(titles) if x == title]
    if same:
        return {**place, "step": min(same, key=lambda i: abs(i - index))}
    return {"lesson": place.get("lesson"), "step": max(0, min(index, len(titles) - 1))}
