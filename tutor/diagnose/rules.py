"""The diagnoses as declarations: when each holds, how sure it is, what it quotes, what it proposes.

A code may have several rules (routes to the same conclusion), declared strongest evidence first;
the first that holds speaks for it. A code is dropped when a code in its `suppressed_by` also holds:
a cause silences its symptom (dead units explain underfitting) and opposite advice never appears
together (lr too low vs diverged).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from tutor.config import MAX_LAYERS, MAX_WIDTH, ExperimentConfig
from tutor.diagnose import theory as th
from tutor.diagnose.signals import Signals

# Every diagnosis there is, graver first: the order that breaks a tie of confidence.
Code = Literal["diverged", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relu", "batch_too_small",
               "batch_too_large", "overfitting", "underfitting", "too_few_epochs", "healthy"]
CODES: tuple[Code, ...] = Code.__args__
Suggestion = dict[str, Any]


@dataclass(frozen=True)
class Rule:
    """One route to a diagnosis."""

    code: Code
    message: str  # catalogue key, under `diagnose.`
    when: Callable[[Signals], bool]
    evidence: tuple[str, ...]  # names of the signals it quotes
    thresholds: dict[str, float]  # the lines those signals crossed
    suggest: Callable[[Signals, ExperimentConfig], Suggestion]
    strength: Callable[[Signals], float] = lambda s: 0.5  # 0 just past the threshold, 1 far past it
    confidence: tuple[float, float] = (0.6, 0.9)  # at strength 0 and 1
    suppressed_by: tuple[Code, ...] = ()  # codes that, when they hold too, silence this one

    def confidence_for(self, s: Signals) -> float:
        """The confidence at this strength of evidence, rounded so it reads (and repeats) cleanly."""
        lo, hi = self.confidence
        return round(lo + (hi - lo) * self.strength(s), 2)


# -- suggestions: concrete values from the run's own config, always inside tutor.config's ranges --

def _sig(x: float, digits: int = 2) -> float:
    return float(f"{x:.{digits}g}")


def lr_divided(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"lr": _sig(cfg.lr / 10)}


def lr_to_good_ratio(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    """Scale the lr so the update/weight ratio lands near 1e-3 (steps grow in proportion to the lr)."""
    return {"lr": min(1000.0, _sig(cfg.lr * lr_factor(s), 1))}


def lr_factor(s: Signals) -> float:
    """How many times larger the steps must get to reach the 1e-3 ratio: at least 2, at most 10^4."""
    ratio = s.update_ratio_early or th.UPDATE_RATIO_LOW / 10
    return min(1e4, max(2.0, th.UPDATE_RATIO_GOOD / ratio))


def lr_tripled(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"lr": _sig(cfg.lr * 3) if cfg.lr * 3 <= 1000 else _sig(cfg.lr / 3)}


def more_epochs(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"epochs": min(10_000, max(10, 3 * cfg.epochs))}


def weight_decay(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    """AdamW's customary 0.01, or 5e-4 for L2 with sgd; ten times more if some was already used."""
    if cfg.weight_decay > 0:
        return {"weight_decay": min(1.0, _sig(cfg.weight_decay * 10))}
    return {"weight_decay": 0.01 if cfg.optimizer == "adam" else 5e-4}


