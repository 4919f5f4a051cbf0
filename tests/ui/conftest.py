"""An app per test, on the test's own data folder (tests/conftest.py); the default network shape only."""

from collections.abc import Callable
from pathlib import Path

import pytest

from tutor.i18n import Lang
from tutor.lessons import Course, load_lessons
from tutor.store import Store
from tutor.ui.app import TutorApp

SAMPLE = Path(__file__).parent / "sample-course"


@pytest.fixture(scope="session")
def sample_course() -> Course:
    """Three short steps (quizzes, a prediction, an experiment, a what-if) in es and en."""
    return load_lessons([SAMPLE], search=False)


@pytest.fixture
def make_app(store: Store) -> Callable[..., TutorApp]:
    def make(lang: Lang = "en", course: Course | None = None, student: str = "ana") -> TutorApp:
        return TutorApp(store, student, lang, course)

    return make
