"""Features of one run, computed from its history, its step losses and its config.

Every function here is pure: same RunResult, same numbers. Losses are in nats; where a threshold must
not depend on the number of classes, a loss is divided by ln(classes), the loss of a network that
gives every class the same probability (the "chance loss").
"""

import math
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict

from tutor.diagnose.reference import reference_accuracy
from tutor.engine import Epoch, RunResult

# Below this many epochs "the last third" has too few points: the trend is read from step losses.
MIN_EPOCHS_FOR_TREND = 6


class Signals(BaseModel):
    """Named features of a run; None where the run has no data for one (e.g. it diverged at once)."""

    model_config = ConfigDict(frozen=True)

    # what happened
    status: str
    diverged_epoch: int | None
    diverged_step: int | None
    diverged_reason: str | None
    # the problem and the schedule
    n_classes: int
    chance_acc: float  # 1 / classes: the accuracy of guessing (the classes are balanced)
    chance_loss: float  # ln(classes)
    lr: float
    weight_decay: float
    optimizer: str
    activation: str
    hidden: tuple[int, ...]
    depth: int  # weight layers: hidden layers + 1
    batch_size: int  # the batch actually used (at most the training set)
    batch_fraction: float  # batch / training examples
    n_train: int
    n_val: int
    n_params: int
    params_per_example: float
    epochs_planned: int
    epochs_run: int
    steps_per_epoch: int
    total_updates: int
    # losses and accuracies
    init_loss: float | None  # training loss before the first update
    init_loss_ratio: float | None  # init_loss / chance_loss: about 1 for a sane initialisation
    last_train_loss: float | None
    last_val_loss: float | None
    last_train_acc: float | None
    last_val_acc: float | None
    best_epoch: int | None  # the epoch with the lowest validation loss
    best_val_loss: float | None
    best_val_acc: float | None
    near_best_epoch: int | None  # the first epoch within a point of the best validation accuracy
    train_loss_at_best: float | None
    peak_step_loss: float | None  # the largest finite mini-batch loss
    progress: float | None  # share of the initial training loss that training removed
    # trends
    recent_drop: float | None  # fitted fall of the training loss over the last third, in chance losses
    recent_share: float | None  # that fall as a share of the whole fall since initialisation
    val_rise: float | None  # last val loss minus the best one (nats)
    gap_loss: float | None  # last val loss minus last train loss (nats)
    gap_acc: float | None  # last train accuracy minus last val accuracy
    gap_growth: float | None  # how much gap_loss widened after the best epoch (nats)
    train_val_ratio: float | None  # last train loss / last val loss
    max_rise: float  # largest rise of the whole-set training loss above an earlier epoch's, in chance losses
    rise_epoch: int | None  # the epoch of that rise
    rise_from: float | None  # the earlier minimum it rose from (nats)
    rise_to: float | None  # where it rose to (nats)
    loss_flips: float | None  # share of epoch-to-epoch training-loss changes that reverse direction
    step_noise: float | None  # spread of recent step losses around their trend, over their mean
    # gradients and updates
    grad_growth: float | None  # last epoch's gradient norm over the first epoch's
    update_ratio_first: float | None  # mean |step| / |weights| in the first epoch
    update_ratio_early: float | None  # its median over the first third of the epochs
    path_length: float  # all the steps' sizes added up, relative to the weights' size
    dead_fraction: float | None  # hidden units passing no gradient at the end (saturated, for tanh/sigmoid)
    grad_ratio: float | None  # first-layer over last-layer gradient norm (median over epochs)
    first_layer_grad: float | None
    last_layer_grad: float | None
    # accuracy against references
    reference_acc: float  # k-NN validation accuracy on the same split
    reference_se: float  # its standard error on this many validation examples
    train_deficit: float | None  # reference_acc - last train accuracy
    above_chance: float | None  # last val accuracy - chance accuracy


def signals_of(run: RunResult) -> Signals:
    """All the signals of one run."""
    return Signals(**_schedule(run), **_outcome(run), **_trends(run), **_gradients(run), **_references(run))


