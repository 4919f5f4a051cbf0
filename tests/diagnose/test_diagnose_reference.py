"""The k-NN reference: what a model could reach on a config's own split."""

import json

from tutor.config import ExperimentConfig
from tutor.diagnose.reference import _reference, reference_accuracy


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


def test_the_reference_is_kept_in_the_cache_folder_and_a_broken_file_is_computed_again(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    cfg = ExperimentConfig(dataset="spiral", samples=400, seed=7)
    _reference.cache_clear()
    computed = reference_accuracy(cfg)
    [kept] = (tmp_path / "reference").iterdir()
    assert json.loads(kept.read_text()) == {"accuracy": computed}
    kept.write_text(json.dumps({"accuracy": 0.25}))  # what a later process finds there is what it reads
    _reference.cache_clear()
    assert reference_accuracy(cfg) == 0.25
    kept.write_text("{not json")
    _reference.cache_clear()
    assert reference_accuracy(cfg) == computed and json.loads(kept.read_text()) == {"accuracy": computed}


def test_a_cache_folder_that_cannot_be_written_only_costs_the_computation(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "file"))
    _reference.cache_clear()
    assert 0.5 < reference_accuracy(ExperimentConfig(dataset="circles", samples=300, seed=8)) <= 1
