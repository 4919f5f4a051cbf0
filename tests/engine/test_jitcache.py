"""Captured steps and compiled kernels are cached on disk; a corrupt cache file is rebuilt, never fatal."""

import pytest
from tinygrad.codegen import to_program, to_program_cache

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


def _forget_shapes(folder) -> None:
    """As a fresh process with no step cache would start: every kernel comes from `kernels` or codegen."""
    jitcache._loaded.clear()
    to_program_cache.clear()
    for f in folder.iterdir():
        if f.is_file():
            f.unlink()


def test_compiled_kernels_are_reused_and_a_corrupt_one_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    cfg = ExperimentConfig(samples=100, hidden=(7,), epochs=2)
    to_program_cache.clear()  # kernels compiled by earlier tests would not reach the disk cache
    want = train(cfg).history
    kernels = sorted((tmp_path / "jit" / "kernels").glob("*.pkl"))
    assert kernels
    _forget_shapes(tmp_path / "jit")
    made = []
    monkeypatch.setattr(jitcache, "_to_program", lambda *a: made.append(a) or to_program(*a))
    assert train(cfg).history == want  # every kernel from the disk cache, bit for bit
    assert made == []
    for f in kernels:
        f.write_bytes(b"not a pickle")
    _forget_shapes(tmp_path / "jit")
    assert train(cfg).history == want
    assert len(made) == len(kernels)
    assert all(f.read_bytes() != b"not a pickle" for f in kernels)


def test_the_kernel_cache_keeps_the_most_recently_used(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    monkeypatch.setattr(jitcache, "MAX_KERNELS", 5)
    to_program_cache.clear()
    train(ExperimentConfig(samples=100, hidden=(9,), epochs=1))
    assert len(list((tmp_path / "jit" / "kernels").glob("*.pkl"))) == 5
