"""A stored run's diagnoses are read in the reader's language: said again from the run's history, its
proposal (being tried, proven, failed) included; a run stored by an earlier version, words only, still reads."""

import pytest
from test_diagnose_rules import decay, line

from tutor.diagnose.explain import Advice, Verified, diagnose, explain, firing, retold
from tutor.diagnose.signals import signals_of
from tutor.i18n import LANGS

OTHER = {"es": "en", "en": "es"}
RUNS = {"overfitting": dict(train_loss=decay(0.6, 1e-5, 100), val_loss=decay(0.6, 0.1, 60) + line(0.1, 0.5, 41)[1:],
                            train_acc=1.0, val_acc=0.8, hidden=(256, 256), n_params=67_074),
        "slow": dict(train_loss=line(0.7, 0.45, 10), train_acc=0.75),
        "healthy": dict(train_loss=decay(0.6, 0.02, 30))}


def stored(found) -> list[dict]:
    return [d.model_dump(mode="json") for d in found]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", RUNS)
def test_a_run_diagnosed_in_one_language_reads_in_the_other(run_of, kind, lang):
    run = run_of(**RUNS[kind])
    written, wanted = explain(run, lang), explain(run, OTHER[lang])
    assert [d.message for d in written] != [d.message for d in wanted]
    assert retold(stored(written), run, OTHER[lang]) == wanted
    assert retold(stored(written), run, lang) == written  # its own language: as stored


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("advice", [Advice(trying=True), Advice(failed=[{"lr": 0.5}, {"epochs": 60}], search=True),
                                    Advice(best_epoch=8), Advice(tried={"lr": 0.3}, best_epoch=8)])
def test_a_proposal_reads_in_the_other_language_too(run_of, advice, lang):
    """The fix being tried, the fixes that failed, the proven one ('I tried it: …') and why it stopped early."""
    run = run_of(**RUNS["slow"])
    s = signals_of(run)
    rule = firing(s)[0]
    proof = Verified(config={"lr": 0.3, "epochs": 9}, best_val_acc=0.94, codes=["healthy"], planned=20)
    if advice.best_epoch is None:
        fix, proof = ({} if advice.trying or advice.search else {"lr": 0.3}), None
    else:
        fix, proof = {"lr": 0.3, "epochs": 9}, proof if advice.tried else proof.model_copy(update={"planned": None})
    written, wanted = (diagnose(rule, s, run, x, advice, fix, proof) for x in (lang, OTHER[lang]))
    assert written.message != wanted.message
    assert retold(stored([written]), run, OTHER[lang]) == [wanted]


@pytest.mark.parametrize("lang", LANGS)
def test_a_run_stored_by_an_earlier_version_still_reads(run_of, lang):
    """Its diagnoses had only words: their rules say them again in the reader's language, but a proven
    proposal keeps its stored words (what proved it was not stored)."""
    run = run_of(**RUNS["slow"])
    old = [{k: v for k, v in d.items() if k not in ("lang", "route", "advice")} for d in stored(explain(run, lang))]
    assert retold(old, run, OTHER[lang]) == explain(run, OTHER[lang])
    proven = [{**old[0], "verified": {"config": {}, "best_val_acc": 0.9, "codes": ["healthy"]}}]
    assert [d.message for d in retold(proven, run, OTHER[lang])] == [old[0]["message"]]
    gone = [{**old[0], "code": "dead_relu", "message": "words of a rule since removed"}]
    assert retold(gone, run, OTHER[lang])[0].message == "words of a rule since removed"
