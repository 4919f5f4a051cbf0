"""Every test gets its own data folder. Captured steps (seconds each) are shared by every test and every
xdist worker, and kept between runs in pytest's cache folder: a step's key names the engine's source and
tinygrad's version, so a change to either captures afresh (`--cache-clear` empties it; a fresh clone, as
in CI, starts empty). The tests about capturing use caches of their own."""

import os
import shutil

import pytest
from hypothesis import settings

from tutor.lessons import Course, load_lessons
from tutor.settings import Settings
from tutor.store import Store

# a property test checks what a parser answers, not how fast: a loaded machine took 345 ms over the 200 ms
# default deadline (the parser's time is checked in its own test, as thread CPU time)
settings.register_profile("tutor", deadline=None)
settings.load_profile("tutor")


@pytest.fixture(scope="session")
def jit_cache(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    cache = getattr(request.config, "cache", None)  # None under `-p no:cacheprovider`
    return cache.mkdir("jit-cache") if cache else tmp_path_factory.mktemp("jit-cache")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The slow tests first, each file's in its order: under xdist (`--dist worksteal`, pyproject) the run then
    ends on short tests that keep every core busy, not on a long one that leaves the others idle."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, jit_cache, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TUTOR_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TUTOR_CACHE", str(jit_cache))
    monkeypatch.setenv("TUTOR_STUDENT", "test")
    monkeypatch.setenv("TUTOR_WARMUP", "0")  # apps and servers started as processes capture no course in the background
    monkeypatch.delenv("TUTOR_LESSONS", raising=False)
    # tinygrad sets DEV in its process's environment once a tensor takes the default device (a capture does):
    # a process a later test starts would inherit it and open that device at its start (a second, for the CPU)
    monkeypatch.delenv("DEV", raising=False)
    for size in ("COLUMNS", "LINES"):  # xdist's workers set 80×24: every app a test starts would keep that size
        monkeypatch.delenv(size, raising=False)
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


@pytest.fixture
def store(isolated_home) -> Store:
    """An empty store in the test's data folder."""
    return Store(Settings.from_env().store)


@pytest.fixture(scope="module")
def course() -> Course:
    """The built-in lessons."""
    return load_lessons()
