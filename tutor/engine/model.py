"""A multilayer perceptron whose parameters are views of one flat buffer, stacked over trials.

All weights of a network live in one row of `theta` (trials, parameters): the optimiser updates the
whole network in one fused kernel, and several networks of the same shape train as one.
"""

import math
from dataclasses import dataclass

import numpy as np
from tinygrad import Tensor

from tutor.config import ExperimentConfig

# An activation's derivative below this share of its peak counts as "dead" (no gradient flows).
# As a bound on the pre-activation z: relu/leaky: z <= 0; tanh: |z| > atanh(sqrt(0.99)); sigmoid: |z| > 6.
SATURATION_Z = {"tanh": 2.994, "sigmoid": 5.99}


@dataclass(frozen=True)
class Layout:
    """Where each layer's weights and biases sit in the flat parameter vector."""

    sizes: tuple[int, ...]  # input, hidden..., output

    @property
    def layers(self) -> list[tuple[int, int, int]]:
        """(offset, fan_in, fan_out) of each layer; its weights come first, then its biases."""
        out, offset = [], 0
        for a, b in zip(self.sizes[:-1], self.sizes[1:]):
            out.append((offset, a, b))
            offset += a * b + b
        return out

    @property
    def n_params(self) -> int:
        offset, a, b = self.layers[-1]
        return offset + a * b + b

    def init(self, activation: str, r: np.random.Generator) -> np.ndarray:
        """Fresh parameters: He-normal weights for the ReLU family, Glorot for tanh/sigmoid; zero biases."""
        theta = np.zeros(self.n_params, np.float32)
        for offset, a, b in self.layers:
            scale = np.sqrt(2 / a) if activation in ("relu", "leaky_relu") else np.sqrt(2 / (a + b))
            theta[offset : offset + a * b] = r.normal(0, scale, a * b)
        return theta


def layout_of(cfg: ExperimentConfig, n_features: int) -> Layout:
    return Layout((n_features, *cfg.hidden, cfg.n_classes))


def activate(z: Tensor, activation: str) -> Tensor:
    match activation:
        case "relu":
            return z.relu()
        case "leaky_relu":
            return z.leaky_relu(0.01)
        case "tanh":
            return z.tanh()
        case "sigmoid":
            return z.sigmoid()
    raise AssertionError(activation)


def views(theta: Tensor, layout: Layout) -> list[Tensor]:
    """Each layer's weights (trials, in, out) and biases (trials, 1, out), in the flat order."""
    trials, out = theta.shape[0], []
    for offset, a, b in layout.layers:
        out.append(theta[:, offset : offset + a * b].reshape(trials, a, b))
        out.append(theta[:, offset + a * b : offset + a * b + b].reshape(trials, 1, b))
    return out


def forward(params: list[Tensor], x: Tensor, activation: str) -> tuple[Tensor, list[Tensor]]:
    """Logits (trials, examples, classes) and the pre-activations of every hidden layer."""
    h, hidden = x, []
    for k in range(0, len(params), 2):
        z = h @ params[k] + params[k + 1]
        if k == len(params) - 2:
            return z, hidden
        hidden.append(z)
        # stored, not fused into the next layer's matmul, which would compute it again for every output
        h = activate(z, activation).contiguous()
    raise AssertionError("a network has at least one layer")


def cross_entropy(logits: Tensor, y: Tensor, n_classes: int) -> Tensor:
    """Per-example softmax cross-entropy (trials, examples)."""
    return -(logits.log_softmax(-1) * y.one_hot(n_classes).unsqueeze(0)).sum(-1)


def unit_extremes(hidden: list[Tensor], rows: Tensor, activation: str) -> list[Tensor]:
    """Per hidden layer, per trial and unit (trials, units), over the examples where `rows` is true, the
    pre-activation that passes the most gradient: the largest z for the ReLU family, the smallest |z| for
    tanh and sigmoid."""
    if activation in ("relu", "leaky_relu"):
        return [rows.unsqueeze(-1).where(z, -math.inf).max(axis=1) for z in hidden]
    return [rows.unsqueeze(-1).where(z.abs(), math.inf).min(axis=1) for z in hidden]


def dead_fraction(extremes: np.ndarray, activation: str) -> np.ndarray:
    """Per trial, the share of hidden units passing (almost) no gradient, from `unit_extremes` (trials, units)."""
    if extremes.shape[-1] == 0:
        return np.zeros(extremes.shape[0])
    dead = extremes <= 0 if activation in ("relu", "leaky_relu") else extremes > SATURATION_Z[activation]
    return dead.mean(-1)


def predict(layout: Layout, activation: str, theta: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The class a trained network picks for each row of `x`, in NumPy (for pictures, not training)."""
    h, offset = np.asarray(x, np.float64), 0
    act = {"relu": lambda z: np.maximum(z, 0), "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
           "tanh": np.tanh, "sigmoid": lambda z: 1 / (1 + np.exp(-z))}[activation]
    for k, (offset, a, b) in enumerate(layout.layers):
        h = h @ theta[offset : offset + a * b].reshape(a, b) + theta[offset + a * b : offset + a * b + b]
        if k < len(layout.layers) - 1:
            h = act(h)
    return h.argmax(-1)