def _schedule(run: RunResult) -> dict[str, Any]:
    cfg, div = run.config, run.diverged_at
    return dict(
        status=run.status,
        diverged_epoch=div and div.epoch,
        diverged_step=div and div.step,
        diverged_reason=div and div.reason,
        n_classes=cfg.n_classes,
        chance_acc=1 / cfg.n_classes,
        chance_loss=math.log(cfg.n_classes),
        lr=cfg.lr,
        weight_decay=cfg.weight_decay,
        optimizer=cfg.optimizer,
        activation=cfg.activation,
        hidden=cfg.hidden,
        depth=len(cfg.hidden) + 1,
        batch_size=run.batch_size_used,
        batch_fraction=run.batch_size_used / run.n_train,
        n_train=run.n_train,
        n_val=run.n_val,
        n_params=run.n_params,
        params_per_example=run.n_params / run.n_train,
        epochs_planned=cfg.epochs,
        epochs_run=len(run.history),
        steps_per_epoch=run.steps_per_epoch,
        total_updates=run.history[-1].step if run.history else 0,
    )


def _outcome(run: RunResult) -> dict[str, Any]:
    h, init = run.history, run.init.train_loss
    last, best = (h[-1] if h else None), _best_epoch(h)
    last_train = last and last.train_loss
    return dict(
        init_loss=init, init_loss_ratio=init / math.log(run.config.n_classes) if init is not None else None,
        last_train_loss=last_train, last_val_loss=last and last.val_loss,
        last_train_acc=last and last.train_acc, last_val_acc=last and last.val_acc,
        best_epoch=best and best.epoch, best_val_loss=best and best.val_loss,
        best_val_acc=(top := max(_values(h, "val_acc"), default=None)),
        near_best_epoch=next((e.epoch for e in h if top is not None and (e.val_acc or 0) >= top - 0.01), None),
        train_loss_at_best=best and best.train_loss,
        peak_step_loss=max((x for x in run.step_losses if x is not None), default=None),
        progress=(init - last_train) / init if init and last_train is not None else None,
    )


def _trends(run: RunResult) -> dict[str, Any]:
    h, chance_loss = run.history, math.log(run.config.n_classes)
    last, best = (h[-1] if h else None), _best_epoch(h)
    gap_last = _sub(last and last.val_loss, last and last.train_loss)
    gap_best = _sub(best and best.val_loss, best and best.train_loss)
    drop, share = _recent_drop(run, chance_loss)
    rise, rise_epoch, rise_from, rise_to = _max_rise(h, chance_loss)
    return dict(
        recent_drop=drop, recent_share=share,
        val_rise=_sub(last and last.val_loss, best and best.val_loss),
        gap_loss=gap_last, gap_acc=_sub(last and last.train_acc, last and last.val_acc),
        gap_growth=_sub(gap_last, gap_best),
        train_val_ratio=last.train_loss / last.val_loss if last and last.train_loss is not None and last.val_loss
        else None,
        max_rise=rise, rise_epoch=rise_epoch, rise_from=rise_from, rise_to=rise_to,
        loss_flips=_flips(_values(h, "train_loss")), step_noise=step_noise(run),
    )


