"""Captured steps are cached on disk; a corrupt cache file is rebuilt, never fatal."""

import pytest

from tutor.config import ExperimentConfig
from tutor.engine import jitcache
from tutor.engine.training import train

pytestmark = pytest.mark.slow  # captures steps from scratch


def test_a_corrupt_cache_entry_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    monkeypatch.setenv("TUTOR_EPOCH_PROGRAM", "0")  # a compiled epoch program would not need the steps again
    cfg = ExperimentConfig(samples=100, hidden=(5,), epochs=2)
    want = train(cfg).history
    files = sorted((tmp_path / "jit").glob("*.pkl"))
    assert len(files) == 2  # the step and the evaluation
    for f in files:
        f.write_bytes(b"not a pickle")
    jitcache._loaded.clear()
    assert train(cfg).history == want
    assert all(f.read_bytes() != b"not a pickle" for f in files)


def test_a_reloaded_step_trains_from_fresh_weights(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    cfg = ExperimentConfig(samples=100, hidden=(6,), epochs=2)
    first = train(cfg)
    jitcache._loaded.clear()  # as a fresh process would: the step comes back from disk
    assert train(cfg).history == first.history
