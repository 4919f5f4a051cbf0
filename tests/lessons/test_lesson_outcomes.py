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


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_remedies_offered_for_overfitting_remove_it(lang):
    """The what-ifs after the overfitting run (more data, a smaller network, fewer epochs), followed, end
    the overfitting: the next step says more data is the best remedy, so that what-if must show it."""
    from tutor.dialogue.parse import parse
    from tutor.dialogue.tutor import apply
    from tutor.lessons import WhatIf

    step = next(x for x in load_lessons([BUILTIN], search=False).in_lang(lang) if x.id == "overfitting").steps[0]
    [experiment] = [b.experiment if isinstance(b, Predict) else b for b in step.blocks if isinstance(b, Predict)]
    [whatif] = [b for b in step.blocks if isinstance(b, WhatIf)]
    for question in whatif.questions:
        cfg = apply(experiment.config, parse(question, default_lang=lang).changes, lang)
        codes = {d.code for d in explain(train(cfg))}
        assert "overfitting" not in codes and "healthy" in codes, (question, sorted(codes))
