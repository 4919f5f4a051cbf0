"""Synthetic runs for the rules: a RunResult built by hand from a few curves, in microseconds."""

import math
from collections.abc import Callable, Sequence

import numpy as np
import pytest

from tutor.config import ExperimentConfig
from tutor.engine import Divergence, Epoch, Metrics, RunResult

REFERENCE = 0.98  # the k-NN reference accuracy the synthetic runs are judged against


def fake_run(
    train_loss: Sequence[float],
    val_loss: Sequence[float] | None = None,
    train_acc: Sequence[float] | float = 0.97,
    val_acc: Sequence[float] | float | None = None,
    update_ratio: Sequence[float] | float = 2e-3,
    dead: float = 0.05,
    layer_grads: Sequence[float] = (0.3, 0.3, 0.3),
    init_loss: float = 0.72,
    steps_per_epoch: int | None = None,
    diverged_at: Divergence | None = None,
    n_params: int = 1218,
    **config: object,
) -> RunResult:
    """A run whose epochs follow the given curves (scalars repeat); the config defaults to moons 32,32."""
    cfg = ExperimentConfig(**{"dataset": "moons", "samples": 1000, "epochs": len(train_loss), **config})
    n, n_train = len(train_loss), round(0.8 * cfg.n_samples)
    steps_per_epoch = steps_per_epoch or math.ceil(n_train / min(cfg.batch_size, n_train))

    def curve(v: Sequence[float] | float | None, default: Sequence[float] | float) -> list[float]:
        v = default if v is None else v
        return [float(x) for x in (v if isinstance(v, Sequence) else [v] * n)]

    tl, vl = curve(train_loss, 0), curve(val_loss, [x * 1.1 + 0.01 for x in train_loss])
    ta, va = curve(train_acc, 0), curve(val_acc, train_acc)
    ur = curve(update_ratio, 0)
    history = [
        Epoch(epoch=i + 1, step=(i + 1) * steps_per_epoch, train_loss=tl[i], val_loss=vl[i], train_acc=ta[i],
              val_acc=va[i], grad_norm=0.5, update_ratio=ur[i], dead_fraction=dead, layer_grad_norms=list(layer_grads))
        for i in range(n)
    ]
    steps = np.repeat(tl, steps_per_epoch) * (1 + 0.05 * np.cos(np.arange(n * steps_per_epoch)))
    return RunResult(config=cfg, status="diverged" if diverged_at else "completed",
                     init=Metrics(train_loss=init_loss, val_loss=init_loss, train_acc=0.5, val_acc=0.5),
                     history=history, step_losses=[float(x) for x in steps], diverged_at=diverged_at,
                     steps_per_epoch=steps_per_epoch, batch_size_used=min(cfg.batch_size, n_train), n_train=n_train,
                     n_val=cfg.n_samples - n_train, n_params=n_params, device="CPU", seconds=1.0, train_seconds=0.5)


@pytest.fixture(autouse=True)
def fixed_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    """Synthetic runs are judged against a fixed reference (modules of real runs override this)."""
    monkeypatch.setattr("tutor.diagnose.signals.reference_accuracy", lambda cfg: REFERENCE)


@pytest.fixture
def run_of() -> Callable[..., RunResult]:
    return fake_run
