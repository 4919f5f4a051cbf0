"""The compiled epoch program trains exactly as the replay of the captured step, and gives way to it."""

import subprocess

import numpy as np
import pytest

from tutor.config import ExperimentConfig
from tutor.data import load
from tutor.engine import jitcache, program, training
from tutor.engine.model import layout_of
from tutor.engine.training import train, train_batch

BASE = ExperimentConfig(dataset="moons", samples=300, batch_size=32, epochs=3, seed=3)
CASES = [
    BASE.changed(hidden=(16, 16), optimizer="adam", lr=0.01),
    BASE.changed(hidden=(16, 16), optimizer="sgd", lr=0.1),
    BASE.changed(hidden=(8,), optimizer="momentum", lr=0.05, activation="tanh", weight_decay=0.01),
    ExperimentConfig(dataset="spiral", samples=240, classes=3, hidden=(12, 12, 12), optimizer="adam", lr=0.02,
                     batch_size=50, epochs=2, seed=1),
    BASE.changed(hidden=(16, 16), optimizer="sgd", lr=50, epochs=4),  # diverges in its first epoch
]


def replayed(cfgs: list[ExperimentConfig], monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    with monkeypatch.context() as m:
        m.setenv("TUTOR_EPOCH_PROGRAM", "0")
        return [_comparable(r) for r in train_batch(cfgs)]


def _comparable(run: training.RunResult) -> dict:
    return run.model_dump(exclude={"seconds", "train_seconds"})


@pytest.mark.slow
@pytest.mark.parametrize("cfg", CASES, ids=lambda c: f"{c.dataset}-{'-'.join(map(str, c.hidden))}-{c.optimizer}-{c.lr}")
def test_the_epoch_program_equals_the_replay_bit_for_bit(cfg, monkeypatch):
    assert training._Batch([cfg]).program is not None
    compiled = _comparable(train(cfg))
    assert compiled == replayed([cfg], monkeypatch)[0]
    assert compiled["params"] is not None or compiled["status"] == "diverged"


@pytest.mark.slow
def test_a_batched_sweep_equals_its_replay(monkeypatch):
    cfgs = [
        BASE.changed(hidden=(16, 16), optimizer="adam", lr=lr, epochs=e) for lr, e in ((0.001, 3), (0.05, 2), (5.0, 3))
    ]
    assert [_comparable(r) for r in train_batch(cfgs)] == replayed(cfgs, monkeypatch)


@pytest.mark.slow
def test_a_compile_error_falls_back_to_the_replay(monkeypatch, tmp_path):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))  # nothing compiled yet

    def broken(*_):
        raise subprocess.CalledProcessError(1, "clang")

    monkeypatch.setattr(program, "_compiled", broken)
    cfg = CASES[2]
    assert training._Batch([cfg]).program is None
    assert _comparable(train(cfg)) == replayed([cfg], monkeypatch)[0]


@pytest.mark.slow
def test_the_program_is_cached_beside_the_step(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    monkeypatch.setattr(jitcache, "_loaded", {})  # as in a fresh process
    train(CASES[2])
    objects = list((tmp_path / "jit").glob("*.so"))
    assert len(objects) == 1 and any(objects[0].name.startswith(p.stem) for p in (tmp_path / "jit").glob("*.pkl"))


@pytest.mark.slow
def test_a_compiled_shape_starts_without_capture_and_trains_the_same(tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path))
    monkeypatch.setattr(jitcache, "_loaded", {})
    cfg = CASES[3]
    built = training._Batch([cfg])
    assert hasattr(built, "step_jit")  # captured, then compiled
    first = _comparable(built.run(None, lambda: False)[0])
    monkeypatch.setattr(jitcache, "_loaded", {})  # as in a fresh process
    loaded = training._Batch([cfg])
    assert loaded.program is not None and not hasattr(loaded, "step_jit")
    assert _comparable(loaded.run(None, lambda: False)[0]) == first == replayed([cfg], monkeypatch)[0]


def test_a_stop_is_seen_within_an_epoch():
    calls = []
    run = train(CASES[0], should_stop=lambda: calls.append(1) or len(calls) > 3)
    assert run.status == "cancelled" and len(run.history) == 1
    assert 0 < run.history[0].step < run.steps_per_epoch


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_the_evaluation_in_chunks_equals_numpy_on_the_whole_set(monkeypatch, activation):
    monkeypatch.setattr(training, "EVAL_CHUNK", 70)  # 300 examples: four chunks and a padded fifth
    cfg = BASE.changed(hidden=(16, 16), optimizer="adam", lr=0.01, activation=activation, epochs=2)
    run = train(cfg)
    assert training._Batch([cfg]).chunks == 5
    data, layout = load(cfg), layout_of(cfg, 2)
    theta = np.array(run.params)
    for x, y, loss, acc in (
        (data.x_train, data.y_train, "train_loss", "train_acc"),
        (data.x_val, data.y_val, "val_loss", "val_acc"),
    ):
        logits = _logits(layout, activation, theta, x)
        p = np.exp(logits - logits.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        assert getattr(run.history[-1], loss) == pytest.approx(-np.log(p[np.arange(len(y)), y]).mean(), rel=1e-4)
        assert getattr(run.history[-1], acc) == pytest.approx((logits.argmax(1) == y).mean(), abs=1e-6)
    assert compiled_equals_replay(cfg, monkeypatch)


def _logits(layout, activation, theta, x):
    h = x.astype(np.float64)
    for k, (offset, a, b) in enumerate(layout.layers):
        h = h @ theta[offset : offset + a * b].reshape(a, b) + theta[offset + a * b : offset + a * b + b]
        if k < len(layout.layers) - 1:
            h = np.maximum(h, 0) if activation == "relu" else np.tanh(h)
    return h


def compiled_equals_replay(cfg, monkeypatch) -> bool:
    return _comparable(train(cfg)) == replayed([cfg], monkeypatch)[0]
