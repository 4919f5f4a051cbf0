"""The learning-rate range test (Leslie Smith 2015; fastai's `lr_find`).

Train a copy of the config's initial network for ~100 mini-batches while the learning rate grows
exponentially from 1e-7 to 10; record the loss, smoothed by a bias-corrected moving average; stop
once it exceeds four times its best. The copy is thrown away: the student's config and runs are
untouched. Three readings of the curve suggest a learning rate:
valley (fastai's default), steepest (fastest fall per decade) and the minimum's lr divided by 10.
"""

import hashlib
import math
from pathlib import Path

import numpy as np
from tinygrad import Tensor, dtypes
from tinygrad.dtype import DType

from tutor.config import ExperimentConfig
from tutor.data import load, rng
from tutor.engine import jitcache
from tutor.engine.device import resolve
from tutor.engine.gate import turn
from tutor.engine.model import cross_entropy, forward, layout_of, views
from tutor.engine.optim import family, hyperparameters, update
from tutor.tune.results import END, START, LRFind, Suggestions

STEPS = 100
BETA = 0.98  # smoothing of the loss, as in fastai
DIVERGE = 4.0  # stop when the smoothed loss exceeds this many times its best
SOURCE = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]  # a new step function, a new capture


def lr_find(cfg: ExperimentConfig, steps: int = STEPS) -> LRFind:
    """Run the range test on `cfg`'s data, network and optimiser (its lr is ignored)."""
    with turn():
        return _range_test(cfg, steps)


def _range_test(cfg: ExperimentConfig, steps: int) -> LRFind:
    device = resolve(cfg.device)
    data = load(cfg)
    layout = layout_of(cfg, data.n_features)
    kind, batch = family(cfg.optimizer), min(cfg.batch_size, len(data.y_train))

    def step(theta: Tensor, m: Tensor, v: Tensor, x: Tensor, y: Tensor, hp: Tensor, t: Tensor) -> Tensor:
        logits, _ = forward(views(theta, layout), x, cfg.activation)
        loss = cross_entropy(logits, y, data.n_classes).mean()
        loss.backward()
        grad, theta.grad = theta.grad, None
        theta.assign(theta.detach() - update(kind, theta, grad, m, v, t, hp))
        return loss.realize(theta, m, v)

    def put(a: object, dtype: DType = dtypes.float32) -> Tensor:
        return Tensor(np.ascontiguousarray(a), device=device, dtype=dtype).realize()

    # TinyJit runs its first call eagerly and captures the second: both are real steps of the test
    key = jitcache.key_of("lrfind", SOURCE, kind, device, layout.sizes, cfg.activation, batch)
    jit, ready = jitcache.get(key, step)
    theta = put(layout.init(cfg.activation, rng(cfg.seed, "init"))[None])
    theta.requires_grad = True
    m, v = put(np.zeros((1, layout.n_params))), put(np.zeros((1, layout.n_params)))
    order = _batches(cfg, len(data.y_train), steps)
    lrs = START * (END / START) ** (np.arange(steps) / (steps - 1))
    seen, losses, avg, best, blowup = [], [], 0.0, math.inf, None
    for i, lr in enumerate(lrs):
        pick = order[i * batch : (i + 1) * batch]
        hp = put([hyperparameters(cfg.optimizer, float(lr), cfg.momentum, cfg.weight_decay)])
        value = float(jit(theta, m, v, put(data.x_train[pick]), put(data.y_train[pick], dtypes.int32), hp,
                          put([[i + 1.0]])).item())
        avg = BETA * avg + (1 - BETA) * value
        smooth = avg / (1 - BETA ** (i + 1))
        if not math.isfinite(smooth):
            blowup = float(lr)
            break
        seen.append(_round(lr, 6))
        losses.append(_round(smooth, 6))
        best = min(best, smooth)
        if smooth > DIVERGE * best:
            blowup = float(lr)
            break
    if not ready and getattr(jit, "captured", None) is not None:
        jitcache.put(key, jit)
    return LRFind(config=cfg, lrs=seen, losses=losses, suggestions=suggest(np.array(seen), np.array(losses)),
                  blowup_lr=blowup)


def _batches(cfg: ExperimentConfig, n: int, steps: int) -> np.ndarray:
    """Shuffled example indices for `steps` mini-batches, reshuffled at each pass over the data."""
    need, r = steps * min(cfg.batch_size, n), rng(cfg.seed, "shuffle")
    return np.concatenate([r.permutation(n) for _ in range(-(-need // n))])[:need]


def suggest(lrs: np.ndarray, losses: np.ndarray) -> Suggestions:
    """fastai's three readings, on the curve less its first tenth and last five points (noise and blow-up)."""
    if len(lrs) < 4:
        raise ValueError("too few points for a suggestion")
    lo, hi = len(lrs) // 10, max(len(lrs) - 5, len(lrs) // 10 + 3)
    lrs, losses = lrs[lo:hi], losses[lo:hi]
    slopes = np.diff(losses) / np.diff(np.log(lrs))
    return Suggestions(valley=_round(lrs[_valley(losses)]), steepest=_round(lrs[int(np.argmin(slopes))]),
                       min_div_10=_round(lrs[int(np.argmin(losses))] / 10))


def _valley(losses: np.ndarray) -> int:
    """After fastai's valley: find the longest run of ever-lower losses (a longest decreasing
    subsequence) and take the point half-way down it, before the bottom where the loss turns."""
    n = len(losses)
    run = [1] * n
    start = end = 0
    for i in range(1, n):
        for j in range(i):
            if losses[i] < losses[j] and run[i] < run[j] + 1:
                run[i] = run[j] + 1
        if run[end] < run[i]:
            end, start = i, i - run[i]
    third = (end - start) / 3
    return start + int(third) + int(third / 2)


def _round(x: float, digits: int = 3) -> float:
    return float(f"{x:.{digits}g}")
