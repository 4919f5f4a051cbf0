"""The engine's gradient step checked against a hand-written NumPy MLP on the same seeded data."""

import numpy as np
import pytest

from tutor.config import ExperimentConfig
from tutor.data import load, rng
from tutor.engine.model import layout_of
from tutor.engine.training import train


def numpy_step(theta: np.ndarray, x: np.ndarray, y: np.ndarray, sizes, activation: str, lr: float) -> np.ndarray:
    """One full-batch SGD step of softmax cross-entropy, by hand."""
    ws, offset = [], 0
    for a, b in zip(sizes[:-1], sizes[1:]):
        ws.append((theta[offset : offset + a * b].reshape(a, b), theta[offset + a * b : offset + a * b + b]))
        offset += a * b + b
    hs, zs = [x], []
    for k, (w, b) in enumerate(ws):
        z = hs[-1] @ w + b
        zs.append(z)
        hs.append(z if k == len(ws) - 1 else np.tanh(z) if activation == "tanh" else np.maximum(z, 0))
    p = np.exp(zs[-1] - zs[-1].max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    dz = (p - np.eye(sizes[-1])[y]) / len(y)
    grads = []
    for k in reversed(range(len(ws))):
        grads.append((hs[k].T @ dz, dz.sum(0)))
        if k:
            dh = dz @ ws[k][0].T
            dz = dh * (1 - hs[k] ** 2) if activation == "tanh" else dh * (zs[k - 1] > 0)
    flat = np.concatenate([np.concatenate([gw.ravel(), gb]) for gw, gb in reversed(grads)])
    return theta - lr * flat


@pytest.mark.slow
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_one_full_batch_sgd_step_matches_numpy(activation):
    cfg = ExperimentConfig(samples=200, hidden=(8, 8), activation=activation, optimizer="sgd", lr=0.5,
                           batch_size=10_000, epochs=2, seed=3)
    data = load(cfg)
    layout = layout_of(cfg, 2)
    theta = layout.init(activation, rng(cfg.seed, "init")).astype(np.float64)
    x, y = data.x_train.astype(np.float64), data.y_train
    run = train(cfg)
    for epoch in run.history:  # one full-batch step per epoch: the order of examples does not matter
        theta = numpy_step(theta, x, y, layout.sizes, activation, cfg.lr)
        p = np.exp(_logits(theta, x, layout.sizes, activation))
        p /= p.sum(1, keepdims=True)
        loss = -np.log(p[np.arange(len(y)), y]).mean()
        assert epoch.train_loss == pytest.approx(loss, rel=1e-4)


def _logits(theta, x, sizes, activation):
    h, offset = x, 0
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        h = h @ theta[offset : offset + a * b].reshape(a, b) + theta[offset + a * b : offset + a * b + b]
        offset += a * b + b
        if k < len(sizes) - 2:
            h = np.tanh(h) if activation == "tanh" else np.maximum(h, 0)
    return h - h.max(1, keepdims=True)


@pytest.mark.slow
def test_kept_weights_reproduce_the_runs_accuracy():
    from tutor.engine.model import predict

    cfg = ExperimentConfig(samples=300, epochs=6)
    run = train(cfg)
    data = load(cfg)
    guess = predict(layout_of(cfg, 2), cfg.activation, np.asarray(run.params), data.x_val)
    assert (guess == data.y_val).mean() == pytest.approx(run.history[-1].val_acc, abs=0.01)
