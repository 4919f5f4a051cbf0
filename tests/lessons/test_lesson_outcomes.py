"""Every experiment of every built-in lesson, trained and diagnosed, shows what the lesson promises.

Spanish and English lessons share their configs, so each distinct experiment trains once.
"""

import pytest

from tutor.diagnose import explain
from tutor.engine.training import train
from tutor.lessons import BUILTIN, Experiment, Predict, Sweep, load_lessons

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
    # limited resources: batch 32 still learns in the same epochs; batch 480 stops halfway
    ("batch-size", 3, 0): ("healthy", {"batch_too_small", "batch_too_large"}),
    ("batch-size", 3, 1): ("batch_too_large", {"healthy"}),
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


def lesson(lang: str, lesson_id: str):
    return next(x for x in load_lessons([BUILTIN], search=False).in_lang(lang) if x.id == lesson_id)


def test_the_batch_lesson_measures_the_price_of_each_batch_size():
    """'Limited resources': against batch 32, batch 1 makes 32 times the updates, its step losses scatter
    over ten times as much and an epoch takes several times longer; batch 480 makes one update an epoch
    and an epoch takes no less time. Times are each batch's fastest of three warm runs."""
    from tutor.diagnose.compare import step_noise

    base = next(b for b in lesson("es", "batch-size").steps[3].blocks if isinstance(b, Experiment)).config
    runs = {}
    for batch in (1, 32, 480):
        cfg = base.changed(batch_size=batch)
        train(cfg)  # the shape's capture is not the price of a batch size
        runs[batch] = min((train(cfg) for _ in range(3)), key=lambda r: r.train_seconds)
    assert [runs[b].steps_per_epoch for b in (1, 32, 480)] == [480, 15, 1]
    assert step_noise(runs[1]) > 10 * step_noise(runs[32])
    assert runs[1].train_seconds > 2 * runs[32].train_seconds, {b: r.train_seconds for b, r in runs.items()}
    assert runs[480].train_seconds > 0.6 * runs[32].train_seconds, {b: r.train_seconds for b, r in runs.items()}


def test_the_tuning_lesson_grid_repeats_learning_rates_that_random_search_spreads(store):
    """'A grid that wastes trials': its 9 trials try 3 learning rates, and within each the weight decay
    moves the validation accuracy less than two points; the random search's 9 try 9, fail near 1 (which
    the grid never reached) and, like the grid, find a network that gets every point right."""
    from tutor.tune.space import parse_grid, parse_space
    from tutor.tune.sweep import sweep

    sweeps = [b for b in lesson("es", "tuning").blocks() if isinstance(b, Sweep)]
    grid = next(b for b in sweeps if b.method == "grid" and "weight_decay" in b.grid)
    rand = next(b for b in sweeps if b.method == "random")
    by_grid = sweep(parse_grid(grid.specs(), grid.base), "grid", store=store)
    by_rand = sweep(parse_space(rand.specs(), rand.base), "random", rand.n_trials, store=store)
    assert len(by_grid.trials) == len(by_rand.trials) == 9
    groups: dict[float, list[float]] = {}
    for trial in by_grid.trials:
        groups.setdefault(trial.params["lr"], []).append(trial.val_acc)
    assert len(groups) == 3 and all(max(accs) - min(accs) < 0.02 for accs in groups.values()), groups
    assert by_grid.importances["lr"] > 0.9
    assert len({trial.params["lr"] for trial in by_rand.trials}) == 9
    assert any(trial.params["lr"] > 0.5 and trial.val_acc < 0.7 for trial in by_rand.trials)
    assert min(groups[max(groups)]) > 0.95  # the grid's largest learning rate still works
    assert by_grid.best.val_acc == by_rand.best.val_acc == 1.0


def test_the_architecture_grid_shows_depth_and_width_as_the_lesson_says():
    """The 3 × 3 grid of layers and widths on spiral: at width 4 no depth gets past 82 %; with almost the
    same parameters two layers of 16 reach 100 % and one of 64 stays at 92.5 %. Trained alone, as a
    batched grid trains them (tests/tune show the two agree)."""
    grid = next(b for b in lesson("es", "architecture").blocks() if isinstance(b, Sweep))
    assert grid.grid == {"layers": (1, 2, 3), "width": (4, 16, 64)}

    def best(*hidden: int) -> float:
        return max(e.val_acc for e in train(grid.base.changed(hidden=hidden)).history)

    assert max(best(4), best(4, 4), best(4, 4, 4)) < 0.82
    assert best(16, 16) == 1.0 and round(best(64), 3) == 0.925
