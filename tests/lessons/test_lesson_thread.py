"""The lesson never loses the thread. For every kind of block a built-in lesson can leave open (a quiz, a
numeric question, a prediction, an experiment or a search to launch, what-if questions on offer), in both
languages, each kind of digression (an idea asked about, help, a hint, nonsense, "where am I?", the class
exercise, the question asked for again, an undo, leaving, a what-if of one's own, another lesson opened and left, a
restart) is answered and then followed by what was open, as it was: the same block, its question and choices in
the reply, the wrong tries and hints kept, nothing graded by accident; and the student's next answer goes to it."""

from collections.abc import Callable

import pytest

from tutor.classroom.exercise import Exercise, set_exercise
from tutor.dialogue.intent import Intent
from tutor.dialogue.tutor import Tutor
from tutor.fmt import pct
from tutor.i18n import Lang, t
from tutor.lessons import Course, Experiment, Predict, Quiz, Sweep, WhatIf
from tutor.lessons.flow import Answer, StepFlow
from tutor.lessons.render import sweep_words
from tutor.report import describe
from tutor.store import Store

KINDS = ("quiz", "number", "predict", "experiment", "sweep", "whatif")
SAID = {  # digressions asked in words, by kind
    "concept": {"es": "¿qué es el batch size?", "en": "what is the batch size?"},
    "help": {"es": "ayuda", "en": "help"},
    "hint": {"es": "dame una pista", "en": "give me a hint"},
    "nonsense": {"es": "asdf qwerty zxcv", "en": "asdf qwerty zxcv"},
    "where": {"es": "¿dónde estoy?", "en": "where am I?"},
    "exercise": {"es": "¿cuál es el ejercicio?", "en": "what's the exercise?"},
    "question": {"es": "volvamos a la pregunta", "en": "back to the question"},
    "undo": {"es": "deshaz el último cambio", "en": "undo"},
    "quit": {"es": "salir", "en": "quit"},
}
WHAT_IF = {"es": "¿y si el lr fuera 10?", "en": "what if the lr were 10?"}
# numbers that belong to a setting, not to the question open: never graded as its answer
NUMBERED = {"es": ["¿y si el lr fuera 10?", "batch 1", "3 épocas", "¿y con 1?", "pon 2 capas"],
            "en": ["what if the lr were 10?", "batch 1", "3 epochs", "and with 1?", "use 2 layers"]}
LESSON = {"es": "lección {n}", "en": "lesson {n}"}


def kind(block: object) -> str:
    if isinstance(block, Quiz):
        return "quiz" if block.choices else "number"
    return {Predict: "predict", Experiment: "experiment", Sweep: "sweep", WhatIf: "whatif"}[type(block)]


def advance(flow: StepFlow) -> bool:
    """Settle the gate as the student's turn would (a prediction's run made, an experiment trained), and show
    what follows; False when the step has nothing more."""
    gate = flow.gate
    if isinstance(gate, Predict):
        flow.settle(ran=gate.experiment.config, answer=Answer(chosen=0))
    elif isinstance(gate, Experiment):
        flow.settle(ran=gate.config)
    elif gate is not None:
        flow.settle(answer=Answer(chosen=0) if isinstance(gate, Quiz) else None)
    return bool(flow.reveal()) or gate is not None


def openings(course: Course, lang: Lang) -> dict[str, tuple[str, int, int]]:
    """The first place (lesson, step, items shown) where each kind of block is open, walking the course."""
    found: dict[str, tuple[str, int, int]] = {}
    for lesson in course.in_lang(lang):
        for n in range(len(lesson.steps)):
            flow = StepFlow(lesson, n)
            flow.reveal()
            while flow.open is not None:
                found.setdefault(kind(flow.open), (lesson.id, n, flow.shown))
                if not advance(flow):
                    break
    return found


def test_the_course_leaves_every_kind_of_block_open_somewhere(course):
    for lang in ("es", "en"):
        assert set(openings(course, lang)) == set(KINDS), lang


def words(block: object, lang: Lang) -> list[str]:
    """What of a block the student must see again: its question and choices, its run, its search."""
    if isinstance(block, (Quiz, Predict)):
        return [block.question, *(c.text for c in block.choices)]
    if isinstance(block, WhatIf):
        return list(block.questions)
    if isinstance(block, Experiment):
        return [describe(block.config, lang)]
    return [sweep_words(block, lang)[0]]


def shows(text: str, block: object, lang: Lang) -> bool:
    flat = "".join(text.split())  # however the reply wraps its lines
    return all("".join(w.split()) in flat for w in words(block, lang))


def thread(tutor: Tutor) -> tuple:
    """Everything the student's place is: the lesson, the step, what is shown and open, tries, hints, answers."""
    flow = tutor.flow
    return tutor.lesson_id, tutor.step, flow.shown, flow.open, flow.tries, flow.hints, flow.answers, flow.ran