def more_capacity(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    """Wider when narrow, relu when a deep sigmoid/tanh stack is the bottleneck, else one layer more."""
    hidden = cfg.hidden
    if not hidden or min(hidden) < 16:
        return {"hidden": tuple(min(MAX_WIDTH, max(32, 4 * w)) for w in hidden) or (32,)}
    if cfg.activation in ("sigmoid", "tanh"):
        return {"activation": "relu"}
    if len(hidden) < MAX_LAYERS:
        return {"hidden": (*hidden, hidden[-1])}
    return {"epochs": min(10_000, 3 * cfg.epochs)}


def usual_batch(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"batch_size": min(th.USUAL_BATCH, s.n_train)}


def smaller_batch(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"batch_size": max(1, min(th.USUAL_BATCH, s.batch_size // 4))}


def relu_or_shallower(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    if cfg.activation in ("sigmoid", "tanh"):
        return {"activation": "relu"}
    return {"hidden": cfg.hidden[: max(1, len(cfg.hidden) // 2)]}


def leaky(s: Signals, cfg: ExperimentConfig) -> Suggestion:
    return {"activation": "leaky_relu"}


# -- conditions ------------------------------------------------------------------------------------

def _rose_and_hurt(s: Signals) -> bool:
    """The whole-set training loss climbed back, late in the run or without recovering."""
    if s.max_rise < th.LOSS_RISE or s.rise_epoch is None:
        return False
    return s.rise_epoch > s.epochs_run / 2 or th.short_of_reference(s)


def _huge_steps(s: Signals) -> bool:
    return (s.update_ratio_first or 0) >= th.UPDATE_RATIO_HIGH and th.short_of_reference(s)


def _tiny_steps(s: Signals) -> bool:
    return (s.update_ratio_early is not None and s.update_ratio_early < th.UPDATE_RATIO_LOW
            and th.short_of_reference(s))


def _crawling(s: Signals) -> bool:
    """Steps below the rule of thumb that never added up to the weights' own size."""
    return (s.update_ratio_early is not None and s.update_ratio_early < th.UPDATE_RATIO_GOOD
            and s.path_length < th.PATH_LENGTH_ENOUGH)


def _small_steps(s: Signals) -> bool:
    return _crawling(s) and not _too_short(s) and th.short_of_reference(s)


def _val_rising(s: Signals) -> bool:
    return (s.gap_growth is not None and s.gap_growth >= th.GAP_GROWTH
            and s.last_train_loss is not None and s.train_loss_at_best is not None
            and s.last_train_loss < s.train_loss_at_best)


def _memorised(s: Signals) -> bool:
    return (s.gap_loss is not None and s.gap_loss >= th.MEMORISED_GAP
            and s.train_val_ratio is not None and s.train_val_ratio <= th.MEMORISED_RATIO)


def _too_short(s: Signals) -> bool:
    return s.epochs_run < th.MIN_EPOCHS_TO_JUDGE


def _plateau_short(s: Signals) -> bool:
    return th.short_of_reference(s) and not th.still_falling(s) and not _too_short(s) and not _crawling(s)


def _slow_despite_steps(s: Signals) -> bool:
    """Still falling, but after steps that could have moved the weights their own size over, the
    loss has not even halved: more epochs will not close the gap soon."""
    return (th.short_of_reference(s) and th.still_falling(s) and not _too_short(s)
            and (s.update_ratio_early or 0) >= th.UPDATE_RATIO_GOOD and s.path_length >= th.PATH_LENGTH_ENOUGH
            and s.progress is not None and s.progress < th.PROGRESS_SLOW)


def _vanishing(s: Signals) -> bool:
    return (s.depth >= th.MIN_DEPTH_VANISHING and s.grad_ratio is not None and s.grad_ratio < th.VANISHING_RATIO
            and th.short_of_reference(s)
            and not (s.activation in ("relu", "leaky_relu") and (s.dead_fraction or 0) >= th.DEAD_FRACTION))


def _dead(s: Signals) -> bool:
    return s.activation == "relu" and (s.dead_fraction or 0) >= th.DEAD_FRACTION


def _small_batch_hurt(s: Signals) -> bool:
    unstable = s.status == "diverged" or s.max_rise >= th.LOSS_RISE or _dead(s)
    return s.batch_size <= th.SMALL_BATCH and unstable and (s.status == "diverged" or th.short_of_reference(s))


def _large_batch_hurt(s: Signals) -> bool:
    return (s.steps_per_epoch <= th.FEW_STEPS_PER_EPOCH and s.batch_size > th.SMALL_BATCH
            and th.short_of_reference(s))


def _deficit_strength(s: Signals) -> float:
    return th.strength(s.train_deficit, th.acc_margin(s), 0.4)


DIVERGED = ("diverged",)
# Small steps are not the story when the run blew up, or when the gradient itself is gone.
LR_LOW_EXCLUDED = ("diverged", "lr_too_high", "vanishing_gradients", "dead_relu")
# Causes of a shortfall that have their own advice: a bigger model would not be the fix.
CAUSES_OF_BIAS = ("diverged", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relu", "batch_too_large",
                  "batch_too_small", "overfitting")
# Causes of slow progress that have their own advice: training longer would not be the fix.
SLOW_FOR_A_REASON = ("diverged", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relu", "batch_too_small",
                     "overfitting")
RULES: tuple[Rule, ...] = (
    Rule("diverged", "diverged", lambda s: s.status == "diverged",
         ("diverged_epoch", "diverged_step", "diverged_reason", "init_loss", "peak_step_loss", "lr"), {},
         lr_divided, strength=lambda s: 1.0, confidence=(1.0, 1.0)),
    Rule("lr_too_high", "lr_too_high.rise", _rose_and_hurt,
         ("rise_epoch", "rise_from", "rise_to", "max_rise", "update_ratio_first", "lr"),
         {"max_rise": th.LOSS_RISE}, lr_divided,
         strength=lambda s: th.strength(s.max_rise, th.LOSS_RISE, 2.0), confidence=(0.6, 0.9),
         suppressed_by=DIVERGED),
    Rule("lr_too_high", "lr_too_high.steps", _huge_steps,
         ("update_ratio_first", "last_train_acc", "reference_acc", "lr"),
         {"update_ratio_first": th.UPDATE_RATIO_HIGH}, lr_divided,
         strength=lambda s: th.strength(s.update_ratio_first, th.UPDATE_RATIO_HIGH, 3.0), confidence=(0.6, 0.85),
         suppressed_by=DIVERGED),
    Rule("lr_too_low", "lr_too_low.tiny", _tiny_steps,
         ("update_ratio_early", "init_loss", "last_train_loss", "progress", "total_updates", "lr"),
         {"update_ratio_early": th.UPDATE_RATIO_LOW}, lr_to_good_ratio,
         strength=lambda s: th.strength(s.update_ratio_early, th.UPDATE_RATIO_LOW, 1e-6),
         confidence=(0.65, 0.95), suppressed_by=LR_LOW_EXCLUDED),
    Rule("lr_too_low", "lr_too_low.small", _small_steps,
         ("update_ratio_early", "path_length", "last_train_acc", "reference_acc", "lr"),
         {"update_ratio_early": th.UPDATE_RATIO_GOOD, "path_length": th.PATH_LENGTH_ENOUGH}, lr_to_good_ratio,
         strength=lambda s: th.strength(s.update_ratio_early, th.UPDATE_RATIO_GOOD, th.UPDATE_RATIO_LOW),
         confidence=(0.5, 0.7), suppressed_by=LR_LOW_EXCLUDED),
    Rule("vanishing_gradients", "vanishing_gradients", _vanishing,
         ("grad_ratio", "first_layer_grad", "last_layer_grad", "depth", "activation", "last_train_acc"),
         {"grad_ratio": th.VANISHING_RATIO}, relu_or_shallower,
         strength=lambda s: th.strength(s.grad_ratio, th.VANISHING_RATIO, 1e-6),
         confidence=(0.6, 0.9), suppressed_by=DIVERGED),
    Rule("dead_relu", "dead_relu", _dead,
         ("dead_fraction", "update_ratio_first", "last_train_acc", "lr"),
         {"dead_fraction": th.DEAD_FRACTION}, leaky,
         strength=lambda s: min(1.0, max(0.0, ((s.dead_fraction or 0) - th.DEAD_FRACTION) / 0.4)),
         confidence=(0.6, 0.9), suppressed_by=DIVERGED),
    Rule("batch_too_small", "batch_too_small", _small_batch_hurt,
         ("batch_size", "steps_per_epoch", "max_rise", "lr", "last_train_acc", "reference_acc"),
         {"batch_size": th.SMALL_BATCH}, usual_batch,
         strength=lambda s: th.strength(s.batch_size, th.SMALL_BATCH, 1), confidence=(0.55, 0.8)),
    Rule("batch_too_large", "batch_too_large", _large_batch_hurt,
         ("batch_size", "n_train", "steps_per_epoch", "total_updates", "last_train_acc", "reference_acc"),
         {"steps_per_epoch": th.FEW_STEPS_PER_EPOCH}, smaller_batch,
         strength=_deficit_strength, confidence=(0.55, 0.85), suppressed_by=("diverged", "lr_too_high")),
    Rule("too_few_epochs", "too_few_epochs.falling", lambda s: th.still_falling(s) and th.short_of_reference(s),
         ("recent_drop", "recent_share", "epochs_run", "last_train_acc", "reference_acc"),
         {"recent_drop": th.STILL_FALLING_DROP, "recent_share": th.STILL_FALLING_SHARE}, more_epochs,
         strength=lambda s: th.strength(s.recent_share, th.STILL_FALLING_SHARE, 0.5), confidence=(0.55, 0.85),
         suppressed_by=SLOW_FOR_A_REASON),
    Rule("too_few_epochs", "too_few_epochs.short", lambda s: _too_short(s) and th.short_of_reference(s),
         ("epochs_run", "total_updates", "init_loss", "last_train_loss", "last_train_acc", "reference_acc"),
         {"epochs_run": th.MIN_EPOCHS_TO_JUDGE}, more_epochs,
         strength=_deficit_strength, confidence=(0.55, 0.8), suppressed_by=SLOW_FOR_A_REASON),
    Rule("overfitting", "overfitting.rising", _val_rising,
         ("best_epoch", "best_val_loss", "last_val_loss", "train_loss_at_best", "last_train_loss", "gap_growth",
          "params_per_example"),
         {"gap_growth": th.GAP_GROWTH}, weight_decay,
         strength=lambda s: th.strength(s.gap_growth, th.GAP_GROWTH, 1.0), confidence=(0.65, 0.95),
         suppressed_by=("diverged", "lr_too_high")),
    Rule("overfitting", "overfitting.memorised", _memorised,
         ("last_train_loss", "last_val_loss", "gap_loss", "train_val_ratio", "last_train_acc", "params_per_example"),
         {"gap_loss": th.MEMORISED_GAP, "train_val_ratio": th.MEMORISED_RATIO}, weight_decay,
         strength=lambda s: th.strength(s.gap_loss, th.MEMORISED_GAP, 0.5), confidence=(0.6, 0.9),
         suppressed_by=("diverged", "lr_too_high")),
    Rule("underfitting", "underfitting.plateau", _plateau_short,
         ("last_train_acc", "reference_acc", "train_deficit", "recent_drop", "recent_share", "epochs_run", "gap_acc",
          "n_params"),
         {"train_deficit": th.ACC_MARGIN, "recent_drop": th.STILL_FALLING_DROP, "recent_share": th.STILL_FALLING_SHARE,
          "epochs_run": th.MIN_EPOCHS_TO_JUDGE},
         more_capacity, strength=_deficit_strength, confidence=(0.55, 0.9), suppressed_by=CAUSES_OF_BIAS),
    Rule("underfitting", "underfitting.slow", _slow_despite_steps,
         ("total_updates", "update_ratio_early", "path_length", "progress", "last_train_acc", "reference_acc"),
         {"update_ratio_early": th.UPDATE_RATIO_GOOD, "path_length": th.PATH_LENGTH_ENOUGH,
          "progress": th.PROGRESS_SLOW}, more_capacity,
         strength=_deficit_strength, confidence=(0.5, 0.8), suppressed_by=CAUSES_OF_BIAS),
)

HEALTHY = Rule("healthy", "healthy", lambda s: True,
               ("init_loss", "last_train_loss", "best_val_acc", "reference_acc", "update_ratio_early"), {},
               lr_tripled, strength=lambda s: 0.5, confidence=(0.6, 0.8))
