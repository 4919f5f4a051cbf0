"""Where the student is inside a lesson step: what has been shown, and what the step waits for.

A step is revealed item by item up to a *gate*, a block the student must act on: a prediction to
choose, a quiz to answer, an experiment to launch. What-if questions are a *menu* (chosen with the
number keys) but never block the way.
"""

from tutor.config import ExperimentConfig
from tutor.lessons import Experiment, Lesson, Predict, Quiz, Step, WhatIf
from tutor.lessons.model import Item

Gate = Predict | Quiz | Experiment
Menu = Predict | Quiz | WhatIf


class StepFlow:
    """The cursor through one step of one lesson."""

    def __init__(self, lesson: Lesson, index: int) -> None:
        self.lesson, self.index = lesson, index
        self.shown = 0
        self.gate: Gate | None = None
        self.menu: Menu | None = None
        self.ran: list[ExperimentConfig] = []  # configs trained in this step

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

    def reveal(self) -> list[Item]:
        """The items to show now: up to and including the next gate."""
        items: list[Item] = []
        while self.gate is None and self.shown < len(self.step.items):
            item = self.step.items[self.shown]
            self.shown += 1
            items.append(item)
            if isinstance(item, WhatIf) or isinstance(item, Quiz) and item.choices or isinstance(item, Predict):
                self.menu = item
            if isinstance(item, (Predict, Quiz)) or isinstance(item, Experiment) and item.config not in self.ran:
                self.gate = item
        return items

    def options(self) -> int:
        """How many numbered options the number keys choose from now."""
        if isinstance(self.menu, WhatIf):
            return len(self.menu.questions)
        return len(self.menu.choices) if self.menu is not None else 0

    def settle(self, ran: ExperimentConfig | None = None) -> None:
        """The gate is done with (answered, or its run finished)."""
        if ran is not None:
            self.ran.append(ran)
        if self.menu is self.gate:
            self.menu = None
        self.gate = None
