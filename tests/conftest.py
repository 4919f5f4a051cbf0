"""Every test gets its own data folder; the JIT cache is shared by the session (captures cost seconds)."""

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