@pytest.fixture
def opened(store: Store, course: Course) -> Callable[[Lang, str], Tutor]:
    """A student in the middle of a lesson, the block of `kind` open: a wrong try and a hint already spent on a
    question that allows them (a prediction's answer trains)."""
    def open_at(lang: Lang, which: str) -> Tutor:
        lesson_id, step, shown = openings(course, lang)[which]
        tutor = Tutor(store, "ana", lang, course=course)
        tutor.lesson_id, tutor.step = lesson_id, step
        tutor.open_step(Intent(kind="goto", lang=lang))
        flow = tutor.flow
        while (flow.shown, flow.open and kind(flow.open)) != (shown, which):
            assert advance(flow)
        tutor.config = tutor.config.changed(samples=200, epochs=3)  # a what-if of one's own trains small
        block = flow.open
        if which == "quiz":
            wrong = next(i for i, c in enumerate(block.choices) if not c.correct)
            assert tutor.handle(str(wrong + 1)).shown.correct is False
        elif which == "number":
            assert tutor.handle(f"{block.answer * 2 + 1:g}").shown.correct is False
        if which in ("quiz", "number", "predict"):
            tutor.handle(SAID["hint"][lang])
        tutor.save()
        return tutor

    return open_at


def assert_back(reply, block: object, lang: Lang) -> None:
    """The reply ends with the block open, as a screen brings it back and as `tutor ask` prints it."""
    assert reply.shown is not None and reply.shown.block == block and reply.shown.recalled, reply.text
    assert shows(reply.text, block, lang), reply.text


def assert_goes_on(tutor: Tutor, block: object, lang: Lang) -> None:
    """The student's next answer (or Enter) goes to the block open: a question graded, its run planned."""
    if isinstance(block, Quiz):
        right = next(i for i, c in enumerate(block.choices) if c.correct) + 1 if block.choices else block.answer
        reply = tutor.handle(f"{right:g}")
        assert reply.shown.settled and reply.shown.block == block and tutor.flow.open != block
    elif isinstance(block, Predict):
        assert tutor.plan(Intent(kind="answer", answer=1, lang=lang)) == block.experiment.config
    elif isinstance(block, Experiment):
        assert tutor.plan(Intent(kind="next", lang=lang)) == block.config
    elif isinstance(block, Sweep):
        assert tutor.search(Intent(kind="next", lang=lang)) == "sweep"
    else:
        picked = tutor.picked(Intent(kind="answer", answer=1, lang=lang))
        assert picked.kind == "what_if" and tutor.plan(picked) is not None


