"""Lesson steps in the app: quizzes by number key or typed, a prediction graded by its run, the
step's experiment, what-if questions by number, Enter to go on; progress resumes; F4 switches language."""

import pytest
from pilot_tools import say, screen_text, settle, showing

from tutor.dialogue.tutor import Tutor
from tutor.ui.widgets.conversation import Said


def answers(store, kind: str) -> list[tuple[int, str, int]]:
    return [(e["step"], e["answer"], e["correct"]) for e in store.progress("ana") if e["kind"] == kind]


@pytest.mark.slow
async def test_a_lesson_from_first_step_to_the_end(make_app, store, sample_course):
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert await showing(pilot, "Sample basics")
        assert await showing(pilot, "Choose with 1–2")

        await pilot.press("1")  # the wrong choice of the quiz
        assert "Not quite" in screen_text(app) or "Not exactly" in screen_text(app)
        assert await showing(pilot, "How much is 2 + 2?")
        await say(pilot, "4")  # the numeric quiz takes a typed number
        assert answers(store, "quiz") == [(0, "The learning rate", 0), (0, "4", 1)]

        await pilot.press("enter")
        assert await showing(pilot, "Step 2 of 4 · A bet")
        await pilot.press("3")  # "it blows up": the run will show otherwise
        await settle(pilot)
        [(step, answer, correct)] = answers(store, "predict")
        assert (step, answer, correct) == (1, "It blows up", 0)
        await pilot.press("f2")
        shown = screen_text(app)
        assert "✓ Trained" in shown and "What if…?" in shown

        await pilot.press("1")  # the what-if question, asked by its number
        await settle(pilot)
        assert app.tutor.config.lr == 50 and store.runs("ana")[0].status == "diverged"

        await pilot.press("f2", "enter")
        assert await showing(pilot, "Step 3 of 4 · On your own")
        assert await showing(pilot, "Enter ▶ train")
        await pilot.press("enter")  # trains the step's experiment
        await settle(pilot)
        assert store.runs("ana")[0].result["config"]["epochs"] == 3

        await pilot.press("f2", "enter")
        assert await showing(pilot, "Step 4 of 4 · The end")
        await pilot.press("enter")
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
        assert app.main.flow.gate is None and len(store.runs("ana")) == 1


@pytest.mark.slow
async def test_progress_and_runs_resume_in_a_new_session(make_app, store, sample_course):
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await say(pilot, "4")
        await pilot.press("enter")
        await say(pilot, "what if the learning rate were 50?")
        await pilot.press("ctrl+q")
    again = make_app("en", sample_course)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        shown = screen_text(again)
        assert "Welcome back" in shown and "Step 2 of 4 · A bet" in shown
        assert again.main.panel.result is not None and again.main.panel.result.status == "diverged"
        await pilot.press("ctrl+r")  # the stored diagnosis's suggestion is still one key away
        await settle(pilot)
        assert again.tutor.config.lr == 5


async def test_f4_switches_the_language_of_everything(make_app, sample_course):
    app = make_app("es", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await showing(pilot, "f1 Ayuda") and "Lo básico de prueba" in screen_text(app)
        await pilot.press("f4")
        assert await showing(pilot, "f1 Help") and app.tutor.lang == "en"
        shown = screen_text(app)
        assert "Sample basics" in shown and "EN · ready" in shown
        await say(pilot, "help")  # a long reply: the view follows its end, so read the turn, not the screen
        assert "You can ask me" in str(app.main.talk.query(Said).last().render())
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
