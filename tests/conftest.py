"""Every test gets its own data folder; the JIT cache is shared by the session (captures cost seconds)."""

import os
import shutil

import pytest


@pytest.fixture(scope="session")
def jit_cache(tmp_path_factory: pytest.TempPathFactory):
    return tmp_path_factory.mktemp("jit-cache")


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, jit_cache, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TUTOR_CACHE", str(jit_cache))
    monkeypatch.setenv("TUTOR_STUDENT", "test")
    monkeypatch.setenv("TUTOR_WARMUP", "0")  # apps and servers started as processes capture no course in the background
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    return tmp_path / "home"


@pytest.fixture
def tmux() -> str:
    """tmux's path. Without tmux the tests that drive it skip, except in CI (.ci/run installs it), where they fail."""
    path = shutil.which("tmux")
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is missing: .ci/run installs it")
        pytest.skip("needs tmux (apt-get install tmux)")
    return path
