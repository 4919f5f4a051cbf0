"""The learning-rate range test: its suggestions on moons, fastai's three readings, the explanation."""

import numpy as np
import pytest

from tutor.config import ExperimentConfig
from tutor.i18n import t
from tutor.store import Store
from tutor.tune.lrfind import lr_find, suggest
from tutor.tune.report import print_lrfind
from tutor.tune.results import LRFind, explain


@pytest.mark.slow
def test_moons_with_adam_suggests_between_1e_3_and_1e_1(isolated_home):
    cfg = ExperimentConfig(dataset="moons", optimizer="adam")
    result = lr_find(cfg)
    for name, lr in result.suggestions.model_dump().items():
        assert 1e-3 <= lr <= 1e-1, (name, lr)
    assert result.lrs[0] == pytest.approx(1e-7) and np.all(np.diff(result.lrs) > 0)
    assert len(result.losses) == len(result.lrs) <= 100
    assert result.blowup_lr is None or result.losses[-1] > 4 * min(result.losses)
    assert lr_find(cfg) == result  # deterministic, and it trains a copy: nothing else changes
    assert Store(isolated_home / "tutor.db").runs() == []


def test_the_three_readings_of_a_known_curve():
    lrs = 10 ** np.linspace(-7, 1, 100)
    x = np.log10(lrs)
    losses = 0.7 - 0.5 / (1 + np.exp(-3 * (x + 3))) + np.where(x > -1, (x + 1) ** 2, 0)  # falls at 1e-3, rises past 0.1
    s = suggest(lrs, losses)
    assert s.steepest == pytest.approx(1e-3, rel=0.3)
    assert s.min_div_10 == pytest.approx(lrs[np.argmin(losses)] / 10, rel=0.01)
    assert 1e-4 < s.valley < lrs[np.argmin(losses)]


@pytest.mark.parametrize(("blowup", "word"), [(0.02, "5–10×"), (None, "10")])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_explanation_compares_the_readings_and_checks_stability(blowup, word, lang):
    lrs = list(10 ** np.linspace(-7, 1, 20))
    result = LRFind(config=ExperimentConfig(), lrs=lrs, losses=[0.5] * 20, blowup_lr=blowup,
                    suggestions={"valley": 0.01, "steepest": 0.003, "min_div_10": 0.05})
    why, stability = explain(result, lang)
    names = [t(f"tune.lrfind.name.{name}", lang) for name in ("valley", "steepest", "min_div_10")]
    assert all(f"{name} ({lr})" in why for name, lr in zip(names, ("0.01", "0.003", "0.05")))
    assert word in stability


def test_the_readings_are_named_in_the_students_language(capsys):
    """`tutor lr-find` in Spanish: valle, pendiente máxima, mínimo ÷ 10; never valley or min_div_10."""
    lrs = list(10 ** np.linspace(-7, 1, 20))
    result = LRFind(config=ExperimentConfig(), lrs=lrs, losses=list(np.linspace(0.7, 0.2, 20)), blowup_lr=0.5,
                    suggestions={"valley": 0.01, "steepest": 0.003, "min_div_10": 0.05})
    print_lrfind(result, "es")
    out = capsys.readouterr().out
    assert all(name in out for name in ("v valle", "s pendiente máxima", "m mínimo ÷ 10", "sugerencia del valle"))
    assert not any(word in out for word in ("valley", "steepest", "min_div_10", "min/10"))
    print_lrfind(result, "en")
    assert "m min/10" in capsys.readouterr().out
