"""What a run produces: its epochs, metrics and divergence, as plain pydantic models (no tinygrad here)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict

from tutor.config import ExperimentConfig

Status = Literal["completed", "diverged", "cancelled"]


class Metrics(BaseModel):
    """Loss and accuracy of the whole training and validation sets at one moment."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    train_loss: float | None
    val_loss: float | None
    train_acc: float | None
    val_acc: float | None


class Epoch(Metrics):
    """What one epoch did: the contract's history row, plus per-layer gradient norms."""

    epoch: int
    step: int  # updates so far
    grad_norm: float | None  # mean over the epoch's steps of the whole gradient's L2 norm
    update_ratio: float | None  # mean over steps of |step| / |weights|
    dead_fraction: float  # hidden units passing (almost) no gradient on any training example
    layer_grad_norms: list[float | None]  # mean gradient norm of each layer, input to output


class Divergence(BaseModel):
    epoch: int
    step: int
    reason: Literal["nan", "loss", "weights"]


class RunResult(BaseModel):
    """A finished (or diverged, or cancelled) run: everything a diagnosis or a chart needs."""

    model_config = ConfigDict(ser_json_inf_nan="null")

    config: ExperimentConfig
    status: Status
    init: Metrics
    history: list[Epoch]
    step_losses: list[float | None]
    diverged_at: Divergence | None = None
    steps_per_epoch: int
    batch_size_used: int
    n_train: int
    n_val: int
    n_params: int
    device: str
    params: list[float] | None = None  # the trained weights, flat, when the network is small enough
    seconds: float  # the whole call, a first capture of the network's shape included
    train_seconds: float  # the epochs alone
