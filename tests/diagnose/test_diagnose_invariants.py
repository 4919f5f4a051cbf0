"""Properties every explanation keeps, on random synthetic runs, plus the message catalogues."""

import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.diagnose import explain
from tutor.diagnose.explain import diagnose
from tutor.diagnose.rules import HEALTHY, RULES
from tutor.diagnose.signals import signals_of
from tutor.engine import Divergence
from tutor.i18n import LANGS, catalogue

CONTRADICTIONS = [("lr_too_low", "diverged"), ("lr_too_low", "lr_too_high"), ("overfitting", "underfitting"),
                  ("batch_too_small", "batch_too_large"), ("too_few_epochs", "overfitting"),
                  ("underfitting", "diverged"), ("too_few_epochs", "diverged")]



def shaped(n: int, start: float, end: float, wobble: float, turn: int | None, climb: float, acc: float):
    """Training loss decaying from start to end with some wobble; validation loss following it, then
    climbing from epoch `turn` on; accuracy rising towards `acc`."""
    train = [max(1e-7, start * (end / start) ** (i / max(n - 1, 1)) * (1 + wobble * math.sin(3 * i))) for i in range(n)]
    val = [x * 1.1 + (climb * (i - turn) if turn is not None and i > turn else 0) for i, x in enumerate(train)]
    accs = [min(1.0, acc * (1 - 0.5 * 0.8 ** i)) for i in range(n)]
    return train, val, accs


curves = st.one_of(
    st.builds(shaped, n=st.integers(1, 60), start=st.floats(0.3, 3.0), end=st.floats(1e-5, 3.0),
              wobble=st.sampled_from([0.0, 0.01, 0.3]), turn=st.one_of(st.none(), st.integers(1, 60)),
              climb=st.floats(0.0, 0.05), acc=st.floats(0.3, 1.0)),
    st.integers(1, 40).flatmap(lambda n: st.tuples(*[st.lists(st.floats(lo, hi), min_size=n, max_size=n)
                                                     for lo, hi in ((1e-6, 5.0), (1e-6, 5.0), (0.0, 1.0))])),
)
configs = st.fixed_dictionaries({
    "optimizer": st.sampled_from(["sgd", "momentum", "adam"]),
    "activation": st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu"]),
    "lr": st.sampled_from([1e-7, 1e-4, 0.01, 0.5, 5.0, 1000.0]),
    "batch_size": st.sampled_from([1, 8, 32, 32, 800]),
    "hidden": st.sampled_from([(), (1,), (32, 32), (1024,) * 8]),
    "weight_decay": st.sampled_from([0.0, 0.5]),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(curves=curves, config=configs, ratio=st.sampled_from([1e-7, 1e-5, 1e-3, 3e-3, 0.05, 0.3]),
       dead=st.sampled_from([0.0, 0.1, 0.6, 0.9]), first_grad=st.sampled_from([0.0, 1e-6, 0.01, 0.3]),
       diverged=st.sampled_from([False, False, False, True]))
def test_explanations_are_consistent_and_actionable(run_of, curves, config, ratio, dead, first_grad, diverged):
    train, val, acc = curves
    depth = len(config["hidden"]) + 1
    run = run_of(train, val, train_acc=acc, val_acc=acc, update_ratio=ratio, dead=dead,
                 layer_grads=[first_grad] + [0.3] * (depth - 1),
                 diverged_at=Divergence(epoch=len(train), step=3, reason="nan") if diverged else None, **config)
    found = explain(run, "en")
    codes = [d.code for d in found]
    assert len(codes) == len(set(codes)) >= 1
    assert codes == ["healthy"] or "healthy" not in codes
    for a, b in CONTRADICTIONS:
        assert not (a in codes and b in codes), codes
    causes = {r.code: r.caused_by for r in (*RULES, HEALTHY)}
    ranked = [min([d.confidence, *(c.confidence for c in found if c.code in causes[d.code])]) for d in found]
    assert ranked == sorted(ranked, reverse=True)  # surest first, a symptom no earlier than its cause
    for i, d in enumerate(found):
        assert not set(causes[d.code]) & {c.code for c in found[i + 1:]}, codes
    for d in found:
        assert 0 < d.confidence <= 1
        changed = run.config.changed(**d.suggestion)  # raises if the proposal is not a valid config
        assert changed != run.config or d.suggestion == {}, (d.code, d.suggestion)
        assert "{" not in d.message and len(re.findall(r"\d", d.message)) >= 2


def test_every_rule_renders_in_both_languages(run_of):
    run = run_of([0.7, 0.6, 0.5, 0.45, 0.4, 0.38, 0.37], train_acc=0.6, diverged_at=Divergence(epoch=7, step=9,
                                                                                                reason="weights"))
    s = signals_of(run)
    for rule in (*RULES, HEALTHY):
        for lang in LANGS:
            d = diagnose(rule, s, run, lang)
            assert d.message and "{" not in d.message


def test_message_keys_exist_in_both_catalogues_with_the_same_placeholders():
    es, en = catalogue("es"), catalogue("en")
    used = {f"diagnose.{r.message}" for r in (*RULES, HEALTHY)}
    assert used <= set(es) and used <= set(en)
    ours = {k for k in set(es) | set(en) if k.startswith("diagnose.")}
    for key in ours:
        assert key in es and key in en, key
        assert set(re.findall(r"{(\w+)", es[key])) == set(re.findall(r"{(\w+)", en[key])), key


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.message)
def test_rules_quote_the_thresholds_they_cross(rule):
    assert set(rule.thresholds) <= set(rule.evidence)
    lo, hi = rule.confidence
    assert 0 < lo <= hi <= 1
