"""The k-NN reference: what a model could reach on a config's own split."""

from tutor.config import ExperimentConfig
from tutor.diagnose.reference import reference_accuracy


def test_clean_data_is_nearly_perfectly_separable_and_noise_lowers_the_reference():
    clean = reference_accuracy(ExperimentConfig(dataset="circles", noise=0.05))
    noisy = reference_accuracy(ExperimentConfig(dataset="moons", noise=0.5))
    assert clean >= 0.97 and 0.6 < noisy < clean


def test_reference_ignores_the_network_and_is_deterministic():
    a = ExperimentConfig(dataset="digits", samples=300, hidden=(8,), lr=0.5)
    b = a.changed(hidden=(512, 512), optimizer="sgd", epochs=3)
    assert reference_accuracy(a) == reference_accuracy(b) >= 0.85


def test_tiny_data_still_gives_an_accuracy():
    assert 0 <= reference_accuracy(ExperimentConfig(dataset="xor", samples=8)) <= 1
