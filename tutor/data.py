"""Datasets: five generated 2-D problems and the real 8x8 handwritten digits, split deterministically."""

import gzip
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from tutor.config import ExperimentConfig

DIGITS = Path(__file__).parent / "assets" / "digits" / "optdigits.csv.gz"


@dataclass(frozen=True)
class Split:
    """Train and validation arrays (features float32, labels int32) of one config."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    n_classes: int

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]


def rng(seed: int, stream: str) -> np.random.Generator:
    """An independent random stream per purpose, so changing one knob never reshuffles another."""
    return np.random.default_rng([seed, zlib.crc32(stream.encode())])


def moons(n: int, noise: float, r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles."""
    y = np.arange(n) % 2
    a = r.uniform(0, np.pi, n)
    x = np.where(y[:, None] == 0, np.c_[np.cos(a), np.sin(a)], np.c_[1 - np.cos(a), 0.5 - np.sin(a)])
    return x - [0.5, 0.25] + r.normal(0, noise, (n, 2)), y


def circles(n: int, noise: float, r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one."""
    y = np.arange(n) % 2
    a = r.uniform(0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, 0.5)[:, None]
    return radius * np.c_[np.cos(a), np.sin(a)] + r.normal(0, noise / 2, (n, 2)), y


def spiral(n: int, noise: float, r: np.random.Generator, arms: int) -> tuple[np.ndarray, np.ndarray]:
    """`arms` interleaved spirals, each turning once and a half around the origin."""
    y = np.arange(n) % arms
    t = r.uniform(0.1, 1, n)
    a = 3 * np.pi * t + 2 * np.pi * y / arms
    return t[:, None] * np.c_[np.cos(a), np.sin(a)] + r.normal(0, noise / 4, (n, 2)), y


def xor(n: int, noise: float, r: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four quadrants, opposite ones sharing a class."""
    p = r.uniform(-1, 1, (n, 2))
    p += np.sign(p) * 0.05
    return p + r.normal(0, noise / 2, (n, 2)), (p[:, 0] * p[:, 1] < 0).astype(int)


def blobs(n: int, noise: float, r: np.random.Generator, centres: int) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clouds around centres evenly spaced on a circle."""
    y = np.arange(n) % centres
    a = 2 * np.pi * y / centres
    return np.c_[np.cos(a), np.sin(a)] + r.normal(0, 0.25 + noise / 2, (n, 2)), y


@cache
def digits() -> tuple[np.ndarray, np.ndarray]:
    """The 1797 UCI optdigits test images as 64 pixels in [0, 1], and their labels."""
    with gzip.open(DIGITS, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float32)
    return table[:, :64] / 16.0, table[:, 64].astype(int)


def generate(cfg: ExperimentConfig) -> tuple[np.ndarray, np.ndarray]:
    """All examples of a config, before the split."""
    n, noise, r = cfg.n_samples, cfg.noise, rng(cfg.seed, "data")
    match cfg.dataset:
        case "moons":
            return moons(n, noise, r)
        case "circles":
            return circles(n, noise, r)
        case "spiral":
            return spiral(n, noise, r, cfg.n_classes)
        case "xor":
            return xor(n, noise, r)
        case "blobs":
            return blobs(n, noise, r, cfg.n_classes)
        case "digits":
            x, y = digits()
            if n < len(y):
                keep = stratified(y, n / len(y), rng(cfg.seed, "subsample"))
                x, y = x[keep], y[keep]
            return x, y
    raise AssertionError(cfg.dataset)


def stratified(y: np.ndarray, fraction: float, r: np.random.Generator) -> np.ndarray:
    """Sorted indices of about `fraction` of each class: at least one, and never all of a class."""
    picked = []
    for c in np.unique(y):
        members = r.permutation(np.flatnonzero(y == c))
        picked.append(members[: min(max(1, round(fraction * len(members))), len(members) - 1)])
    return np.sort(np.concatenate(picked))


def load(cfg: ExperimentConfig) -> Split:
    """The config's examples, split into train and validation, stratified by class."""
    x, y = generate(cfg)
    val = stratified(y, cfg.val_fraction, rng(cfg.seed, "split"))
    train = np.setdiff1d(np.arange(len(y)), val)
    x, y = x.astype(np.float32), y.astype(np.int32)
    return Split(x[train], y[train], x[val], y[val], cfg.n_classes)
