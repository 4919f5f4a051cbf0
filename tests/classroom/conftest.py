"""Fixtures of the classroom tests; tests/ui's pilot_tools is importable here too."""

import sys
from pathlib import Path

import pytest

from tutor.lessons import load_lessons
from tutor.store import Store

sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))  # pilot_tools, shared with the student app's tests


@pytest.fixture(scope="module")
def course():
    return load_lessons()


@pytest.fixture
def store(isolated_home) -> Store:
    return Store()
