"""Real short runs through the engine: the rules on genuine histories, and determinism end to end.

Runs share two network shapes (moons 32,32 with adam, and with sgd) so JIT captures are reused.
"""

import pytest

from tutor.config import ExperimentConfig
from tutor.diagnose import compare, explain
from tutor.engine.training import train

pytestmark = pytest.mark.slow  # trains real runs, each shape captured once

MOONS = ExperimentConfig(dataset="moons", samples=1000, hidden=(32, 32), optimizer="adam", lr=0.01, batch_size=32,
                         epochs=20, seed=0)


@pytest.fixture(autouse=True)
def fixed_reference() -> None:
    """Real runs are judged against the real k-NN reference (overrides the synthetic one)."""


@pytest.fixture(scope="module")
def healthy():
    return train(MOONS)


def codes(run) -> set[str]:
    return {d.code for d in explain(run, "en")}


def test_a_good_moons_run_is_healthy_and_explained_the_same_every_time(healthy):
    assert codes(healthy) == {"healthy"}
    again = train(MOONS)
    for lang in ("es", "en"):
        assert [d.model_dump() for d in explain(healthy, lang)] == [d.model_dump() for d in explain(again, lang)]


def test_sgd_lr_50_diverges():
    assert codes(train(MOONS.changed(optimizer="sgd", lr=50, epochs=5))) == {"diverged"}


def test_sgd_lr_1e6_is_too_low():
    found = codes(train(MOONS.changed(optimizer="sgd", lr=1e-6, epochs=8)))
    assert "lr_too_low" in found and not found & {"healthy", "diverged", "lr_too_high", "overfitting"}


def test_one_epoch_is_too_few(healthy):
    short = train(MOONS.changed(optimizer="sgd", lr=0.01, epochs=1))
    assert "too_few_epochs" in codes(short) and "healthy" not in codes(short)
    c = compare(short, healthy, "en")
    assert c.changes == {"optimizer": ["sgd", "adam"], "epochs": [1, 20]}
    assert c.metrics["status"] == ["completed", "completed"] and c.metrics["diagnoses"][1] == ["healthy"]
