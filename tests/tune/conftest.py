"""Small moons and few shapes: every capture here costs seconds, every warm run a fraction of one."""

import pytest

from tutor.config import ExperimentConfig
from tutor.store import Store


@pytest.fixture
def base() -> ExperimentConfig:
    return ExperimentConfig(dataset="moons", samples=200, hidden=(16,), epochs=3, seed=0)


@pytest.fixture
def store(isolated_home) -> Store:
    return Store(isolated_home / "tutor.db")
