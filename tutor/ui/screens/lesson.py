"""The lesson side of the main screen: it draws what the tutor's replies show of the lesson.

`Tutor` owns the student's progress (the step, the question open, grading, moving on); this mixin
sends it Enter and the number keys as intents, and renders each reply: the tutor's words, the card
of the block they deal with, and the step's items that follow, with the open question in view.
"""

from collections.abc import Callable

from rich.text import Text
from textual.widget import Widget

from tutor.dialogue.intent import Intent
from tutor.dialogue.tutor import Reply, Tutor, choice_index
from tutor.i18n import Lang
from tutor.lessons import Experiment, Predict, Quiz, Sweep
from tutor.lessons.flow import Shown, StepFlow
from tutor.lessons.model import Item
from tutor.ui.jobs import Job
from tutor.ui.text import plain_links, ui
from tutor.ui.widgets.cards import turn_for
from tutor.ui.widgets.conversation import ChoiceCard, Conversation, ExperimentCard, LessonText, Said, StepHeading


class LessonSteps:
    """Mixed into the main screen, which provides the conversation, the run queue and the labels."""

    tutor: Tutor
    cards: dict[int, Widget]  # the widget of each block shown, by id(block)
    busy: Job | None
    lang: Lang
    talk: Conversation
    say: Callable[..., None]
    relabel: Callable[[], None]
    submit: Callable[[Job], None]
    notify: Callable[..., None]
    has_class: Callable[[str], bool]

    @property
    def flow(self) -> StepFlow | None:
        return self.tutor.flow

    def choosing(self) -> int:
        """How many options the number keys choose from now: none while the run panel hides them."""
        flow = self.flow
        return flow.options() if flow is not None and not self.panel_in_front() else 0

    def menu_side(self) -> int | None:
        """Where the card the number keys choose from is: 0 whole on screen, -1 (partly) above the view,
        1 below it; None without such a card (or behind the run panel)."""
        flow = self.flow
        card = self.cards.get(id(flow.menu)) if flow is not None and flow.menu is not None else None
        if card is None or self.panel_in_front() or not card.virtual_region:
            return None
        talk, box = self.talk, card.virtual_region  # scroll offsets change at once; screen regions on layout
        if box.y < talk.scroll_y:
            return -1
        return 1 if box.bottom > talk.scroll_y + talk.scrollable_content_region.height else 0

    def menu_in_view(self) -> bool:
        """The card the number keys choose from is whole on screen."""
        return self.menu_side() == 0

    def panel_in_front(self) -> bool:
        """The run panel hides the conversation (a narrow terminal showing the run)."""
        return self.has_class("-narrow") and self.has_class("-show-run")

    def placeholder(self) -> str:
        """What Enter or a number does now."""
        flow, lang = self.flow, self.lang
        if self.busy:
            return ui("hint.busy", lang)
        if flow is None:
            return ui("hint.free", lang)
        if flow.menu is not None and self.panel_in_front():
            return ui("hint.panel", lang)
        if flow.menu is not None and not self.menu_in_view():
            return ui("hint.scrolled_down" if self.menu_side() == 1 else "hint.scrolled", lang)
        if isinstance(flow.gate, Experiment):
            return ui("hint.run", lang)
        if isinstance(flow.gate, Sweep):
            return ui("hint.search", lang)
        if isinstance(flow.gate, Quiz) and not flow.gate.choices:
            return ui("hint.number", lang)
        if isinstance(flow.gate, (Quiz, Predict)):
            return ui("hint.answer", lang, n=flow.options())
        if flow.options():
            return ui("hint.choose", lang, n=flow.options())
        after = "hint.next" if not flow.finished else "hint.next_step" if not flow.last_step else "hint.next_lesson"
        return ui(after, lang)

    def show_step(self, *preface: Widget) -> None:
        """Open the tutor's current step from its top, after `preface` turns (a greeting)."""
        self.talk.add(*preface)
        self.show_reply(self.tutor.start())

    def open_lesson(self, lesson_id: str) -> None:
        if self.busy:
            self.notify(ui("hint.busy", self.lang))
            return
        self.show_reply(self.tutor.open_lesson(lesson_id))

    def action_continue(self) -> None:
        """Enter on an empty line: the tutor trains the step's experiment or goes on."""
        if self.busy:
            self.notify(ui("hint.busy", self.lang))
            return
        self.lesson_turn(Intent(kind="next", lang=self.lang))

    def lesson_turn(self, intent: Intent) -> None:
        """Send a key's intent to the tutor; a run it starts marks its card as on its way."""
        flow = self.flow
        gate = flow.gate if flow else None
        card = self.cards.get(id(gate))
        if gate is not None and (self.tutor.plan(intent) is not None or self.tutor.search(intent) is not None):
            if isinstance(card, ExperimentCard) and intent.kind == "next":
                card.done(ui("card.running", self.lang))
            elif isinstance(card, ChoiceCard) and isinstance(gate, Predict) and intent.kind == "answer":
                card.mark(choice_index(intent.answer, len(gate.choices)), hint=ui("card.bet", self.lang))
        self.submit(Job(call=lambda on_epoch, stop: self.tutor.turn(intent, on_epoch, stop),
                        plan=lambda: self.tutor.plan(intent)))

    def show_reply(self, reply: Reply, into: Said | None = None) -> None:
        """Show a reply: its words (`into`: completing a turn already shown), its mark on the card it answers,
        then the lesson's next items."""
        shown = reply.shown
        said = reply.text if shown is None else shown.said
        if into is not None:
            into.update(Text(said))
        elif said:
            self.say(said, "tutor" if shown is None or shown.correct is None else
                     "verdict" if shown.correct else "wrong")
        if shown is not None:
            if not shown.recalled:
                self.mark(shown)
            self.reveal(shown)
            if shown.recalled:
                self.bring_back(shown.block)
            self.keep_question_in_view()
        self.relabel()
        self.talk.call_after_refresh(self.relabel)  # once scrolled: are the choices in view?

    def mark(self, shown: Shown) -> None:
        """The card of the block the reply deals with: answered, tried, trained, or open again."""
        card, lang = self.cards.get(id(shown.block)), self.lang
        if isinstance(card, ChoiceCard):
            if shown.settled:
                card.mark(shown.chosen, set(shown.right), ui("card.answered", lang))
            elif shown.chosen is not None:
                card.mark(shown.chosen, hint=ui("card.try_again", lang))
            else:  # a wrong number, or a cancelled run leaving the bet open
                card.mark(None, hint=ui("card.choose", lang, n=len(card.options)) if card.options else
                          ui("card.number", lang))
        elif isinstance(card, ExperimentCard):
            search = isinstance(shown.block, Sweep)
            done, launch = ("card.searched", "card.search") if search else ("card.ran", "card.run")
            card.done(ui(done if shown.settled else launch, lang))

    def reveal(self, shown: Shown) -> None:
        """The step's new items, the first at the top of the view (a step is read downwards); a step
        resumed shows its answers and ends where the student was."""
        flow, turns = self.flow, []
        if shown.intro:
            turns.append(LessonText(plain_links(shown.intro)))
        if shown.heading and flow is not None:
            turns.append(StepHeading(ui("step", self.lang, n=flow.index + 1, of=len(flow.lesson.steps),
                                        title=flow.step.title)))
        for place, item in enumerate(shown.items):
            ran = flow is not None and (isinstance(item, Experiment) and item.config in flow.ran
                                        or isinstance(item, Sweep) and item is not flow.gate)  # a search made
            turn = self.cards[id(item)] = turn_for(item, self.lang, ran)
            answer = shown.answered.get(place)
            if answer is not None and isinstance(turn, ChoiceCard):
                turn.mark(answer.chosen, set(answer.right), ui("card.answered", self.lang))
            elif shown.resumed and isinstance(turn, ChoiceCard) and flow is not None and item is flow.gate:
                self.mark_tried(turn, flow)
            turns.append(turn)
        if shown.resumed:
            self.talk.follow()  # the student's place: the end of what they had seen
        if turns:
            self.talk.add(*turns, top=not shown.resumed)

    def bring_back(self, block: Item | None) -> None:
        """After a digression, the card the lesson is in the middle of comes below it, as it was (its marks
        kept): the student reads the reply, then finds the question, or the experiment, where they are."""
        if block is None:
            return
        card = self.cards.get(id(block))
        if card is None or card.parent is not self.talk:  # its turn dropped from a long talk: drawn again
            flow = self.flow
            ran = isinstance(block, Experiment) and flow is not None and block.config in flow.ran
            card = self.cards[id(block)] = turn_for(block, self.lang, ran)
            self.talk.add(card)
        elif card is not self.talk.children[-1]:
            self.talk.move_child(card, after=self.talk.children[-1])

    def mark_tried(self, card: ChoiceCard, flow: StepFlow) -> None:
        """The open question's card resumed: its last wrong try marked, as the student left it."""
        if flow.tries and flow.tries[-1].isdigit() and int(flow.tries[-1]) < len(card.options):
            card.mark(int(flow.tries[-1]), hint=ui("card.try_again", self.lang))

    def keep_question_in_view(self) -> None:
        """The card the number keys choose from stays on screen whole (the text above may scroll off)."""
        flow = self.flow
        card = self.cards.get(id(flow.menu)) if flow and flow.menu is not None else None
        if card is not None:
            self.talk.keep(card)

    def reopen(self) -> None:
        """A run of the step's gate failed: offer the gate again."""
        flow = self.flow
        if flow is not None and flow.gate is not None:
            self.mark(Shown(block=flow.gate))
        self.relabel()

