"""The built-in lessons: they load cleanly, match across languages, stay small and make the student act."""

from typing import Any

import pytest

from tutor.config import ExperimentConfig
from tutor.lessons import (
    BUILTIN,
    TOPICS,
    Experiment,
    Lesson,
    Predict,
    Quiz,
    Sweep,
    WhatIf,
    list_json,
    load_lessons,
    render,
)
from tutor.lessons.render import item_text

MAX_WORK = 1e9  # parameters × training examples × epochs of one experiment


@pytest.fixture(scope="module")
def course():
    return load_lessons([BUILTIN], search=False)


def shape(block: Any) -> Any:
    """What must agree between a lesson and its translation: everything but the words."""
    match block:
        case Experiment():
            return ("experiment", block.name, block.config, block.expect)
        case Predict():
            return ("predict", [c.codes for c in block.choices], shape(block.experiment))
        case Quiz():
            return ("quiz", block.answer, block.tolerance, [c.correct for c in block.choices])
        case WhatIf():
            return ("whatif", len(block.questions))
        case Sweep():
            return block.model_dump(exclude={"watch"})
    raise AssertionError(block)


def structure(lesson: Lesson) -> Any:
    return (lesson.topics, lesson.order, lesson.prerequisites, [[shape(b) for b in s.blocks] for s in lesson.steps])


def work(cfg: ExperimentConfig) -> float:
    sizes = [64 if cfg.dataset == "digits" else 2, *cfg.hidden, cfg.n_classes]
    params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    return params * cfg.n_samples * (1 - cfg.val_fraction) * cfg.epochs


def test_built_in_lessons_load_without_errors_or_warnings(course):
    assert course.errors == () and course.warnings == ()


def test_seven_lessons_in_each_language_cover_every_topic(course):
    for lang in ("es", "en"):
        lessons = course.in_lang(lang)
        assert len(lessons) >= 7
        assert {t for x in lessons for t in x.topics} == set(TOPICS)
        assert [x.order for x in lessons] == sorted(x.order for x in lessons)
        assert all(x.path.parent.name == lang for x in lessons)


def test_spanish_and_english_say_the_same(course):
    es, en = ({x.id: x for x in course.in_lang(lang)} for lang in ("es", "en"))
    assert es.keys() == en.keys()
    for lesson_id in es:
        assert structure(es[lesson_id]) == structure(en[lesson_id]), lesson_id
        assert len(es[lesson_id].steps) == len(en[lesson_id].steps)


def test_every_lesson_makes_the_student_act(course):
    for lesson in course.lessons:
        kinds = {b.kind for b in lesson.blocks()}
        assert {"experiment", "whatif"} <= kinds and kinds & {"predict", "quiz"}, lesson.path


def test_tuning_ends_with_the_lab_search(course):
    for lang in ("es", "en"):
        last = course.in_lang(lang)[-1]
        assert "tuning" in last.topics
        assert any(isinstance(b, Sweep) for b in last.steps[-1].blocks)
        assert {b.method for b in last.blocks() if isinstance(b, Sweep)} == {"grid", "random", "bayes"}


def test_sweeps_are_valid_tutor_sweep_specs(course):
    space = pytest.importorskip("tutor.tune.space")
    for lesson in course.lessons:
        for b in lesson.blocks():
            if isinstance(b, Sweep) and b.method == "grid":
                space.parse_grid([f"{f}=" + ",".join(map(str, vs)) for f, vs in b.grid.items()], b.base)
            elif isinstance(b, Sweep):
                space.parse_space([f"{f}={spec}" for f, spec in b.space.items()], b.base)


def test_whatif_questions_are_understood(course):
    parse = pytest.importorskip("tutor.dialogue.parse").parse
    for lesson in course.lessons:
        for question in (q for b in lesson.blocks() if isinstance(b, WhatIf) for q in b.questions):
            intent = parse(question, default_lang=lesson.lang)
            assert intent.kind not in ("unknown", "clarify"), (lesson.path, question)
            assert intent.lang == lesson.lang, (lesson.path, question)  # asked, it speaks the lesson's language


def test_the_conversation_shows_lessons_in_words_within_80_columns(course):
    """What `tutor ask` prints of a step: an experiment is the run the tutor trains, never a command's flags."""
    for lesson in course.lessons:
        for step in lesson.steps:
            for item in step.items:
                for ran in (False, True):
                    text = item_text(item, step, lesson.lang, ran)
                    assert "--" not in text, (lesson.path, text)
                    assert all(len(line) <= 80 for line in text.splitlines()), (lesson.path, text)


def test_experiments_are_small_enough_to_run_in_a_test(course):
    for lesson in course.lessons:
        for block in lesson.blocks():
            experiment = block.experiment if isinstance(block, Predict) else block
            if isinstance(experiment, Experiment):
                cfg = experiment.config
                assert cfg.n_samples <= 600 and work(cfg) <= MAX_WORK, (lesson.path, cfg)


def test_rendered_lessons_fit_an_80_column_terminal(course):
    for lesson in course.lessons:
        text = render(lesson)
        assert text.startswith(f"# {lesson.title}\n")
        assert all(len(line) <= 80 for line in text.splitlines()), lesson.path


def test_list_json_follows_the_contract(course):
    listing = list_json(course)["lessons"]
    assert len(listing) == len(course.lessons)
    assert set(listing[0]) == {"id", "lang", "title", "topics", "steps"}
    assert [x["lang"] for x in listing] == sorted((x["lang"] for x in listing), reverse=True)  # es first
    assert list_json(course, "en")["lessons"] == [x for x in listing if x["lang"] == "en"]
    english = {x["id"]: x for x in listing if x["lang"] == "en"}
    assert course.get("training", "en").title == english["training"]["title"]
