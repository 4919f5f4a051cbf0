"""Captured steps and compiled kernels are cached on disk, bounded; a corrupt cache file is rebuilt, never fatal."""

import subprocess

import pytest
from tinygrad.codegen import to_program, to_program_cache
from tinygrad.runtime.support.compiler_cpu import ClangCompiler

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
    rendered = jitcache._rendered
    monkeypatch.setattr(jitcache, "_rendered", lambda *a: made.append(a) or rendered(*a))
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


def test_the_shape_files_keep_the_most_recently_used(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    monkeypatch.setattr(jitcache, "MAX_SHAPE_FILES", 4)  # one shape: its step, evaluation, program and manifest
    jitcache._loaded.clear()
    first, second = (ExperimentConfig(samples=100, hidden=(h,), epochs=1) for h in (10, 11))
    want = train(first).history
    train(second)
    folder = tmp_path / "jit"
    files = [f for f in folder.iterdir() if f.suffix in (".pkl", ".so", ".json")]
    assert len(files) == 4 and {f.suffix for f in files} == {".pkl", ".so", ".json"}
    assert all(m.with_suffix(".so").exists() for m in folder.glob("*.json"))  # no manifest without its program
    assert all(any(f.name.startswith(p.stem) for p in folder.glob("*.pkl")) for f in folder.glob("*.so"))  # a pair
    jitcache._loaded.clear()
    assert train(first).history == want  # pruned, so captured again: the same run


def test_a_new_shape_runs_clang_once_and_a_forced_replay_compiles_its_kernels(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    programs, kernels = [], []
    compile_, cached = ClangCompiler.compile, ClangCompiler.compile_cached
    monkeypatch.setattr(ClangCompiler, "compile", lambda self, src: programs.append(src) or compile_(self, src))
    monkeypatch.setattr(ClangCompiler, "compile_cached", lambda self, src: kernels.append(src) or cached(self, src))
    cfg = ExperimentConfig(samples=100, hidden=(12,), epochs=2)
    _forget_shapes(tmp_path)
    want = train(cfg).history
    assert len(programs) == 1 and kernels == []  # the epoch program: every kernel's source, and its driver
    monkeypatch.setenv("TUTOR_EPOCH_PROGRAM", "0")
    jitcache._loaded.clear()  # the captured steps come back from disk, their kernels not compiled yet
    assert train(cfg).history == want
    assert len(kernels) > 2
    _forget_shapes(tmp_path / "jit")  # captured again to be replayed: its kernels, rendered before, compiled now
    assert train(cfg).history == want


def test_a_new_clang_compiles_every_kernel_again_and_is_asked_once(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    cfg = ExperimentConfig(samples=100, hidden=(13,), epochs=1)
    want = train(cfg).history
    kernels = set((tmp_path / "jit" / "kernels").iterdir())
    monkeypatch.setattr(jitcache, "clang", lambda: "clang version 99")
    _forget_shapes(tmp_path / "jit")
    assert train(cfg).history == want
    assert set((tmp_path / "jit" / "kernels").iterdir()) > kernels  # none of the old clang's reused


def test_clang_is_asked_its_version_once_per_binary(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    asked = []
    run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: asked.append(a) or run(*a, **k))
    jitcache._clang_version.cache_clear()  # as in a fresh process
    said = jitcache.clang()
    assert "clang version" in said and jitcache.clang() == said and len(asked) == 1
    jitcache._clang_version.cache_clear()  # another process: the answer is kept in the cache folder
    assert jitcache.clang() == said and len(asked) == 1
