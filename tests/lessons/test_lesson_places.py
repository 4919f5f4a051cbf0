"""A student's saved place survives edits to the lessons: it follows its step by title (in the language it was
saved in), and a step that is gone starts over rather than take another step's answers."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.dialogue.intent import Intent
from tutor.dialogue.tutor import Tutor
from tutor.i18n import Lang
from tutor.lessons import Course, Quiz, load_lessons
from tutor.store import DIALOGUE_STATE, Store

QUIZ = """```quiz
question: ¿{which} de {{title}}?
choices:
  - text: Falso
    feedback: No.
  - text: Cierto
    correct: true
    feedback: Eso.
```
"""
STEP = (f"## {{title}}\n\nTexto de {{title}}.\n\n{QUIZ.format(which='Primera')}\nDespués.\n\n"
        f"{QUIZ.format(which='Segunda')}\n")
BEFORE = {"es": ["Uno", "Dos", "Tres"], "en": ["One", "Two", "Three"]}


def course(folder: Path, titles: dict[Lang, list[str]]) -> Course:
    """One lesson `x` with a step per title, in each language: prose and two quizzes a step."""
    for lang, steps in titles.items():
        (folder / lang).mkdir(parents=True)
        body = "".join(STEP.format(title=title) for title in steps)
        (folder / lang / "x.md").write_text(f"---\nid: x\ntitle: X\ntopics: [lr]\norder: 1\n---\n\n# X\n\n{body}")
    loaded = load_lessons([folder], search=False)
    assert not loaded.errors, loaded.errors
    return loaded


def saved_at(store: Store, lessons: Course, index: int) -> Tutor:
    """A student (in Spanish) at step `index`: its first quiz answered, one wrong try at the second; saved."""
    tutor = Tutor(store, "ana", "es", course=lessons)
    tutor.start()
    tutor.step = index
    tutor.open_step(Intent(kind="goto", lang="es"))
    assert tutor.handle("2").shown.settled and tutor.handle("1").shown.correct is False
    assert tutor.flow.answers and tutor.flow.tries and isinstance(tutor.flow.question, Quiz)
    tutor.save()
    return tutor


START: dict[str, Callable[[Tutor], object]] = {"start": Tutor.start, "open_lesson": lambda t: t.open_lesson("x")}


@pytest.mark.parametrize("how", START)
def test_a_step_inserted_before_resumes_at_the_same_title_with_its_answers(store, tmp_path, how):
    before = saved_at(store, course(tmp_path / "v1", BEFORE), 1).flow
    edited = course(tmp_path / "v2", {"es": ["Uno", "Nuevo", "Dos", "Tres"], "en": ["One", "New", "Two", "Three"]})
    tutor = Tutor(store, "ana", "es", course=edited)
    reply = START[how](tutor)
    assert reply.shown.resumed and "Dos" in reply.shown.heading and tutor.step == 2
    flow = tutor.flow
    assert (flow.step.title, flow.answers, flow.tries) == ("Dos", before.answers, before.tries)
    assert flow.question is not None and flow.question.question == "¿Segunda de Dos?"
    tutor.save()
    assert store.get_state("ana", DIALOGUE_STATE)["places"]["x"]["step"] == 2


@pytest.mark.parametrize(("index", "after", "title"), [(1, ["Uno", "Tres"], "Tres"), (2, ["Uno", "Dos"], "Dos")])
def test_a_removed_step_starts_the_clamped_step_over(store, tmp_path, index, after, title):
    saved_at(store, course(tmp_path / "v1", BEFORE), index)
    edited = course(tmp_path / "v2", {"es": after, "en": ["One", "Two"]})
    tutor = Tutor(store, "ana", "es", course=edited)
    reply = tutor.start()
    assert not reply.shown.resumed and tutor.step == 1 and tutor.flow.step.title == title
    assert (tutor.flow.answers, tutor.flow.tries, tutor.flow.shown) == ({}, [], 2)  # up to its first quiz
    assert reply.shown.items[1].question == f"¿Primera de {title}?"


@pytest.mark.parametrize("switched", ["f4", "restart"])
def test_a_language_switch_after_the_edit_finds_the_step_in_the_other_language(store, tmp_path, switched):
    before = saved_at(store, course(tmp_path / "v1", BEFORE), 1).flow
    edited = course(tmp_path / "v2", {"es": ["Uno", "Nuevo", "Dos", "Tres"], "en": ["One", "New", "Two", "Three"]})
    if switched == "f4":  # what the app's F4 does, after the step is open in Spanish
        tutor = Tutor(store, "ana", course=edited)
        tutor.start()
        tutor.fixed_lang = tutor.lang = "en"
        tutor.save()
    else:  # the titles saved are Spanish: compared in Spanish, the English step is found by its place
        tutor = Tutor(store, "ana", "en", course=edited)
    reply = tutor.start()
    assert reply.shown.resumed and tutor.step == 2 and tutor.flow.lesson.lang == "en"
    assert (tutor.flow.step.title, tutor.flow.answers, tutor.flow.tries) == ("Two", before.answers, before.tries)


def test_an_old_state_without_titles_resumes_at_its_index_and_gains_a_title(store, tmp_path):
    lessons = course(tmp_path / "v1", BEFORE)
    before = saved_at(store, lessons, 1).flow

    def untitled(state: dict) -> dict:
        return {**state, "places": {"x": {k: v for k, v in state["places"]["x"].items() if k not in ("title", "lang")}}}

    store.update_state("ana", DIALOGUE_STATE, untitled)
    tutor = Tutor(store, "ana", "es", course=lessons)
    assert tutor.start().shown.resumed and tutor.step == 1
    assert (tutor.flow.answers, tutor.flow.tries) == (before.answers, before.tries)
    tutor.save()
    assert store.get_state("ana", DIALOGUE_STATE)["places"]["x"]["title"] == "Dos"
