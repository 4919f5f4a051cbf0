"""A student's walk through the course, scripted through the real Tutor: digressions, wrong answers, going
back; the lesson never loses its place."""

import pytest

from tutor.dialogue.intent import Intent
from tutor.dialogue.tutor import Tutor
from tutor.i18n import t
from tutor.lessons import Quiz, Sweep, WhatIf
from tutor.lessons.flow import Answer
from tutor.settings import Settings
from tutor.store import Store

OPEN = {"es": "enséñame lo básico del entrenamiento", "en": "teach me the basics of training"}
CONCEPT = {"es": "¿qué es el batch?", "en": "what is the batch size?"}
ON = {"es": "sigamos", "en": "continue"}


@pytest.fixture
def tutor(isolated_home):
    return Tutor(Store(Settings.from_env().store), "ana")


def right_choice(quiz: Quiz) -> int:
    return next(i for i, c in enumerate(quiz.choices) if c.correct)


def digress(tutor: Tutor, lang: str, kind: str) -> None:
    """A question in the middle of the lesson: an idea explained, or a what-if trained on small data."""
    gate = tutor.flow.gate
    if kind == "concept":
        reply = tutor.handle(CONCEPT[lang])
    else:
        tutor.config = tutor.config.changed(samples=200, epochs=3)
        reply = tutor.handle({"es": "y si pongo lr 5?", "en": "what if the lr were 5?"}[lang])
        assert reply.run is not None
    assert reply.shown.recalled and reply.shown.block is gate  # the reply ends with the open question again


@pytest.mark.parametrize("kind", ["concept", pytest.param("what_if", marks=pytest.mark.slow)])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_coming_back_after_a_digression_shows_the_open_question_again(tutor, lang, kind):
    tutor.handle(OPEN[lang])
    quiz, place = tutor.flow.gate, (tutor.lesson_id, tutor.step, tutor.flow.shown)
    assert isinstance(quiz, Quiz) and quiz.choices
    digress(tutor, lang, kind)
    back = tutor.handle(ON[lang])
    assert back.text.startswith(t("dialogue.more.pick_letter", lang, last="abcdef"[len(quiz.choices) - 1]))
    assert quiz.question.split()[0] in back.text and all(c.text in back.text for c in quiz.choices)
    assert back.shown.block is quiz and not back.shown.items  # a screen marks the card it keeps in view
    assert (tutor.lesson_id, tutor.step, tutor.flow.shown) == place and tutor.flow.gate is quiz
    assert tutor.handle(str(right_choice(quiz) + 1)).shown.settled  # the answer goes to that question


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_wrong_number_is_not_told_the_answer(tutor, lang):
    tutor.handle(OPEN[lang])
    tutor.handle(str(right_choice(tutor.flow.gate) + 1))
    number = tutor.flow.gate
    assert isinstance(number, Quiz) and number.answer == 354
    wrong = tutor.handle("300")
    assert wrong.shown.correct is False and "354" not in wrong.text and tutor.flow.gate is number
    assert wrong.text == f"{t('dialogue.more.wrong', lang)} {t('dialogue.more.try_again', lang)}"
    again = tutor.handle(ON[lang])  # the question again, not its answer
    assert again.text.startswith(t("dialogue.more.want_number", lang)) and "354" not in again.text
    assert number.question.split()[0] in again.text
    right = tutor.handle("354")
    assert right.shown.settled and number.feedback.split()[0] in right.text


@pytest.mark.parametrize("lang", ["es", "en"])
def test_back_from_a_lesson_s_first_step_opens_the_lesson_before(tutor, lang):
    course = tutor.course.in_lang(lang)
    tutor.lang = lang
    tutor.open_lesson(course[1].id)
    reply = tutor.handle({"es": "atrás", "en": "go back"}[lang])
    assert reply.intent.kind == "back"
    assert (tutor.lesson_id, tutor.step) == (course[0].id, len(course[0].steps) - 1)
    assert reply.shown.heading and course[0].steps[-1].title in reply.text
    tutor.handle({"es": "atrás", "en": "go back"}[lang])
    assert (tutor.lesson_id, tutor.step) == (course[0].id, len(course[0].steps) - 2)
    while tutor.step:
        tutor.handle({"es": "atrás", "en": "go back"}[lang])
    tutor.handle({"es": "atrás", "en": "go back"}[lang])  # the course's first step: nowhere further back
    assert (tutor.lesson_id, tutor.step) == (course[0].id, 0)


@pytest.mark.parametrize(("lang", "vague", "named"), [
    ("es", "abre otra lección", "ve a la lección de épocas"), ("en", "open a lesson", "go to the lesson on epochs")])
