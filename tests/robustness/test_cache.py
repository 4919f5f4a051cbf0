"""The step cache promises "never fatal": whatever is at its path, a run trains."""

import os
import pickle
import stat

import pytest

from tutor.config import ExperimentConfig
from tutor.engine import jitcache
from tutor.engine.training import train

pytestmark = pytest.mark.slow  # each test captures a step from scratch, in a cache of its own

CFG = ExperimentConfig(samples=64, hidden=(3,), epochs=1)


def test_a_cache_entry_that_is_a_folder_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    want = train(CFG).history
    entries = sorted((tmp_path / "jit").glob("*.pkl"))
    for entry in entries:
        entry.unlink()
        entry.mkdir()
    jitcache._loaded.clear()
    assert train(CFG).history == want
    assert all(entry.is_dir() for entry in entries)


def test_a_cache_path_under_a_regular_file_is_skipped(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "file"))
    jitcache._loaded.clear()
    assert train(CFG).status == "completed"


def test_the_cache_folder_is_private_and_a_shared_one_is_not_loaded(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    jitcache._loaded.clear()
    train(CFG)
    folder = tmp_path / "jit"
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    folder.chmod(0o777)  # anyone could have put a pickle here, and loading a pickle runs its code
    marker = tmp_path / "ran"
    for entry in folder.glob("*.pkl"):
        entry.write_bytes(pickle.dumps(Planted(str(marker))))
    jitcache._loaded.clear()
    assert train(CFG).status == "completed"
    assert not marker.exists()


class Planted:
    """A pickle that, loaded, makes a folder: the stand-in for a planted one."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return os.mkdir, (self.path,)
