"""A reference for "how well could any model do here": k-nearest neighbours on the run's own split.

k-NN needs no training and, given enough examples, approaches the best achievable (Bayes) accuracy
(Cover & Hart, 1967), so a network whose training accuracy stays well below it is short of capacity
or of training, not blocked by the noise of the data. k is picked by leave-one-out on the training
set, never on the validation set the reference is scored on.
"""

from functools import lru_cache

import numpy as np

from tutor.config import ExperimentConfig
from tutor.data import load, rng

KS = (1, 3, 5, 9, 15, 25)
MAX_TRAIN, MAX_VAL, CHUNK = 3000, 2000, 500


def reference_accuracy(cfg: ExperimentConfig) -> float:
    """Validation accuracy of k-NN on the config's split (data fields only; the network is ignored)."""
    return _reference(cfg.dataset, cfg.n_samples, cfg.noise, cfg.classes, cfg.val_fraction, cfg.seed)


@lru_cache(maxsize=64)
def _reference(dataset: str, samples: int, noise: float, classes: int | None, val_fraction: float, seed: int) -> float:
    cfg = ExperimentConfig(dataset=dataset, samples=samples, noise=noise, classes=classes,
                           val_fraction=val_fraction, seed=seed)
    split = load(cfg)
    pick = rng(seed, "reference")
    x, y = _subsample(split.x_train, split.y_train, MAX_TRAIN, pick)
    xv, yv = _subsample(split.x_val, split.y_val, MAX_VAL, pick)
    n_classes = split.n_classes
    if not len(y) or not len(yv):
        return 1 / n_classes  # nothing to compare with: no better than chance
    k = 1
    if len(y) > max(KS):
        loo = _neighbours(x, x, max(KS), leave_one_out=True)
        k = max(KS, key=lambda k: (_accuracy(loo[:, :k], y, y, n_classes), -k))
    return _accuracy(_neighbours(xv, x, k), y, yv, n_classes)


def _subsample(x: np.ndarray, y: np.ndarray, n: int, r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if len(y) <= n:
        return x, y
    keep = np.sort(r.choice(len(y), n, replace=False))
    return x[keep], y[keep]


def _neighbours(queries: np.ndarray, points: np.ndarray, k: int, leave_one_out: bool = False) -> np.ndarray:
    """Indices of the k nearest points of each query, nearest first (ties broken by index); with
    `leave_one_out` the queries are the points themselves and none counts as its own neighbour."""
    p, k = points.astype(np.float64), min(k, len(points))
    out = []
    for start in range(0, len(queries), CHUNK):
        q = queries[start:start + CHUNK].astype(np.float64)
        d = (q * q).sum(1)[:, None] - 2 * q @ p.T + (p * p).sum(1)
        if leave_one_out:
            rows = np.arange(len(q))
            d[rows, start + rows] = np.inf
        near = np.argpartition(d, k - 1, axis=1)[:, :k]
        rows = np.arange(len(q))[:, None]
        order = np.lexsort((near, d[rows, near]), axis=1)  # by distance, then by index
        out.append(near[rows, order])
    return np.concatenate(out)


def _accuracy(idx: np.ndarray, y_points: np.ndarray, y_true: np.ndarray, n_classes: int) -> float:
    """Majority vote of the neighbours; a tie goes to the class of the nearest among the tied."""
    labels = y_points[idx]
    votes = np.stack([(labels == c).sum(1) for c in range(n_classes)], 1).astype(np.float64)
    votes += np.stack([(labels == c).any(1) / (1 + np.argmax(labels == c, 1)) for c in range(n_classes)], 1) * 1e-3
    return float((votes.argmax(1) == y_true).mean())
