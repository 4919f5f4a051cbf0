"""The lesson side of the main screen: a step shown item by item, answers graded, and moving on.

Answers are graded here against the block the step waits for (the tutor's own `answer` handling
looks only at a step's first question); each grade is recorded in the store as the student's progress.
"""

from collections.abc import Callable

from textual.widget import Widget

from tutor.dialogue.tutor import Reply, Tutor, choice_index
from tutor.i18n import Lang, t
from tutor.lessons import Experiment, Predict, Quiz
from tutor.lessons.model import Item
from tutor.ui.flow import StepFlow
from tutor.ui.jobs import Job
from tutor.ui.text import plain_links, ui
from tutor.ui.widgets.cards import turn_for
from tutor.ui.widgets.conversation import ChoiceCard, Conversation, ExperimentCard, LessonText, Said, StepHeading


class LessonSteps:
    """Mixed into the main screen, which provides the conversation, the run queue and the labels."""

    tutor: Tutor
    flow: StepFlow | None
    cards: dict[int, Widget]  # the widget of each block shown, by id(block)
    busy: Job | None
    lang: Lang
    talk: Conversation
    say: Callable[..., None]
    relabel: Callable[[], None]
    show_view: Callable[[bool], None]
    launch_config: Callable[..., None]
    notify: Callable[..., None]

    def placeholder(self) -> str:
        """What Enter or a number does now."""
        flow, lang = self.flow, self.lang
        if self.busy:
            return ui("hint.busy", lang)
        if flow is None:
            return ui("hint.free", lang)
        gate = flow.gate
        if isinstance(gate, Experiment):
            return ui("hint.run", lang)
        if isinstance(gate, Quiz) and not gate.choices:
            return ui("hint.number", lang)
        if flow.menu is not None and flow.options():
            return ui("hint.choose", lang, n=flow.options())
        return ui("hint.next", lang)

    def show_step(self, *preface: Widget) -> None:
        """Open the tutor's current step, after `preface` turns (a greeting)."""
        lesson = self.tutor.lesson()
        if lesson is None or not lesson.steps:
            self.flow = None
            self.talk.add(*preface, Said(t("dialogue.no_lesson", self.lang)))
            self.relabel()
            return
        self.tutor.step = max(0, min(self.tutor.step, len(lesson.steps) - 1))
        self.flow = StepFlow(lesson, self.tutor.step)
        opening = [*preface]
        if self.flow.index == 0:
            opening.append(LessonText(f"# {lesson.title}\n\n{plain_links(lesson.intro)}"))
        heading = ui("step", self.lang, n=self.flow.index + 1, of=len(lesson.steps), title=self.flow.step.title)
        self.reveal(*opening, StepHeading(heading))

    def reveal(self, *opening: Widget) -> None:
        """Show the step's items up to its next gate, the first of them at the top of the view."""
        if self.flow is not None:
            self.talk.add(*opening, *(self.turn_for(item) for item in self.flow.reveal()), top=True)
        self.show_view(False)
        self.relabel()

    def turn_for(self, item: Item) -> Widget:
        ran = self.flow is not None and isinstance(item, Experiment) and item.config in self.flow.ran
        widget = self.cards[id(item)] = turn_for(item, self.lang, ran)
        return widget

    def next_step(self) -> None:
        """Enter at the end of a step: the next step, or the first step of the next lesson."""
        tutor, flow = self.tutor, self.flow
        if flow is None:
            return
        tutor.store.record(tutor.student, flow.lesson.id, flow.index, "done")
        if not flow.last_step:
            tutor.step = flow.index + 1
        else:
            ids = [lesson.id for lesson in tutor.course.in_lang(self.lang)]
            following = ids[ids.index(flow.lesson.id) + 1:] if flow.lesson.id in ids else []
            if not following:
                self.say(ui("course_done", self.lang), "note")
                return
            tutor.lesson_id, tutor.step = following[0], 0
        tutor.save()
        self.show_step()

    def open_lesson(self, lesson_id: str) -> None:
        if self.busy:
            self.notify(ui("hint.busy", self.lang))
            return
        self.tutor.lesson_id, self.tutor.step = lesson_id, 0
        self.tutor.save()
        self.show_step()

    def answer(self, block: Quiz | Predict, text: str) -> None:
        """The student's answer to the quiz or prediction the step waits for."""
        lang, flow = self.lang, self.flow
        if isinstance(block, Quiz) and not block.choices:
            try:
                number = float(text.replace(",", "."))
            except ValueError:
                self.say(t("dialogue.more.want_number", lang), "note")
                return
            self.graded(block, None, text, block.grade(number), block.feedback, {})
            return
        index = choice_index(text, len(block.choices))
        if index is None or flow is None:
            self.say(t("dialogue.more.pick_choice", lang, n=len(block.choices)), "note")
            return
        card = self.cards.get(id(block))
        if isinstance(block, Quiz):
            chosen = block.choices[index]
            right = {i for i, c in enumerate(block.choices) if c.correct}
            self.graded(block, index, chosen.text, chosen.correct, chosen.feedback, right)
            return
        flow.menu = None
        if isinstance(card, ChoiceCard):
            card.mark(index, hint=ui("card.bet", lang))
        self.launch_config(block.experiment.config, lambda reply: self.predicted(block, index, reply))

    def graded(self, block: Quiz | Predict, index: int | None, answer: str, right: bool, feedback: str,
               right_choices: set[int]) -> None:
        tutor, flow = self.tutor, self.flow
        if flow is None:
            return
        tutor.store.record(tutor.student, flow.lesson.id, flow.index, "quiz" if isinstance(block, Quiz) else "predict",
                           answer, right)
        card = self.cards.get(id(block))
        if isinstance(card, ChoiceCard):
            card.mark(index, right_choices, ui("card.answered", self.lang))
        verdict = t("dialogue.more.right" if right else "dialogue.more.wrong", self.lang)
        self.say(f"{verdict} {' '.join(feedback.split())}".strip(), "verdict" if right else "wrong")
        if isinstance(block, Quiz):
            flow.settle()
            self.reveal()

    def predicted(self, block: Predict, index: int, reply: Reply) -> None:
        """Grade a prediction with the diagnoses of its run (a cancelled run leaves it open)."""
        flow = self.flow
        if flow is None or flow.gate is not block:
            return
        if reply.run is None or reply.run.status == "cancelled":
            self.reopen()
            return
        right = set(block.right(d.code for d in reply.diagnoses))
        self.graded(block, index, block.choices[index].text, index in right, block.choices[index].feedback, right)
        flow.settle(ran=block.experiment.config)
        self.reveal()

    def action_continue(self) -> None:
        """Enter on an empty line: run the step's experiment, or go on to what comes next."""
        flow = self.flow
        if self.busy:
            self.notify(ui("hint.busy", self.lang))
        elif flow is None:
            self.show_step()
        elif isinstance(flow.gate, Experiment):
            experiment = flow.gate
            card = self.cards.get(id(experiment))
            if isinstance(card, ExperimentCard):
                card.done(ui("card.running", self.lang))
            self.launch_config(experiment.config, lambda reply: self.experimented(experiment, reply))
        elif flow.gate is not None:
            self.notify(self.placeholder())
        elif flow.finished:
            self.next_step()
        else:
            self.reveal()

    def experimented(self, experiment: Experiment, reply: Reply) -> None:
        flow, card = self.flow, self.cards.get(id(experiment))
        if flow is None or flow.gate is not experiment:
            return
        if reply.run is None or reply.run.status == "cancelled":
            self.reopen()
            return
        if isinstance(card, ExperimentCard):
            card.done(ui("card.ran", self.lang))
        flow.settle(ran=experiment.config)
        self.reveal()

    def reopen(self) -> None:
        """The run of the step's gate was cancelled or failed: offer the gate again."""
        flow = self.flow
        gate = flow.gate if flow else None
        card = self.cards.get(id(gate))
        if isinstance(gate, Predict) and flow is not None:
            flow.menu = gate
            if isinstance(card, ChoiceCard):
                card.mark(None, hint=ui("card.choose", self.lang, n=len(gate.choices)))
        if isinstance(card, ExperimentCard):
            card.done(ui("card.run", self.lang))
        self.relabel()
