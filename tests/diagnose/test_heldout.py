"""The held-out scenarios (heldout.jsonl, scored by heldout.py): the rules on each scenario's stored
signals (fast), and each scenario trained, diagnosed and its top advice followed (slow)."""

import pytest
from heldout import config_of, followed, right, scenarios, stored_signals

from tutor.diagnose import explain
from tutor.diagnose.explain import firing
from tutor.diagnose.verify import advise, best_val_acc
from tutor.engine.training import train

CASES = {c["name"]: c for c in scenarios()}
# Scenarios whose training and advice take half a minute to four minutes of a core (wide networks for hundreds
# of epochs): `python tests/diagnose/heldout.py advice` scores them; here only their stored signals are checked.
LONG = {"overfit-noisy-moons-big-net", "digits-all-big-net-long", "digits-200-overfit", "deep-tanh-sgd-crawls",
        "digits-96-train-wide-layer", "vanishing-sigmoid-deep-moons", "overfit-noisy-spiral-tiny-data",
        "vanishing-sigmoid-ten-circles-adam", "deep-tanh-twelve-spiral-sgd-underfits", "vanishing-sigmoid-six-digits"}
# Learning rates just above the edge and far above it: their advice is followed from scratch, not judged by its trial.
EDGE = [name for name in CASES if name.endswith("the-edge")]


@pytest.fixture(autouse=True)
def fixed_reference() -> None:
    """Stored and real runs are judged against the real k-NN reference (overrides the synthetic one)."""


def test_every_scenario_has_its_stored_signals():
    assert set(stored_signals()) == set(CASES)


@pytest.mark.parametrize("name", CASES)
def test_the_rules_on_the_stored_signals_give_the_labelled_diagnosis(name):
    codes = {rule.code for rule in firing(stored_signals()[name])}
    assert right(CASES[name], codes), (codes, CASES[name]["any"], CASES[name]["none"])


@pytest.mark.slow
@pytest.mark.parametrize("name", [name for name in CASES if name not in LONG and name not in EDGE])
def test_a_trained_scenario_is_diagnosed_as_labelled_and_its_advice_works_when_followed(name):
    run = train(config_of(CASES[name]))
    assert right(CASES[name], {d.code for d in explain(run, "en")})
    result = followed(run)
    if result is not None:
        assert result[0], result[1]


@pytest.mark.slow
@pytest.mark.parametrize("name", EDGE)
def test_an_lr_above_the_edge_is_cut_to_one_that_trains_when_the_student_follows_it(name):
    """The suggested lr, trained again: below the edge (no blow-up, no climb, no dead units) and not so far
    below that it crawls, with the run's best validation accuracy kept."""
    run = train(config_of(CASES[name]))
    found = advise(run, "en")
    assert right(CASES[name], {d.code for d in found})
    top = next((d for d in found if d.code != "healthy"), None)
    if top is None:
        return
    assert top.suggestion["lr"] < run.config.lr, top.suggestion
    again = train(run.config.changed(**top.suggestion))
    codes = {d.code for d in explain(again, "en")}
    assert not codes & {"diverged", "lr_too_high", "dead_relu", "lr_too_low"}, (top.suggestion, codes)
    assert best_val_acc(again) >= best_val_acc(run) - 0.01, (top.suggestion, best_val_acc(run), best_val_acc(again))