def _gradients(run: RunResult) -> dict[str, Any]:
    h = run.history
    ratios, grads = _values(h, "update_ratio"), [e.layer_grad_norms for e in h]
    norms = _values(h, "grad_norm")
    return dict(
        grad_growth=norms[-1] / norms[0] if len(norms) >= 2 and norms[0] > 0 else None,
        update_ratio_first=ratios[0] if ratios else None,
        update_ratio_early=float(np.median(ratios[: max(1, len(ratios) // 3)])) if ratios else None,
        path_length=_path_length(h),
        dead_fraction=h[-1].dead_fraction if h else None,
        grad_ratio=_grad_ratio(grads),
        first_layer_grad=_median_layer(grads, 0), last_layer_grad=_median_layer(grads, -1),
    )


def _references(run: RunResult) -> dict[str, Any]:
    ref, last = reference_accuracy(run.config), (run.history[-1] if run.history else None)
    return dict(
        reference_acc=ref, reference_se=acc_se(ref, run.n_val),
        train_deficit=_sub(ref, last and last.train_acc),
        above_chance=_sub(last and last.val_acc, 1 / run.config.n_classes),
    )


def acc_se(acc: float, n: int) -> float:
    """The standard error of an accuracy measured on `n` examples (at least that of one example in n)."""
    return math.sqrt(max(acc * (1 - acc), 1 / n) / n)


def _values(h: list[Epoch], field: str) -> list[float]:
    return [v for e in h if (v := getattr(e, field)) is not None and math.isfinite(v)]


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _best_epoch(h: list[Epoch]) -> Epoch | None:
    """The epoch with the lowest validation loss (the first of equals)."""
    scored = [e for e in h if e.val_loss is not None]
    return min(scored, key=lambda e: e.val_loss) if scored else None


def _slope(y: np.ndarray) -> float:
    """Least-squares slope of y against 0, 1, 2, ..."""
    return float(np.polyfit(np.arange(len(y), dtype=np.float64), y, 1)[0])


def _recent_drop(run: RunResult, chance_loss: float) -> tuple[float | None, float | None]:
    """How much the training loss fell over the last third of the run (a straight-line fit), in chance
    losses, and that fall as a share of the whole fall since initialisation. Read from the epochs'
    whole-set losses when there are enough epochs, else from the last half of the step losses."""
    losses = _values(run.history, "train_loss")
    if len(losses) >= MIN_EPOCHS_FOR_TREND:
        window = np.array(losses[-(math.ceil(len(losses) / 3) + 1):])
    else:
        steps = np.array([x for x in run.step_losses if x is not None])
        window = steps[len(steps) // 2:]
    if len(window) < 2 or not losses or run.init.train_loss is None:
        return None, None
    drop = -_slope(window) * (len(window) - 1)
    total = run.init.train_loss - losses[-1]
    return drop / chance_loss, (drop / total if total > 0 else None)


def _max_rise(h: list[Epoch], chance_loss: float) -> tuple[float, int | None, float | None, float | None]:
    """The largest rise of an epoch's training loss above the lowest of the epochs before it.

    Measured on the whole training set, not on mini-batches, so sampling noise cannot explain it: with
    a small enough step, gradient descent lowers this loss at every step (the descent lemma)."""
    lowest, out = math.inf, (0.0, None, None, None)
    for e in h:
        loss = e.train_loss if e.train_loss is not None else math.inf
        rise = (loss - lowest) / chance_loss if lowest < math.inf else 0.0
        if rise > out[0]:
            out = (min(rise, 1e6), e.epoch, lowest, e.train_loss)
        lowest = min(lowest, loss)
    return out


def _flips(losses: list[float]) -> float | None:
    d = np.sign(np.diff(losses))
    d = d[d != 0]
    return float((d[1:] != d[:-1]).mean()) if len(d) >= 3 else None


def step_noise(run: RunResult) -> float | None:
    """Spread of the last epochs' step losses (at least 20 steps) around a straight-line trend, over their mean."""
    steps = np.array([x for x in run.step_losses if x is not None])
    recent = steps[-max(20, 3 * run.steps_per_epoch):]
    if len(recent) < 5 or recent.mean() <= 0:
        return None
    x = np.arange(len(recent), dtype=np.float64)
    trend = np.polyval(np.polyfit(x, recent, 1), x)
    return float(np.std(recent - trend) / recent.mean())


def _path_length(h: list[Epoch]) -> float:
    """The sum over updates of |step| / |weights|: how many times over the steps could have moved the weights."""
    steps = np.diff([0] + [e.step for e in h])
    return float(sum(n * e.update_ratio for n, e in zip(steps, h) if e.update_ratio is not None))


def _median_layer(grads: list[list[float | None]], k: int) -> float | None:
    values = [g[k] for g in grads if g and g[k] is not None]
    return float(np.median(values)) if values else None


def _grad_ratio(grads: list[list[float | None]]) -> float | None:
    """Median over epochs of the first layer's gradient norm over the last layer's."""
    ratios = [g[0] / g[-1] for g in grads if len(g) >= 2 and g[0] is not None and g[-1]]
    return float(np.median(ratios)) if ratios else None
