"""Optimiser updates over the flat parameter buffer, one fused expression for all layers and trials.

Hyperparameters arrive as (trials, 1) tensors, so a new learning rate never re-captures the step.
"""

from tinygrad import Tensor

ADAM_BETAS, ADAM_EPS = (0.9, 0.999), 1e-8
# Columns of the hyperparameter tensor, a row per trial: its settings (`hyperparameters`), then the two the
# training loop keeps, the steps taken and 1 until the trial diverges.
HP = ("lr", "momentum", "weight_decay", "steps", "alive")
LR, MOMENTUM, WEIGHT_DECAY, STEPS, ALIVE = range(len(HP))


def family(optimizer: str) -> str:
    """Optimisers that share one compiled step: plain sgd is momentum with coefficient 0."""
    return "adam" if optimizer == "adam" else "momentum"


def hyperparameters(optimizer: str, lr: float, momentum: float, weight_decay: float) -> list[float]:
    """The settings columns (LR, MOMENTUM, WEIGHT_DECAY) of one trial's row of the hyperparameter tensor."""
    return [lr, momentum if optimizer == "momentum" else 0.0, weight_decay]


def update(kind: str, theta: Tensor, grad: Tensor, m: Tensor, v: Tensor, t: Tensor, hp: Tensor) -> Tensor:
    """The step to subtract from `theta`; assigns the new optimiser state into `m` and `v`.

    momentum (heavy ball, L2 weight decay): b <- mu*b + (g + wd*theta); step = lr*b.
    adam (decoupled weight decay, AdamW): bias-corrected first and second moments; step = lr*(m/sqrt(v) + wd*theta).
    """
    lr, mu, wd = hp[:, LR:LR + 1], hp[:, MOMENTUM:MOMENTUM + 1], hp[:, WEIGHT_DECAY:WEIGHT_DECAY + 1]
    theta = theta.detach()
    if kind == "momentum":
        b = mu * m + grad + wd * theta
        m.assign(b)
        return lr * b
    b1, b2 = ADAM_BETAS
    m1 = b1 * m + (1 - b1) * grad
    v1 = b2 * v + (1 - b2) * grad * grad
    m.assign(m1)
    v.assign(v1)
    m_hat, v_hat = m1 / (1 - b1**t), v1 / (1 - b2**t)
    return lr * (m_hat / (v_hat.sqrt() + ADAM_EPS) + wd * theta)
