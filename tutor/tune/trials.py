"""Optuna's side of one trial, for every search (in this process or a shared study): the sampler and the
pruner, the random points, a trial trained alone with pruning and told how it ended, and the process that
trained it."""

import math
import os
import socket
from collections.abc import Callable
from typing import Any

import optuna
from optuna.trial import TrialState

from tutor.engine import Epoch, RunResult
from tutor.tune.space import Space


def here() -> str:
    """This process as a worker: `host:pid`."""
    return f"{socket.gethostname()}:{os.getpid()}"


def random_points(space: Space, n: int) -> list[dict[str, Any]]:
    """n points drawn by Optuna's RandomSampler, seeded by the base config's seed."""
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=space.base.seed))
    return [study.ask(space.distributions()).params for _ in range(n)]


def tpe(seed: int | None, n: int, parallel: bool = False) -> optuna.samplers.TPESampler:
    """TPE for a search of n trials; in parallel, trials still running count as bad (constant liar), so
    that processes asking at once are not sent to the same point."""
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=max(2, min(10, n // 3)), constant_liar=parallel)


def median(n: int) -> optuna.pruners.MedianPruner:
    return optuna.pruners.MedianPruner(n_startup_trials=max(2, min(5, n // 4)), n_warmup_steps=2)


def train_pruned(space: Space, trial: optuna.Trial, halt: Callable[[], bool]) -> tuple[RunResult, bool]:
    """One trial trained alone, each epoch reported to the study's pruner: the run, and whether it was pruned."""
    from tutor.engine.training import train

    pruned = False

    def report(e: Epoch) -> None:
        nonlocal pruned
        if e.val_loss is not None:
            trial.report(e.val_loss, e.epoch)
            pruned = pruned or trial.should_prune()

    run = train(space.config(trial.params), on_epoch=report, should_stop=lambda: pruned or halt())
    return run, pruned and run.status == "cancelled"  # a prune after the last epoch cut nothing short


def tell(study: optuna.Study, trial: optuna.Trial, run: RunResult, pruned: bool = False) -> None:
    """How a trial ended, for the sampler: its last val loss; a diverged run, worse than any trained model
    (TPE learns to avoid the region); a cancelled one, failed."""
    last = run.history[-1].val_loss if run.history else None
    if pruned:
        study.tell(trial, state=TrialState.PRUNED)
    elif run.status == "completed" and last is not None:
        study.tell(trial, last)
    elif run.status == "diverged":
        losses = [e.val_loss for e in run.history if e.val_loss is not None]
        study.tell(trial, max([math.log(run.config.n_classes) * 2, *losses]))
    else:
        study.tell(trial, state=TrialState.FAIL)
