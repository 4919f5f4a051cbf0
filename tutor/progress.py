"""A student's progress through the course: steps done, and mastery per topic from the first answer to each graded
item."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from tutor.store import Store


@dataclass(frozen=True)
class GradedItem:
    """A quiz or prediction of the course, and the topics of its lesson."""

    lesson: str
    step: int
    topics: tuple[str, ...]


@dataclass(frozen=True)
class Mastery:
    """Of a topic's graded items, how many the student got right on the first try."""

    topic: str
    right_first: int
    attempted: int
    items: int

    @property
    def score(self) -> float:
        """0 to 1: right first tries over all the topic's items, so unseen items count as not yet mastered."""
        return self.right_first / self.items if self.items else 0.0


def first_answers(store: Store, student: str,
                  events: list[dict[str, Any]] | None = None) -> dict[tuple[str, int], bool]:
    """Per graded item (lesson, step), whether the student's first answer to it was right; `events`: their
    progress, when already read."""
    first: dict[tuple[str, int], bool] = {}
    for event in store.progress(student) if events is None else events:
        if event["kind"] in ("quiz", "predict") and event["correct"] is not None:
            first.setdefault((event["lesson"], event["step"]), bool(event["correct"]))
    return first


def mastery(store: Store, student: str, items: Iterable[GradedItem],
            events: list[dict[str, Any]] | None = None) -> dict[str, Mastery]:
    """Mastery per topic from the student's first answer to each graded item; `events`: their progress,
    when already read."""
    first = first_answers(store, student, events)
    tally: dict[str, list[int]] = {}
    for item in items:
        answer = first.get((item.lesson, item.step))
        for topic in item.topics:
            right, attempted, total = tally.setdefault(topic, [0, 0, 0])
            tally[topic] = [right + bool(answer), attempted + (answer is not None), total + 1]
    return {topic: Mastery(topic, *counts) for topic, counts in sorted(tally.items())}


def steps_done(store: Store, student: str, events: list[dict[str, Any]] | None = None) -> dict[str, set[int]]:
    """Per lesson, the steps the student has finished; `events`: their progress, when already read."""
    done: dict[str, set[int]] = {}
    for event in store.progress(student) if events is None else events:
        done.setdefault(event["lesson"], set()).add(event["step"])
    return done
