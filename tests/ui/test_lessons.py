"""Lesson steps in the app, as the tutor leads them: quizzes by number key or typed (a wrong answer
leaves the question open), a prediction graded by its run, what-if questions by number, Enter to go
on; the open question always in view; `tutor ask` records the same progress; F4 switches language."""

import pytest
from pilot_tools import say, screen_text, settle, showing

from tutor.cli import main
from tutor.dialogue.tutor import Tutor
from tutor.i18n import t
from tutor.lessons import Predict, Quiz, Sweep, load_lessons
from tutor.lessons.render import sweep_words
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.text import ui
from tutor.ui.widgets.conversation import ChoiceCard, ExperimentCard, Said
from tutor.ui.widgets.prompt import PromptInput


def answers(store, kind: str) -> list[tuple[int, str, int]]:
    return [(e["step"], e["answer"], e["correct"]) for e in store.progress("ana") if e["kind"] == kind]


def last_said(app) -> str:
    return " ".join(str(app.main.talk.query(Said).last().render()).split())


def choices_on_screen(app) -> None:
    """Whenever the prompt names the number keys, the card they choose from is whole on screen."""
    prompt = app.main.query_one(PromptInput)
    flow = app.tutor.flow
    if not prompt.options or "1–" not in prompt.placeholder:
        return
    card = app.main.cards[id(flow.menu)]
    talk = app.main.talk
    assert talk.region.contains_region(card.region), (prompt.placeholder, card.region, talk.region)
    shown = screen_text(app)
    for option in card.options:
        assert " ".join(option.split())[:30] in shown, (option, shown)


@pytest.mark.slow
async def test_a_lesson_from_first_step_to_the_end(make_app, store, sample_course):
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await showing(pilot, "Sample basics")
        assert await showing(pilot, "Answer with 1–2")

        await pilot.press("1")  # the wrong choice: the question stays open
        await settle(pilot)
        assert "Not quite" in last_said(app) and "You choose it" in last_said(app)
        assert await showing(pilot, "Answer with 1–2")
        await pilot.press("2")
        await settle(pilot)
        assert await showing(pilot, "How much is 2 + 2?")
        await say(pilot, "5")  # a wrong number, then the right one: both graded against the numeric quiz
        await say(pilot, "4")
        assert answers(store, "quiz") == [(0, "The learning rate", 0), (0, "A weight", 1), (0, "5", 0), (0, "4", 1)]
        assert await showing(pilot, "Enter ▶ next step")

        await pilot.press("enter")
        await settle(pilot)
        assert await showing(pilot, "Step 2 of 4 · A bet")
        await pilot.press("3")  # "it blows up": the run will show otherwise
        await settle(pilot)
        [(step, answer, correct)] = answers(store, "predict")
        assert (step, answer, correct) == (1, "It blows up", 0)
        assert await showing(pilot, "F2 ▶ back to the lesson")  # the run is in front: the keys wait
        await pilot.press("f2")
        shown = screen_text(app)
        assert "✓ Trained" in shown and "What if…?" in shown

        await pilot.press("1")  # the what-if question, asked by its number
        await settle(pilot)
        assert app.tutor.config.lr == 50 and store.runs("ana")[0].status == "diverged"

        await pilot.press("f2", "enter")
        await settle(pilot)
        assert await showing(pilot, "Step 3 of 4 · On your own")
        assert await showing(pilot, "Enter ▶ train")
        await pilot.press("enter")  # trains the step's experiment
        await settle(pilot)
        assert store.runs("ana")[0].result["config"]["epochs"] == 3

        await pilot.press("f2", "enter")
        await settle(pilot)
        assert await showing(pilot, "Step 4 of 4 · The end")
        await pilot.press("enter")
        await settle(pilot)
        assert await showing(pilot, "finished every lesson")
    assert [e["step"] for e in store.progress("ana") if e["kind"] == "done"] == [0, 1, 2, 3]


@pytest.mark.slow
async def test_a_prediction_can_be_typed_by_letter(make_app, store, sample_course):
    tutor = Tutor(store, "ana", "en", sample_course)
    tutor.lesson_id, tutor.step = "basics", 1
    tutor.save()
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await say(pilot, "b")  # a typed answer to the prediction, by letter
        [(_, answer, _)] = answers(store, "predict")
        assert answer == "It barely moves"
        assert app.tutor.flow.gate is None and len(store.runs("ana")) == 1


