"""The held-out scenarios (heldout.jsonl, scored by heldout.py): the rules on each scenario's stored
signals (fast), and each scenario trained, diagnosed and its top advice followed (slow)."""

import pytest
from heldout import config_of, followed, right, scenarios, stored_signals

from tutor.diagnose import explain
from tutor.diagnose.explain import firing
from tutor.engine.training import train

CASES = {c["name"]: c for c in scenarios()}
# Scenarios whose training and advice take half a minute to four minutes of a core (wide networks for hundreds
# of epochs): `python tests/diagnose/heldout.py advice` scores them; here only their stored signals are checked.
LONG = {"overfit-noisy-moons-big-net", "digits-all-big-net-long", "digits-200-overfit", "deep-tanh-sgd-crawls",
        "digits-96-train-wide-layer", "vanishing-sigmoid-deep-moons", "overfit-noisy-spiral-tiny-data",
        "vanishing-sigmoid-ten-circles-adam", "deep-tanh-twelve-spiral-sgd-underfits", "vanishing-sigmoid-six-digits"}
# Known misses, scored by heldout.py too: a run just above the edge is cut by 10 first (lr_cut), which falls short
# of its accuracy in its epochs, so the untested /3 is offered and stops too early (/3 for 30 epochs would be healthy).
MISSES = {"tanh-sgd-lr-1-moons-near-the-edge": "lr_cut tries /10 before /3 just above the edge"}


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
@pytest.mark.parametrize("name", [pytest.param(name, marks=pytest.mark.xfail(reason=MISSES[name], strict=True))
                                  if name in MISSES else name for name in CASES if name not in LONG])
def test_a_trained_scenario_is_diagnosed_as_labelled_and_its_advice_works_when_followed(name):
    run = train(config_of(CASES[name]))
    assert right(CASES[name], {d.code for d in explain(run, "en")})
    result = followed(run)
    if result is not None:
        assert result[0], result[1]
