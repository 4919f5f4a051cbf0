"""Every experiment of every built-in lesson, trained and diagnosed, shows what the lesson promises.

Spanish and English lessons share their configs, so each distinct experiment trains once.
"""

import pytest

from tutor.diagnose import explain
from tutor.engine.training import train
from tutor.lessons import BUILTIN, Experiment, Predict, load_lessons

pytestmark = pytest.mark.slow  # trains every experiment of the course


def collect() -> dict[str, tuple[Experiment, list[Predict]]]:
    """Each distinct experiment (config and expectation), named by its first place, with its predictions."""
    found: dict[str, tuple[Experiment, list[Predict]]] = {}
    places: dict[tuple, str] = {}  # the words (watch) differ between languages; the run does not
    for lesson in load_lessons([BUILTIN], search=False).lessons:
        for step in lesson.steps:
            for block in step.blocks:
                experiment = block.experiment if isinstance(block, Predict) else block
                if isinstance(experiment, Experiment):
                    key = (experiment.config, experiment.expect)
                    place = places.setdefault(key, f"{lesson.lang}/{lesson.id}:{step.line}")
                    found.setdefault(place, (experiment, []))[1].extend([block] if isinstance(block, Predict) else [])
    return found


EXPERIMENTS = collect()


@pytest.mark.parametrize("place", sorted(EXPERIMENTS))
def test_experiment_shows_what_the_lesson_expects(place):
    experiment, predictions = EXPERIMENTS[place]
    result = train(experiment.config)
    codes = {d.code for d in explain(result)}
    assert experiment.expect.met_by(codes), f"{place}: got {sorted(codes)}, expected {experiment.expect}"
    for predict in predictions:
        assert predict.right(codes), f"{place}: no choice of {predict.question!r} is right for {sorted(codes)}"


OPTIMIZERS = [(place, seed) for place in sorted(EXPERIMENTS) if "/optimizers:" in place for seed in (1, 2, 3)]


@pytest.mark.parametrize("place,seed", OPTIMIZERS)
def test_the_optimizers_lesson_holds_for_other_seeds(place, seed):
    """Seeds 1–3 as well as the lesson's own 0: what it shows is the optimiser's doing, not luck."""
    experiment, predictions = EXPERIMENTS[place]
    codes = {d.code for d in explain(train(experiment.config.changed(seed=seed)))}
    assert experiment.expect.met_by(codes), f"{place} seed {seed}: got {sorted(codes)}, expected {experiment.expect}"
    for predict in predictions:
        assert predict.right(codes), f"{place} seed {seed}: no choice of {predict.question!r} is right"


# what a lesson's what-if, followed, must show: (lesson, step, question) -> a code it shows, codes it must not
WHATIFS = {
    # the next step calls more data the best remedy: the what-if that tries it must remove the overfitting
    ("overfitting", 0, 0): ("healthy", {"overfitting"}),
    ("overfitting", 0, 1): ("healthy", {"overfitting"}),
    ("overfitting", 0, 2): ("healthy", {"overfitting"}),
    # relu brings the gradient back; Adam at its own usual rate does not
    ("architecture", 2, 0): ("healthy", {"vanishing_gradients"}),
    ("architecture", 2, 2): ("vanishing_gradients", {"lr_too_high"}),
}


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("place", sorted(WHATIFS))
def test_a_lesson_what_if_shows_what_the_lesson_says(place, lang):
    """A what-if picked from a step's menu varies the step's experiment (as the conversation does)."""
    from tutor.dialogue.parse import parse
    from tutor.dialogue.tutor import apply
    from tutor.lessons import WhatIf

    lesson_id, step, question = place
    lesson = next(x for x in load_lessons([BUILTIN], search=False).in_lang(lang) if x.id == lesson_id)
    blocks = lesson.steps[step].blocks
    experiment = next(
        b.experiment if isinstance(b, Predict) else b for b in blocks if isinstance(b, (Predict, Experiment))
    )
    asked = next(b for b in blocks if isinstance(b, WhatIf)).questions[question]
    codes = {d.code for d in explain(train(apply(experiment.config, parse(asked, default_lang=lang).changes, lang)))}
    shows, never = WHATIFS[place]
    assert shows in codes and not codes & never, (asked, sorted(codes))