def test_a_goto_that_names_no_lesson_keeps_the_student_s_place(tutor, lang, vague, named):
    first = tutor.handle(vague)  # a new student: the course opens at its first lesson
    course = tutor.course.in_lang(lang)
    assert (tutor.lesson_id, tutor.step) == (course[0].id, 0) and first.shown.heading
    tutor.handle(str(right_choice(tutor.flow.gate) + 1))
    place = (tutor.lesson_id, tutor.step, tutor.flow.shown)
    listed = tutor.handle(vague)
    assert (tutor.lesson_id, tutor.step, tutor.flow.shown) == place and listed.shown.recalled
    assert all(lesson.title in listed.text for lesson in course)
    assert tutor.handle(named).shown.heading and "epochs" in tutor.lesson().topics


@pytest.mark.parametrize(("lang", "third", "ninth"), [
    ("es", "ve a la lección 3", "lección 9"), ("en", "go to lesson 3", "lesson 9")])
def test_a_lesson_by_its_number_as_the_course_lists_it(tutor, lang, third, ninth):
    tutor.lang = lang
    course = tutor.course.in_lang(lang)
    opened = tutor.handle(third)
    assert (tutor.lesson_id, tutor.step) == (course[2].id, 0) and opened.shown.heading
    place = (tutor.lesson_id, tutor.step, tutor.flow.shown)
    refused = tutor.handle(ninth)  # past the course's end: its range, and the student stays where they were
    assert refused.text.startswith(t("dialogue.more.no_such_lesson", lang, n=9, of=len(course),
                                     lessons=", ".join(f"{n}. {x.title}" for n, x in enumerate(course, 1))))
    assert refused.shown.recalled and (tutor.lesson_id, tutor.step, tutor.flow.shown) == place
    assert f"1 {'a la' if lang == 'es' else 'to'} {len(course)}" in refused.text


@pytest.mark.parametrize(("lang", "where"), [("es", "¿dónde estaba?"), ("es", "¿en qué lección voy?"),
                                             ("en", "where was I?")])
def test_where_was_i_shows_the_lesson_the_step_and_the_open_question(tutor, lang, where):
    tutor.handle(OPEN[lang])
    quiz, place = tutor.flow.gate, (tutor.lesson_id, tutor.step, tutor.flow.shown)
    digress(tutor, lang, "concept")
    lesson, step = tutor.lesson(), tutor.flow.step
    reply = tutor.handle(where)
    assert reply.intent.kind == "where" and reply.text.startswith(t(
        "dialogue.more.where", lang, number=1, lessons=len(tutor.course.in_lang(lang)), lesson=lesson.title, n=1,
        of=len(lesson.steps), title=step.title))
    assert quiz.question.split()[0] in reply.text and all(c.text in reply.text for c in quiz.choices)
    assert reply.shown.block is quiz and not reply.shown.items  # a screen keeps the question's card in view
    assert (tutor.lesson_id, tutor.step, tutor.flow.shown) == place and tutor.flow.gate is quiz
    tutor.flow.settle(answer=Answer(chosen=0))  # nothing open: what moves on
    assert t("dialogue.more.no_question", lang) in tutor.handle(where).text


@pytest.mark.parametrize(("lang", "skip", "next_lesson"), [
    ("es", "sáltate esto", "siguiente lección"), ("en", "skip", "next lesson")])
def test_skip_and_next_lesson_move_past_an_open_question(tutor, lang, skip, next_lesson):
    course = tutor.course.in_lang(lang)
    tutor.handle(OPEN[lang])
    assert isinstance(tutor.flow.question, Quiz)
    skipped = tutor.handle(skip)  # the step's question is left unanswered: the next step opens
    assert (tutor.lesson_id, tutor.step) == (course[0].id, 1) and skipped.shown.heading and skipped.run is None
    assert tutor.flow.question is not None and tutor.plan(skipped.intent) is None  # a skip never trains
    assert tutor.handle(skip).shown.heading  # from the lesson's last step: the next lesson
    assert (tutor.lesson_id, tutor.step) == (course[1].id, 0)
    assert tutor.flow.gate is not None
    moved = tutor.handle(next_lesson)
    assert (tutor.lesson_id, tutor.step) == (course[2].id, 0) and moved.shown.heading and moved.run is None
    assert not Store(Settings.from_env().store).progress("ana")  # nothing skipped is recorded as done or answered


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_lesson_what_if_picked_after_a_digression_varies_the_step_s_experiment(tutor, lang):
    """Lesson 2, after its 1e-6 run: the student tries lr 5, then picks "multiply the learning rate by 1000":
    it asks about the lesson's run (0.001), not about the digression (5000, refused)."""
    tutor.lang = tutor.fixed_lang = lang
    tutor.open_lesson(tutor.course.in_lang(lang)[1].id)
    flow = tutor.flow
    experiment = flow.gate.experiment
    flow.settle(answer=Answer(chosen=1, right=[1]))  # the bet and its run, as a trained reply leaves them
    flow.reveal()
    flow.settle(ran=experiment.config)
    flow.reveal()
    assert isinstance(flow.menu, WhatIf) and flow.varied() == experiment.config
    tutor.config = experiment.config.changed(lr=5.0)  # the digression's run
    picked = Intent(kind="answer", answer="1", lang=lang)
    assert tutor.plan(picked) == experiment.config.changed(lr=experiment.config.lr * 1000)
    reply = tutor.turn(picked, run=False)
    assert reply.intent.kind == "what_if" and "0.001" in reply.text and "5000" not in reply.text


