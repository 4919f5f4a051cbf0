"""The warm-up derives the shapes a course trains from its lessons, and captures them in a child process
that fills the step cache and stops when told."""

from pathlib import Path

import pytest

from tutor.config import ExperimentConfig
from tutor.dialogue.parse import parse
from tutor.dialogue.tutor import apply
from tutor.dialogue.warmup import FREE, Warmup, course_shapes
from tutor.engine import training
from tutor.engine.device import resolve
from tutor.engine.jitcache import cache_dir
from tutor.lessons import load_lessons
from tutor.settings import Settings

LESSON = """---
id: shapes
lang: en
title: Shapes
topics: [architecture]
order: 1
---

# Shapes

## One run

```experiment
dataset: circles
samples: 200
hidden: [16]
batch_size: 50
expect:
  any: [healthy]
```

```whatif
- what if we had two hidden layers of 8?
- what if the learning rate were 0.1?
```

## A grid

```sweep
method: grid
base:
  dataset: circles
  samples: 200
  hidden: [16]
grid:
  batch_size: [10, 20]
  lr: [0.01, 0.1]
```
"""
START = ExperimentConfig(dataset="moons", samples=300, hidden=(4,))


def shape(batch: list[ExperimentConfig]) -> tuple:
    return len(batch), batch[0].model_dump_json(exclude=FREE)


def test_the_shapes_come_from_the_lessons_and_their_what_ifs(tmp_path: Path):
    (tmp_path / "shapes.md").write_text(LESSON)
    course = load_lessons([tmp_path], search=False)
    assert not course.errors
    shapes = course_shapes(course, START)
    experiment = course.lessons[0].steps[0].blocks[0].config
    wider = parse("what if we had two hidden layers of 8?", "en").changes

    assert shapes[:2] == [[START], [apply(START, wider, "en")]]
    singles = [START, apply(START, wider, "en"), experiment, apply(experiment, wider, "en")]
    grid = [b for b in shapes if len({c.lr for c in b}) > 1]  # each batch size's two learning rates train together
    assert sorted((b[0].batch_size, sorted(c.lr for c in b)) for b in grid) == [(10, [0.01, 0.1]), (20, [0.01, 0.1])]
    # a learning rate alone is no new shape
    expected = set(map(shape, [[c] for c in singles])) | set(map(shape, grid))
    assert set(map(shape, shapes)) == expected and len(shapes) == len(expected)


def test_the_built_in_course_has_the_default_network_first():
    shapes = course_shapes(load_lessons())
    assert shapes[0] == [ExperimentConfig()]
    assert len(shapes) > 10 and all(1 <= len(b) <= 16 for b in shapes)


@pytest.mark.slow
def test_the_warmup_fills_the_cache_and_can_be_cancelled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "cache"))
    warmup = Warmup(Settings.from_env(), nice=0)  # not starved by the other tests
    progress = warmup.progress()
    assert next(progress)[0] == 0
    done, total = next(progress)  # the default network, captured
    assert done == 1 and total > 1 and warmup.running
    warmup.cancel()
    assert not warmup.running and list(progress) == [] and warmup.done == 1
    assert any(cache_dir().iterdir())
    if resolve("auto") == "CPU":  # its epoch program loads from disk: no capture in this process
        monkeypatch.setattr(training._Batch, "capture", lambda *_: pytest.fail("captured again"))
        assert training._Batch([ExperimentConfig()]).program is not None