@pytest.mark.parametrize("digression", list(SAID))
@pytest.mark.parametrize("which", KINDS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_after_a_digression_the_block_open_is_back(opened, store, lang, which, digression):
    tutor = opened(lang, which)
    if digression == "exercise":
        set_exercise(store, Exercise(title="tiny", threshold=0.8, locked={"dataset": "moons"}))
    before, block, events = thread(tutor), tutor.flow.open, len(store.progress("ana"))
    reply = tutor.handle(SAID[digression][lang])
    assert_back(reply, block, lang)
    hinted = digression == "hint" and which in ("quiz", "number", "predict")
    if digression not in ("hint", "where", "question"):
        assert t(f"thread.back.{'question' if which in ('quiz', 'number', 'predict') else which}", lang) in reply.text
    after = thread(tutor)
    assert after[:5] == before[:5] and after[6:] == before[6:] and after[5] == before[5] + hinted
    assert len(store.progress("ana")) == events  # nothing graded, nothing done
    again = Tutor(store, "ana", lang, course=tutor.course)  # and it is all stored
    assert thread(again)[2:] == after[2:]
    assert_goes_on(tutor, block, lang)


@pytest.mark.parametrize("which", ["quiz", "number", "predict"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_number_that_belongs_to_a_setting_never_answers_the_question(opened, store, lang, which):
    tutor = opened(lang, which)
    before, events = thread(tutor), len(store.progress("ana"))
    for text in NUMBERED[lang]:
        reply = tutor.handle(text, run=False)  # planned only: what the message would do, nothing trained
        assert reply.intent.kind != "answer" and reply.shown.block == before[3], text
        assert thread(tutor) == before and len(store.progress("ana")) == events, text


@pytest.mark.parametrize("which", ["quiz", "number"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_hints_rule_out_one_thing_more_each_time_and_never_give_the_answer_away(opened, lang, which):
    tutor = opened(lang, which)
    block = tutor.flow.open
    said = [tutor.handle(SAID["hint"][lang]).shown.said for _ in range(len(block.choices) + 1)]
    assert tutor.flow.hints == len(said) + 1 and tutor.flow.open == block
    if which == "number":  # the wrong try was above the answer: said, never the answer itself
        assert said[0] == t("thread.hint.high", lang, value=tutor.flow.tries[-1])
        assert all(f"{block.answer:g}" not in s for s in said)
        return
    right = next(c for c in block.choices if c.correct)
    untried = [c for i, c in enumerate(block.choices) if not c.correct and str(i) not in tutor.flow.tries]
    assert all(right.text not in s and not all(c.text in s for c in untried) for s in said)
    assert said[-1] == t("thread.hint.narrow", lang)  # the right one and a wrong one left, never fewer


@pytest.mark.parametrize("which", KINDS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_another_lesson_opened_and_left_resumes_where_the_student_was(opened, store, lang, which):
    tutor = opened(lang, which)
    before, block = thread(tutor), tutor.flow.open
    ids = [lesson.id for lesson in tutor.course.in_lang(lang)]
    here, other = ids.index(tutor.lesson_id) + 1, 1 if ids.index(tutor.lesson_id) else 2
    elsewhere = tutor.handle(LESSON[lang].format(n=other))
    assert tutor.lesson_id == ids[other - 1] and elsewhere.shown.heading
    tutor.handle(SAID["concept"][lang])  # a digression there too: this lesson's own thread
    back = tutor.handle(LESSON[lang].format(n=here))
    assert back.shown.resumed and block in back.shown.items and shows(back.text, block, lang)
    assert thread(tutor) == before
    assert_goes_on(tutor, block, lang)


@pytest.mark.parametrize("which", KINDS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_restart_finds_the_block_open_as_it_was(opened, store, lang, which):
    """The app quit (same day or the next): a new conversation on the same store, as the app or `tutor ask`
    would make it, opens where the student was."""
    tutor = opened(lang, which)
    before, block = thread(tutor), tutor.flow.open
    app = Tutor(Store(store.path), "ana", lang)  # the course loaded afresh, as a new process does
    started = app.start()
    assert started.shown.resumed and block in started.shown.items and shows(started.text, block, lang)
    assert thread(app) == before
    asked = Tutor(Store(store.path), "ana", lang)  # `tutor ask`: no screen, the next message
    assert_back(asked.handle(SAID["where"][lang]), block, lang)
    assert thread(asked) == before
    assert_goes_on(asked, block, lang)


@pytest.mark.parametrize("which", KINDS)
def test_switching_language_keeps_the_block_open_with_its_tries_and_hints(opened, which):
    """F4 in the app: the same place in the other language's lesson, the wrong tries and hints kept."""
    tutor = opened("es", which)
    before = thread(tutor)
    tutor.fixed_lang = tutor.lang = "en"
    reply = tutor.start()
    after = thread(tutor)
    assert after[:3] == before[:3] and after[4:] == before[4:] and kind(after[3]) == which
    assert reply.shown.resumed and shows(reply.text, after[3], "en")
    assert_goes_on(tutor, after[3], "en")


@pytest.mark.slow  # trains a what-if of the student's own (small data), and the fixes it proposes
@pytest.mark.parametrize("which", KINDS)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_what_if_of_one_s_own_is_trained_and_the_block_open_is_back(opened, store, lang, which):
    tutor = opened(lang, which)
    before, block, events = thread(tutor), tutor.flow.open, len(store.progress("ana"))
    reply = tutor.handle(WHAT_IF[lang])
    assert reply.run is not None and reply.run.config.lr == 10 and reply.run_id is not None
    assert_back(reply, block, lang)
    assert thread(tutor) == before and len(store.progress("ana")) == events
    assert_goes_on(tutor, block, lang)


@pytest.mark.slow  # trains the lesson's experiment until cancelled, then small runs for the exercise
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_run_quit_midway_leaves_the_experiment_open_and_the_exercise_counts_the_next_run(opened, store, lang):
    tutor = opened(lang, "experiment")
    block = tutor.flow.open
    set_exercise(store, Exercise(title="tiny", threshold=0.6, locked={"samples": 200}))
    quit_ = tutor.handle({"es": "siguiente", "en": "next"}[lang], should_stop=lambda: True)
    assert quit_.run is not None and quit_.run.status == "cancelled" and tutor.flow.open == block
    back = Tutor(Store(store.path), "ana", lang)  # the next day
    assert back.start().shown.resumed and back.flow.open == block
    for text in (SAID["concept"][lang], SAID["nonsense"][lang]):
        assert_back(back.handle(text), block, lang)
    ran = back.handle({"es": "pon lr 0,05 y 20 épocas", "en": "set lr 0.05 and 20 epochs"}[lang])
    assert ran.run.status == "completed" and ran.run.config.n_samples == 200 and back.flow.open == block
    acc = ran.run.history[-1].val_acc  # the run is checked against the exercise as it ends
    assert t("thread.exercise.met", lang, place=1, of=1, metric=t("run.col.val_acc", lang), value=pct(acc), op="≥",
             target="60%") in ran.text
    placed = back.handle(SAID["exercise"][lang])
    assert f"#{ran.run_id})" in placed.text  # on the leaderboard, by that run
    assert_back(placed, block, lang)