@pytest.mark.slow
async def test_progress_and_runs_resume_in_a_new_session(make_app, store, sample_course):
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await say(pilot, "4")
        await pilot.press("enter")
        await settle(pilot)
        await say(pilot, "what if the learning rate were 50?")
        await pilot.press("ctrl+q")
    again = make_app("en", sample_course)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(again)
        assert "Welcome back" in shown and "Step 2 of 4 · A bet" in shown
        assert again.main.panel.result is not None and again.main.panel.result.status == "diverged"
        suggested = again.main.suggestion["lr"]
        assert suggested < 50
        await pilot.press("ctrl+r")  # the stored diagnosis's suggestion is still one key away
        await settle(pilot)
        assert again.tutor.config.lr == suggested


async def test_f4_switches_the_language_of_everything(make_app, sample_course):
    app = make_app("es", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await showing(pilot, "f1 Ayuda") and "Lo básico de prueba" in screen_text(app)
        await pilot.press("f4")
        assert await showing(pilot, "f1 Help") and app.tutor.lang == "en"
        shown = screen_text(app)
        assert "Sample basics" in shown and "EN · ready" in shown
        await say(pilot, "help")  # a long reply: the view follows its end, so read the turn, not the screen
        assert "You can ask me" in last_said(app)
        await pilot.press("f4")
        assert app.tutor.lang == "es" and await showing(pilot, "f1 Ayuda")


async def test_the_language_chosen_with_f4_is_kept_for_the_next_session(make_app, sample_course):
    app = make_app("es", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await say(pilot, "¿por qué?")  # typing Spanish does not flip the app back
        assert app.tutor.lang == "en"
    again = make_app(None, sample_course)
    async with again.run_test(size=(80, 24)) as pilot:
        assert await showing(pilot, "f1 Help") and again.tutor.lang == "en"


async def test_coming_back_or_f4_finds_the_step_as_it_was_left(make_app, sample_course):
    """The answered question marked as answered, the open one in view with its keys: not the step's top."""

    def left_as_it_was(app, question: str) -> None:
        cards = list(app.main.talk.query(ChoiceCard))[-2:]  # after F4, those of the step shown again
        assert [(c.chosen, c.right) for c in cards] == [(1, {1}), (None, set())], [c.question for c in cards]
        assert cards[-1].question == question and question in screen_text(app)
        assert app.main.query_one(PromptInput).placeholder == ui("hint.number", app.lang)

    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        left_as_it_was(app, "How much is 2 + 2?")
        await pilot.press("f4")
        await settle(pilot)
        assert await showing(pilot, "¿Cuánto es 2 + 2?")
        left_as_it_was(app, "¿Cuánto es 2 + 2?")
    again = make_app(None, sample_course)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        left_as_it_was(again, "¿Cuánto es 2 + 2?")
        await say(pilot, "4")  # graded against the question that was open
        assert again.tutor.flow.finished and await showing(pilot, "Enter ▶ paso siguiente")


# -- the first built-in lesson, walked as a student would, in each language ----------------------

COURSE = load_lessons()
FIRST = {lang: COURSE.in_lang(lang)[0] for lang in ("es", "en")}


def block(lang: str, step: int, kind: type, n: int = 0):
    return [b for b in FIRST[lang].steps[step].blocks if isinstance(b, kind)][n]


def events(store: Store, student: str) -> list[tuple]:
    return [(e["lesson"], e["step"], e["kind"], e["answer"], e["correct"]) for e in store.progress(student)]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["es", "en"])
async def test_lesson_one_every_reply_concerns_the_block_it_answers(make_app, store, lang):
    choice, number = block(lang, 0, Quiz), block(lang, 0, Quiz, 1)
    predict = block(lang, 1, Predict)
    wrong = next(i for i, c in enumerate(choice.choices) if not c.correct)
    right = next(i for i, c in enumerate(choice.choices) if c.correct)
    app = make_app(lang, COURSE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        choices_on_screen(app)
        await pilot.press(str(wrong + 1))  # a choice, wrong: its own feedback, and the question stays open
        await settle(pilot)
        assert " ".join(choice.choices[wrong].feedback.split()) in last_said(app)
        assert app.tutor.flow.gate is choice
        choices_on_screen(app)
        await pilot.press(str(right + 1))  # right: the numeric question comes next
        await settle(pilot)
        assert " ".join(choice.choices[right].feedback.split()) in last_said(app)
        assert app.tutor.flow.gate is number and app.main.query_one(PromptInput).options == 0
        await say(pilot, "300")  # a number, wrong: still open, and not told the answer (its feedback works it out)
        assert " ".join(number.feedback.split())[:40] not in last_said(app) and "354" not in last_said(app)
        assert last_said(app).startswith(t("dialogue.more.wrong", lang))
        await say(pilot, "354")  # right, graded against the same question (it was the choice's before)
        assert last_said(app).startswith(t("dialogue.more.right", lang)) and app.tutor.flow.gate is None
        await pilot.press("enter")  # the step is over: Enter opens the next, with the prediction
        await settle(pilot)
        assert app.tutor.flow.gate is predict
        choices_on_screen(app)
        await pilot.press("1")  # the prediction trains the step's experiment and is graded by its run
        await settle(pilot)
        ran = store.runs("ana")
        assert len(ran) == 1 and ran[0].result["config"]["epochs"] == predict.experiment.config.epochs
        assert " ".join(predict.choices[0].feedback.split())[:40] in last_said(app)
        cards = [c for c in app.main.talk.query(ChoiceCard) if "predict" in " ".join(c.classes)]
        assert cards and cards[-1].chosen == 0 and cards[-1].right
        await pilot.press("f2")  # back to the lesson: the what-if card, whole on screen
        choices_on_screen(app)
        await pilot.press("2")  # a what-if question by its number: trains what it asks
        await settle(pilot)
        assert app.tutor.config.epochs == 2 and len(store.runs("ana")) == 2
        await pilot.press("f2", "enter")  # the lesson's last step is done: the next lesson opens
        await settle(pilot)
        assert app.tutor.lesson_id == COURSE.in_lang(lang)[1].id and app.tutor.step == 0
        choices_on_screen(app)
    app_events = events(store, "ana")

    walk = ["siguiente" if lang == "es" else "next", str(wrong + 1), str(right + 1), "300", "354",
            "siguiente" if lang == "es" else "next", "1", "2", "siguiente" if lang == "es" else "next"]
    for text in walk:
        assert main(["ask", "--lang", lang, "--", text]) == 0
    assert events(Store(Settings.from_env().store), "test") == app_events
    assert [kind for _, _, kind, _, _ in app_events] == ["quiz"] * 4 + ["done", "predict", "done"]


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["es", "en"])
async def test_number_keys_are_offered_only_with_the_choices_on_screen(make_app, lang):
    """Every step of every lesson opens with its question, if it has one, whole on screen at 80×24."""
    app = make_app(lang, COURSE)
    async with app.run_test(size=(80, 24)) as pilot:
        for lesson in COURSE.in_lang(lang):
            for step in range(len(lesson.steps)):
                app.tutor.lesson_id, app.tutor.step = lesson.id, step
                app.main.show_step()
                await settle(pilot)
                if app.tutor.flow.menu is not None:  # a step opening on a question shows it, keys named
                    assert "1–" in app.main.query_one(PromptInput).placeholder, (lesson.id, step)
                choices_on_screen(app)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_going_on_or_asking_where_with_a_question_open_names_the_number_keys(make_app, lang):
    """The app numbers a question's choices: the tutor asks for a number, not a letter."""
    quiz = block(lang, 0, Quiz)
    app = make_app(lang, COURSE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await say(pilot, {"es": "sigamos", "en": "let's go on"}[lang])
        assert last_said(app) == t("dialogue.more.pick_number", lang, n=len(quiz.choices))
        await say(pilot, {"es": "¿dónde estaba?", "en": "where was I?"}[lang])
        assert last_said(app).startswith(" ".join(t("dialogue.more.where", lang, number=1, lessons=len(
            COURSE.in_lang(lang)), lesson=FIRST[lang].title, n=1, of=len(FIRST[lang].steps),
            title=FIRST[lang].steps[0].title).split()))
        assert app.tutor.flow.gate is quiz
        choices_on_screen(app)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_search_card_says_in_words_what_enter_launches(make_app, store, lang):
    tutor = Tutor(store, "ana", lang, COURSE)
    tutor.lesson_id = "tuning"
    tutor.step = len(COURSE.get("tuning", lang).steps) - 1  # the lab task: a step opening on its search
    tutor.save()
    app = make_app(lang, COURSE)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sweep = app.tutor.flow.gate
        assert isinstance(sweep, Sweep)
        card = app.main.cards[id(sweep)]
        text = " ".join(str(card.render()).split())
        head, lines = sweep_words(sweep, lang)
        assert isinstance(card, ExperimentCard) and text.startswith(head)
        assert all(" ".join(line.split()) in text for line in lines) and ui("card.search", lang) in text
        assert "tutor sweep" not in text and "--" not in text and "terminal" not in text
        assert app.main.query_one(PromptInput).placeholder == ui("hint.search", lang)
