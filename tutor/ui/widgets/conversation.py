"""The transcript: an anchored scroll holding one widget per turn, as in Toad and Elia."""

from collections.abc import Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Markdown, Static

MAX_TURNS = 300  # older turns are dropped so a long session stays quick to lay out


class Conversation(VerticalScroll):
    """Turns stacked oldest first; it follows the newest until the student scrolls up."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.start: Widget | None = None  # a turn to bring to the top once laid out and visible
        self.kept: Widget | None = None  # a turn to keep whole on screen (the question the keys answer)

    def on_mount(self) -> None:
        self.anchor()

    def add(self, *turns: Widget, top: bool = False) -> None:
        """Append turns; with `top`, scroll so the first starts at the top (a step is read downwards)."""
        excess = len(self.children) + len(turns) - MAX_TURNS
        if excess > 0:
            self.remove_children(list(self.children[:excess]))
        self.mount_all(turns)
        if top and turns:
            self.release_anchor()
            self.start = turns[0]
            self.call_after_refresh(self.scroll_to_start)

    def keep(self, turn: Widget) -> None:
        """Scroll, after the turns just added, so that `turn` is whole on screen (the text above it may
        scroll off; below it, as much of the newest turns as fits)."""
        self.release_anchor()
        self.kept = turn
        self.call_after_refresh(self.scroll_to_start)

    def on_show(self) -> None:
        self.call_after_refresh(self.scroll_to_start)

    def scroll_to_start(self, tries: int = 5) -> None:
        """Bring `start` to the top and `kept` into view, once laid out (a hidden conversation lays out on show)."""
        if (self.start is None and self.kept is None) or not self.display:
            return
        if any(w is not None and not w.region for w in (self.start, self.kept)) and tries:
            self.call_after_refresh(self.scroll_to_start, tries - 1)
            return
        if self.start is not None:
            self.scroll_to_widget(self.start, top=True, animate=False, immediate=True)
        elif self.kept is not None:
            self.scroll_end(animate=False, immediate=True)
        if self.kept is not None:
            self.scroll_to_widget(self.kept, animate=False, immediate=True)
        self.start = self.kept = None

    def follow(self) -> None:
        """Stay at the newest turn (the student has just acted)."""
        self.start = self.kept = None
        self.anchor()


class Said(Static):
    """A plain message: the student's (`-student`), the tutor's (`-tutor`), or a note (`-note`, `-error`)."""

    def __init__(self, text: str, kind: str = "tutor") -> None:
        super().__init__(Text(text), classes=f"turn -{kind}")


class LessonText(Markdown):
    """Lesson prose, rendered as Markdown."""

    def __init__(self, markdown: str) -> None:
        super().__init__(markdown, classes="turn -lesson")


class StepHeading(Static):
    """The rule that opens a step: lesson, step number and title."""

    def __init__(self, text: str) -> None:
        super().__init__(Text(text), classes="turn -heading")


class ChoiceCard(Static):
    """A question with numbered options (a prediction, a quiz, what-if questions); marked once answered."""

    def __init__(self, title: str, question: str, options: Sequence[str], hint: str, kind: str) -> None:
        super().__init__(classes=f"turn -card -{kind}")
        self.heading, self.question, self.options, self.hint = title, question, list(options), hint
        self.chosen: int | None = None
        self.right: set[int] = set()

    def on_mount(self) -> None:
        self.update(self.text())

    def mark(self, chosen: int | None, right: set[int] | None = None, hint: str = "") -> None:
        """Show the student's choice, the right options (✓) and a closing line."""
        self.chosen, self.right, self.hint = chosen, right or set(), hint
        self.update(self.text())

    def text(self) -> Content:
        parts: list[str | tuple[str, str]] = [(f"{self.heading} ", "bold $accent"), " ".join(self.question.split())]
        for i, option in enumerate(self.options):
            mark = "✓" if i in self.right else "▸" if i == self.chosen else " "
            style = "$success" if i in self.right else "$error" if i == self.chosen and self.right else ""
            weight = " bold" if i == self.chosen else ""
            parts += [f"\n {mark} ", (f" {i + 1} ", "bold reverse"), (f" {option}", f"{style}{weight}".strip())]
        if self.hint:
            parts.append((f"\n{self.hint}", "dim italic"))
        return Content.assemble(*parts)


class ExperimentCard(Static):
    """An experiment (or a search) of the lesson: what it trains, what to watch, and how to launch it."""

    def __init__(self, title: str, config: str, watch: str, hint: str) -> None:
        super().__init__(classes="turn -card -experiment")
        self.heading, self.config, self.watch, self.hint = title, config, watch, hint

    def on_mount(self) -> None:
        self.update(self.text())

    def done(self, hint: str) -> None:
        self.hint = hint
        self.update(self.text())

    def text(self) -> Content:
        parts: list[str | tuple[str, str]] = [(f"{self.heading} ", "bold $accent"), (self.config, "italic")]
        if self.watch:
            parts.append("\n" + " ".join(self.watch.split()))
        if self.hint:
            parts.append((f"\n{self.hint}", "bold $accent"))
        return Content.assemble(*parts)