@pytest.mark.slow  # trains the lesson's four-point grid
@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_lesson_search_is_launched_from_the_conversation(tutor, lang):
    """The tuning lesson's grid is a step to launch, like an experiment: no terminal, no flags to read."""
    tutor.lang = tutor.fixed_lang = lang
    lesson = tutor.course.in_lang(lang)[-1]
    tutor.lesson_id, tutor.step = lesson.id, next(i for i, s in enumerate(lesson.steps)
                                                  if any(isinstance(b, Sweep) and b.method == "grid" for b in s.blocks))
    quiz = tutor.open_step(Intent(kind="goto", lang=lang)) and tutor.flow.gate
    shown = tutor.handle(f"{quiz.answer:g}")
    grid = tutor.flow.gate
    assert isinstance(grid, Sweep) and grid in shown.shown.items and "--" not in shown.text
    searched = tutor.handle(ON[lang])
    assert searched.intent.kind == "next" and searched.shown.settled and tutor.flow.gate is not grid
    assert searched.text.startswith(f"{t('tune.name.grid', lang)}: {grid.n_trials} ")  # the search's summary
    assert len(Store(Settings.from_env().store).runs("ana")) == grid.n_trials


def test_no_run_names_the_step_s_search_without_running_it(tutor):
    lesson = tutor.course.in_lang("en")[-1]
    tutor.lang = tutor.fixed_lang = "en"
    tutor.lesson_id, tutor.step = lesson.id, 1
    tutor.open_step(Intent(kind="goto", lang="en"))
    tutor.handle(f"{tutor.flow.gate.answer:g}")
    assert isinstance(tutor.flow.gate, Sweep)
    reply = tutor.handle("next", run=False)
    assert reply.text == t("dialogue.would.sweep", "en") and isinstance(tutor.flow.gate, Sweep)
    assert Store(Settings.from_env().store).runs("ana") == []


@pytest.mark.parametrize(("lang", "step", "far", "previous"), [
    ("es", "ve al paso 2", "paso 30", "lección anterior"), ("en", "go to step 2", "step 30", "previous lesson")])
def test_a_step_by_its_number_and_the_lesson_before(tutor, lang, step, far, previous):
    """ "paso 2" opens that step of the lesson the student is in (past its end: the range, and the student stays);
    "lección anterior" opens the lesson before at its first step, not the step before."""
    tutor.lang = lang
    course = tutor.course.in_lang(lang)
    tutor.open_lesson(course[1].id)
    opened = tutor.handle(step)
    assert (tutor.lesson_id, tutor.step) == (course[1].id, 1) and course[1].steps[1].title in opened.shown.heading
    refused = tutor.handle(far)
    # refused, and the thread kept: the reply goes on with the step's open item
    assert refused.text.startswith(t("dialogue.more.no_such_step", lang, n=30, lesson=course[1].title,
                                     of=len(course[1].steps))) and (tutor.lesson_id, tutor.step) == (course[1].id, 1)
    back = tutor.handle(previous)
    assert back.intent.kind == "back" and (tutor.lesson_id, tutor.step) == (course[0].id, 0) and back.shown.heading
    first = tutor.handle(previous)  # the course's first lesson: nowhere further back
    assert first.text.startswith(t("dialogue.more.first_lesson", lang))
    assert (tutor.lesson_id, tutor.step) == (course[0].id, 0)


@pytest.mark.parametrize(("lang", "how"), [("es", "¿cómo voy?"), ("en", "how am I doing?")])
def test_how_am_i_doing_says_where_the_student_is_and_how_far_they_got(tutor, lang, how):
    tutor.handle(OPEN[lang])
    total = sum(len(lesson.steps) for lesson in tutor.course.in_lang(lang))
    before = tutor.handle(how)
    assert before.intent.kind == "where" and t("dialogue.more.progress", lang, done=0, total=total) in before.text
    quiz = tutor.flow.gate
    wrong = next(i for i, c in enumerate(quiz.choices) if not c.correct)
    tutor.handle(str(wrong + 1))  # a wrong first try, then the right one: the first counts
    tutor.handle(str(right_choice(quiz) + 1))
    after = tutor.handle(how)
    assert t("dialogue.more.progress", lang, done=1, total=total) in after.text
    assert t("dialogue.more.first_tries", lang, right=0, answered=1) in after.text
