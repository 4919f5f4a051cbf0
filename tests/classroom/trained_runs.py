"""Tiny real runs for the teacher's-view tests: trained once per test process, stored per test."""

from functools import cache

from tutor.config import make_config
from tutor.diagnose import explain
from tutor.engine import RunResult
from tutor.engine.training import train
from tutor.store import Store

TINY = {"epochs": 2, "samples": 100}
CONFIGS = {
    "healthy": TINY,  # moons, 32,32: healthy
    "lr50": {**TINY, "optimizer": "sgd", "lr": 50},  # diverged
    "lr5": {**TINY, "optimizer": "sgd", "lr": 5},  # diverged
    "spiral4": {**TINY, "dataset": "spiral", "hidden": [4]},  # 22 parameters
    "spiral4b": {**TINY, "dataset": "spiral", "hidden": [4], "seed": 1},
    "spiral16": {**TINY, "dataset": "spiral", "hidden": [16]},  # 82 parameters
}


@cache
def trained(name: str) -> RunResult:
    return train(make_config(CONFIGS[name], "en"))


def add(store: Store, student: str, name: str) -> int:
    """Store the run `name` for `student`, with its real diagnoses; its id."""
    result = trained(name)
    return store.add_run(student, result, [d.model_dump(mode="json") for d in explain(result, "en")])
