"""How a proven fix is offered: a trial stopped at its goal is offered with the epochs it ran, and the words
say why ("it was already doing well by epoch 9 of 20"), so "and 9 epochs" never reads as a whim."""

import pytest

from tutor.config import ExperimentConfig
from tutor.diagnose.explain import Advice, Diagnosis, Verified, action, advised, planned, stopped_at
from tutor.diagnose.verify import advise
from tutor.engine.training import train
from tutor.fmt import pct
from tutor.i18n import LANGS


def proven(candidate: dict, fix: dict, acc: float, best_epoch: int, epochs: int, code: str, lang: str) -> str:
    """The words of the offer of `fix`, proven by a trial of `candidate` for a run of `epochs`, as `advise` makes it."""
    stop = planned(candidate, fix, epochs)
    found = Diagnosis(code=code, confidence=0.9, evidence={}, message="", suggestion=fix,
                      verified=Verified(config={}, best_val_acc=acc, codes=["healthy"], planned=stop))
    return advised(found, Advice(tried=candidate if stop else None, best_epoch=best_epoch), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_a_trial_stopped_at_its_goal_says_why_it_has_fewer_epochs(lang):
    stopped = proven({"lr": 0.002}, {"lr": 0.002, "epochs": 9}, 0.94, 8, 20, "lr_too_low", lang)
    assert "9 " in stopped and "20" in stopped and "94%" in stopped
    assert stopped.count(action({"lr": 0.002}, lang)) == 2  # what was tried, and the offer that starts with it
    assert f"{action({'lr': 0.002, 'epochs': 9}, lang)}: " in stopped  # the offer, exactly what ran
    more = proven({"epochs": 60}, {"epochs": 35}, 0.9, 30, 20, "too_few_epochs", lang)
    assert "35 " in more and "60" in more and " 20" not in more  # planned: what the fix asked for, not the run
    whole = proven({"lr": 0.002}, {"lr": 0.002}, 0.94, 8, 20, "lr_too_low", lang)
    assert "20" not in whole and "8 " in whole and whole.endswith(f"{action({'lr': 0.002}, lang)}.")


@pytest.mark.slow  # trains the run and its fix
@pytest.mark.parametrize("lang", LANGS)
def test_the_offer_runs_what_was_verified_and_says_where_it_stopped(lang):
    run = train(ExperimentConfig(lr=0.0002, epochs=20))
    [top, *_] = advise(run, lang)
    assert top.verified is not None and top.suggestion
    verified = ExperimentConfig(**top.verified.config)
    assert run.config.changed(**top.suggestion) == verified  # ctrl+r runs exactly what was tried
    if verified.epochs < run.config.epochs:  # it stopped at its goal: the words give both counts
        assert top.verified.planned == run.config.epochs
        assert stopped_at(verified.epochs, run.config.epochs, lang) in top.message
    else:
        assert top.verified.planned is None
    assert pct(top.verified.best_val_acc) in top.message and action(top.suggestion, lang) in top.message


def test_settings_read_as_words_not_values_of_the_config():
    both = action({"optimizer": "adam", "activation": "leaky_relu"}, "en")
    assert both == "the Adam optimiser and the leaky ReLU activation"
    assert action({"optimizer": "sgd"}, "es") == "el optimizador SGD"
