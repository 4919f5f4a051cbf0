"""Students ask for the class exercise in their own words, and the app greets them with it."""

import pytest

from tutor.classroom.exercise import Exercise, set_exercise
from tutor.dialogue.tutor import Tutor
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.app import TutorApp

EXERCISE = Exercise(title="La red más pequeña", threshold=0.8, locked={"dataset": "spiral"})


@pytest.mark.parametrize("text, lang", [
    ("¿cuál es el ejercicio?", "es"), ("¿cómo voy en el ranking?", "es"), ("what's the exercise?", "en"),
    ("how am I doing on the leaderboard?", "en"),
])
def test_asking_for_the_exercise_shows_it_and_the_place(store, text, lang):
    set_exercise(store, EXERCISE)
    tutor = Tutor(Store(Settings.from_env().store), "ana", lang)
    reply = tutor.handle(text, run=False)
    assert reply.intent.kind == "exercise" and reply.run is None
    assert reply.text == tutor.exercise_text()
    assert EXERCISE.describe(lang) in reply.text and "spiral" in reply.text
    unplaced = "Aún no vale ninguna" if lang == "es" else "None of your runs qualifies yet"
    assert unplaced in reply.text


def test_without_an_exercise_the_tutor_says_so(store):
    reply = Tutor(store, "ana", "es").handle("ejercicio", run=False)
    assert reply.intent.kind == "exercise" and reply.text == "Ahora no hay ningún ejercicio de clase."


def turns(app: TutorApp) -> str:
    return "\n".join(str(turn.render()) for turn in app.main.talk.children)


@pytest.mark.parametrize("lang, line", [
    ("es", "Ejercicio de la clase: La red más pequeña: llegar a"),
    ("en", "Class exercise: La red más pequeña: reach val acc ≥ 80%"),
])
@pytest.mark.slow
async def test_the_greeting_names_the_exercise(store, lang, line):
    set_exercise(store, EXERCISE)
    app = TutorApp(store, "ana", lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert line in turns(app)
        assert ("«ejercicio»" if lang == "es" else '"exercise"') in turns(app)


async def test_no_exercise_no_line(store):
    app = TutorApp(store, "ana", "en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "Hi! I am your neural network tutor" in turns(app) and "Class exercise" not in turns(app)


async def test_a_suggestion_that_changes_a_locked_setting_is_refused(store):
    set_exercise(store, Exercise(title="spiral", locked={"lr": 0.01}))
    app = TutorApp(store, "ana", "en")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.main.suggestion = {"lr": 1.0}
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.main.busy is None and not app.main.jobs
    assert store.runs("ana") == []
