"""The diagnoses as declarations: when each holds, how sure it is, what it quotes, what it proposes.

A code may have several rules (routes to the same conclusion), declared strongest evidence first;
the first that holds speaks for it. A code is dropped when a code in its `suppressed_by` also holds:
a cause silences its symptom (dead units explain underfitting) and opposite advice never appears
together (lr too low vs diverged). A symptom that is a problem of its own is kept but listed after
its `caused_by` codes when they hold too: the root cause comes first, and so does its fix (units
killed by steps that were too large: the lr, not leaky ReLU at the same lr).
"""

import math
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
    fixes: Callable[[Signals, ExperimentConfig], list[Suggestion]]  # candidate fixes, likeliest first
    strength: Callable[[Signals], float] = lambda s: 0.5  # 0 just past the threshold, 1 far past it
    confidence: tuple[float, float] = (0.6, 0.9)  # at strength 0 and 1
    suppressed_by: tuple[Code, ...] = ()  # codes that, when they hold too, silence this one
    caused_by: tuple[Code, ...] = ()  # codes that, when they hold too, are its likelier cause: listed first

    def confidence_for(self, s: Signals) -> float:
        """The confidence at this strength of evidence, rounded so it reads (and repeats) cleanly."""
        lo, hi = self.confidence
        return round(lo + (hi - lo) * self.strength(s), 2)


# -- fixes: candidate next experiments, most likely first, always inside tutor.config's ranges -----
# The first is what is proposed when nothing could be tried; `tutor.diagnose.verify` tries them and
# keeps the one that removed the problem. Candidates that keep the network's shape (lr, momentum,
# weight decay, epochs) cost one batched run together; shape changes come after them.

# Learning rates that train these small networks well (Karpathy's 3e-4..1e-2 for adam; sgd needs
# about ten times more, momentum's velocity multiplies the step by 1/(1 - 0.9) = 10).
USUAL_LR = {"adam": 3e-3, "sgd": 0.1, "momentum": 0.03}


def _sig(x: float, digits: int = 2) -> float:
    return float(f"{x:.{digits}g}")


def _lrs(*values: float) -> list[Suggestion]:
    return [{"lr": min(1000.0, _sig(v, 1))} for v in values]


def lr_cut(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Below the blow-up, by as much as the run was above it. A run whose loss only wobbled back up while
    it still fitted was just above the edge: /3 first (a tenth crawls); one that lost what it learned:
    /10, then /3. A run whose first steps rewrote a tenth of its weights was far above it, and a first
    step grows in proportion to the lr: the largest candidate (/10, /30, /100, the optimiser's usual lr)
    that brings it under a tenth comes first, as a deeper cut crawls (sigmoid sgd at lr 30 on xor: 3
    trains to 99%, 0.1 underfits at 56%). A run that blew up in its first epoch measured its steps as they
    exploded, far larger than the lr made them: from /30 down, the largest first (sgd at lr 100 on moons:
    those steps call for 0.003, a crawl; 0.1 trains). A cut that would leave the first step above a tenth
    comes last."""
    ratio = s.update_ratio_first or 0
    blew_up = s.diverged_step is not None and s.diverged_step <= s.steps_per_epoch
    far = blew_up or ratio >= th.UPDATE_RATIO_HIGH
    steady = [cfg.lr * th.UPDATE_RATIO_GOOD * 3 / ratio] if ratio > th.UPDATE_RATIO_GOOD * 10 else []
    usual = [USUAL_LR[cfg.optimizer]] if USUAL_LR[cfg.optimizer] < cfg.lr / 3 else []
    cuts = (30, 100) if blew_up else (10, 30, 100) if far else (3, 10, 30) if just_above_edge(s) else (10, 3, 30)
    candidates = _distinct(_lrs(*(cfg.lr / k for k in cuts), *steady, *usual, cfg.lr / 300))
    if far:
        candidates.sort(key=lambda c: -c["lr"])
    return sorted(candidates, key=lambda c: ratio * c["lr"] / cfg.lr >= th.UPDATE_RATIO_HIGH)  # stable


def lr_raise(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Up to where steps are a few times 1e-3 of the weights (steps grow with the lr; exactly 1e-3 is
    the edge of a crawl, not its cure), and the optimiser's usual lr: a crawl at 1e-7 needs the lr
    multiplied by thousands, not by a handful."""
    factor = lr_factor(s)
    usual = USUAL_LR[cfg.optimizer]
    return _distinct(_lrs(*(v for v in (cfg.lr * factor * 3, max(usual, cfg.lr * 3), cfg.lr * factor, usual * 3)
                            if v > cfg.lr)))


def lr_factor(s: Signals) -> float:
    """How many times larger the steps must get to reach the 1e-3 ratio: at least 2, at most 10^4."""
    ratio = s.update_ratio_early or th.UPDATE_RATIO_LOW / 10
    return min(1e4, max(2.0, th.UPDATE_RATIO_GOOD / ratio))


def lr_tripled(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    return [{"lr": _sig(cfg.lr * 3) if cfg.lr * 3 <= 1000 else _sig(cfg.lr / 3)}]


def more_epochs(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Three times longer (at least 10), also with a bolder lr (steps that were fine can be larger)."""
    longer = {"epochs": min(10_000, max(10, 3 * cfg.epochs))}
    return _distinct([longer, {**longer, "lr": _sig(min(1000.0, cfg.lr * 3))}])


def decay_strength(s: Signals, cfg: ExperimentConfig) -> float:
    """A weight decay that can matter within this run. Each update shrinks the weights by lr × wd
    (adam's decoupled decay directly; sgd's L2 term through the gradient, momentum multiplying its lr
    by 1/(1 - momentum)), so over T updates by about e^(-lr·wd·T): the decay pulls only once lr·wd·T
    reaches about 1. Adam's customary 0.01 at lr 0.01 over 2000 updates is 0.2: nothing."""
    lr = cfg.lr / (1 - cfg.momentum) if cfg.optimizer == "momentum" else cfg.lr
    return 1 / (lr * max(1, s.total_updates))


def regularise(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Overfitting: stop at the best epoch when the validation loss turned up (the surest cure: the
    network is taken as it was before it memorised), or where the validation accuracy peaked before it
    fell, weight decay strong enough to pull (×1 and ×10 the strength that matters), then the shapes:
    more data, a network without the room to memorise."""
    wd = max(decay_strength(s, cfg), 10 * cfg.weight_decay)
    early = s.best_epoch and s.best_epoch < s.epochs_run and not _memorised_at_best(s)
    stop = [{"epochs": max(1, s.best_epoch)}] if early else []
    peaked = s.near_best_epoch and (s.last_val_acc or 0) < (s.best_val_acc or 0) - 0.01  # then fell
    stop += [{"epochs": s.near_best_epoch}] if peaked else []
    decays = [{"weight_decay": min(1.0, _sig(wd * k, 1))} for k in (1, 10)]
    data = [{"samples": min(100_000, 4 * s.n_train + s.n_val)}] if cfg.dataset != "digits" else []
    width = min(unmemorising_width(s), max(cfg.hidden, default=0))
    smaller = [{"hidden": (width,)}] if width >= 4 and _params(s, width) < s.n_params else []
    return _distinct([*stop, *decays, *data, *smaller])


def unmemorising_width(s: Signals) -> int:
    """The widest single hidden layer, a power of two, whose network has fewer parameters per training
    example than it takes to memorise."""
    room = (th.MEMORISING_CAPACITY * s.n_train - s.n_classes) / (n_inputs(s) + 1 + s.n_classes)
    return 1 << max(0, int(math.log2(max(1.0, room))))


def _params(s: Signals, width: int) -> int:
    """The parameters of this run's network with one hidden layer of `width` units."""
    return (n_inputs(s) + 1) * width + (width + 1) * s.n_classes


def n_inputs(s: Signals) -> int:
    """The network's input features, from its parameter count: Σ (fan-in + 1)·fan-out over its layers."""
    widths = (*s.hidden, s.n_classes)
    rest = sum((a + 1) * b for a, b in zip(widths, widths[1:]))
    return round((s.n_params - rest) / widths[0]) - 1


def weaker_decay(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Weight decay so strong the weights cannot grow: a hundredth of it, or none."""
    return _distinct([{"weight_decay": _sig(cfg.weight_decay / 100, 1)}, {"weight_decay": 0.0}])


def more_capacity(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """When narrow: two layers of 64 with relu, also trained three times longer (a twisted boundary
    needs both), or four times wider; relu when a sigmoid/tanh stack is the bottleneck; else one layer
    more. Not just longer: the loss has flattened, more of the same epochs will not close the gap."""
    hidden, out = cfg.hidden, []
    relu = {"activation": "relu"} if cfg.activation in ("sigmoid", "tanh") else {}
    if not hidden or min(hidden) < th.NARROW:
        out += [{"hidden": (64, 64), **relu}, {"hidden": (64, 64), **relu, "epochs": min(10_000, 3 * cfg.epochs)},
                {"hidden": tuple(min(MAX_WIDTH, max(32, 4 * w)) for w in hidden) or (32,)}]
    if relu:
        out.append(relu)
    if hidden and len(hidden) < MAX_LAYERS:
        out.append({"hidden": (*hidden, hidden[-1])})
    return _distinct(out)


def usual_batch(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    return _distinct([{"batch_size": min(th.USUAL_BATCH, s.n_train)}, *_lrs(cfg.lr / 10, cfg.lr / 30)])


def smaller_batch(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    return _distinct([{"batch_size": max(1, min(th.USUAL_BATCH, s.batch_size // 4))},
                      {"epochs": min(10_000, 4 * cfg.epochs)}, *_lrs(cfg.lr * 3)])


def relu_or_shallower(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    shallower = {"hidden": cfg.hidden[: max(1, len(cfg.hidden) // 2)]}
    if cfg.activation in ("sigmoid", "tanh"):
        return _distinct([{"activation": "relu"}, shallower, {"activation": "relu", **shallower}])
    return [shallower]


def leaky(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Dead units come from steps that were too large: a smaller lr keeps them alive; leaky ReLU lets them recover."""
    return _distinct([*_lrs(cfg.lr / 10, cfg.lr / 30), {"activation": "leaky_relu"},
                      {"activation": "leaky_relu", "lr": _sig(cfg.lr / 10, 1)}])


def revive(s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """Units that died at ordinary steps: leaky ReLU lets them recover, wider layers leave more alive."""
    wider = {"hidden": tuple(min(MAX_WIDTH, max(th.NARROW, 4 * w)) for w in cfg.hidden)}
    return _distinct([{"activation": "leaky_relu"}, wider, {"activation": "leaky_relu", **wider}])


def _distinct(candidates: list[Suggestion]) -> list[Suggestion]:
    """Each candidate once, in order."""
    out: list[Suggestion] = []
    for c in candidates:
        if c not in out:
            out.append(c)
    return out


# -- conditions ------------------------------------------------------------------------------------

def _decay_bound(s: Signals) -> bool:
    """Weight decay so strong the weights cannot grow: they stay tiny (so every step is huge beside
    them) and the loss stays at chance, ln(classes). The cause is the decay, not the lr."""
    return (s.weight_decay >= th.DECAY_MIN and s.last_train_loss is not None
            and s.last_train_loss >= th.STUCK_AT_CHANCE * s.chance_loss
            and (s.update_ratio_early or 0) >= th.UPDATE_RATIO_HIGH / 10)


def _overfit_first(s: Signals) -> bool:
    """Validation loss climbing while the training loss went to ~0: overfitting, whatever the step size."""
    return ((_val_rising(s) or _memorised(s)) and s.last_train_loss is not None
            and s.last_train_loss < th.MEMORISED_RATIO * s.chance_loss)


def _rose_and_hurt(s: Signals) -> bool:
    """The whole-set training loss climbed back, late in the run or without recovering."""
    if s.max_rise < th.LOSS_RISE or s.rise_epoch is None or _decay_bound(s) or _overfit_first(s):
        return False
    return s.rise_epoch > s.epochs_run / 2 or th.short_of_reference(s)


def just_above_edge(s: Signals) -> bool:
    """The loss climbed back, but only part-way (under half the chance loss), in a run that neither blew
    up nor took huge first steps nor killed its units: it overshoots around a minimum it still holds."""
    return (s.status == "completed" and s.max_rise >= th.LOSS_RISE and s.rise_to is not None
            and s.rise_to < th.NEAR_EDGE_LOSS * s.chance_loss and (s.dead_fraction or 0) < th.DEAD_FRACTION
            and (s.update_ratio_first or 0) < th.UPDATE_RATIO_HIGH)


def _huge_steps(s: Signals) -> bool:
    return ((s.update_ratio_first or 0) >= th.UPDATE_RATIO_HIGH and th.short_of_reference(s)
            and not _decay_bound(s) and not _overfit_first(s))


def _tiny_steps(s: Signals) -> bool:
    return (s.update_ratio_early is not None and s.update_ratio_early < th.UPDATE_RATIO_LOW
            and th.short_of_reference(s) and not _decay_bound(s))


def _crawling(s: Signals) -> bool:
    """Steps below the rule of thumb that never added up to the weights' own size."""
    return (s.update_ratio_early is not None and s.update_ratio_early < th.UPDATE_RATIO_GOOD
            and s.path_length < th.PATH_LENGTH_ENOUGH)


def _small_steps(s: Signals) -> bool:
    return _crawling(s) and not _too_short(s) and th.short_of_reference(s) and not _decay_bound(s)


def _val_rising(s: Signals) -> bool:
    return (s.gap_growth is not None and s.gap_growth >= th.GAP_GROWTH
            and s.val_rise is not None and s.val_rise >= th.val_rise_margin(s)
            and s.last_train_loss is not None and s.train_loss_at_best is not None
            and s.last_train_loss < s.train_loss_at_best)


def _memorised(s: Signals) -> bool:
    return _by_heart(s, s.last_train_loss, s.last_val_loss)


def _memorised_at_best(s: Signals) -> bool:
    """Memorised already at the best epoch: stopping there would keep a network that learned by heart."""
    return _by_heart(s, s.train_loss_at_best, s.best_val_loss)


def _by_heart(s: Signals, train: float | None, val: float | None) -> bool:
    """A training loss under a tenth of the validation loss, well apart, in a network with the room to memorise."""
    return (train is not None and val is not None and val - train >= th.MEMORISED_GAP
            and train <= th.MEMORISED_RATIO * val and s.params_per_example >= th.MEMORISING_CAPACITY)


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
            and th.short_of_reference(s) and not _decay_bound(s)
            and not (s.activation in ("relu", "leaky_relu") and (s.dead_fraction or 0) >= th.DEAD_FRACTION))


def _dead(s: Signals) -> bool:
    return s.activation == "relu" and (s.dead_fraction or 0) >= th.DEAD_FRACTION and not _decay_bound(s)


def _dead_narrow(s: Signals) -> bool:
    """Dead units in narrow layers after steps of ordinary size: a smaller lr would not have saved them."""
    return (_dead(s) and min(s.hidden, default=th.NARROW) < th.NARROW
            and (s.update_ratio_first or 0) < 10 * th.UPDATE_RATIO_GOOD)


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
# Steps too large kill ReLU units and saturate tanh/sigmoid ones: with them, the lr is the root cause.
FROM_LARGE_STEPS = ("lr_too_high",)
# Causes of a shortfall that have their own advice: a bigger model would not be the fix.
CAUSES_OF_BIAS = ("diverged", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relu", "batch_too_large",
                  "batch_too_small", "overfitting")
# Causes of slow progress that have their own advice: training longer would not be the fix.
SLOW_FOR_A_REASON = ("diverged", "lr_too_high", "lr_too_low", "vanishing_gradients", "dead_relu", "batch_too_small",
                     "overfitting")
RULES: tuple[Rule, ...] = (
    Rule("diverged", "diverged", lambda s: s.status == "diverged",
         ("diverged_epoch", "diverged_step", "diverged_reason", "init_loss", "peak_step_loss", "lr"), {},
         lr_cut, strength=lambda s: 1.0, confidence=(1.0, 1.0)),
    Rule("lr_too_high", "lr_too_high.rise", _rose_and_hurt,
         ("rise_epoch", "rise_from", "rise_to", "max_rise", "update_ratio_first", "lr"),
         {"max_rise": th.LOSS_RISE}, lr_cut,
         strength=lambda s: th.strength(s.max_rise, th.LOSS_RISE, 2.0), confidence=(0.6, 0.9),
         suppressed_by=DIVERGED),
    Rule("lr_too_high", "lr_too_high.steps", _huge_steps,
         ("update_ratio_first", "last_train_acc", "reference_acc", "lr"),
         {"update_ratio_first": th.UPDATE_RATIO_HIGH}, lr_cut,
         strength=lambda s: th.strength(s.update_ratio_first, th.UPDATE_RATIO_HIGH, 3.0), confidence=(0.6, 0.85),
         suppressed_by=DIVERGED),
    Rule("lr_too_low", "lr_too_low.tiny", _tiny_steps,
         ("update_ratio_early", "init_loss", "last_train_loss", "progress", "total_updates", "lr"),
         {"update_ratio_early": th.UPDATE_RATIO_LOW}, lr_raise,
         strength=lambda s: th.strength(s.update_ratio_early, th.UPDATE_RATIO_LOW, 1e-6),
         confidence=(0.65, 0.95), suppressed_by=LR_LOW_EXCLUDED),
    Rule("lr_too_low", "lr_too_low.small", _small_steps,
         ("update_ratio_early", "path_length", "last_train_acc", "reference_acc", "lr"),
         {"update_ratio_early": th.UPDATE_RATIO_GOOD, "path_length": th.PATH_LENGTH_ENOUGH}, lr_raise,
         strength=lambda s: th.strength(s.update_ratio_early, th.UPDATE_RATIO_GOOD, th.UPDATE_RATIO_LOW),
         confidence=(0.5, 0.7), suppressed_by=LR_LOW_EXCLUDED),
    Rule("vanishing_gradients", "vanishing_gradients", _vanishing,
         ("grad_ratio", "first_layer_grad", "last_layer_grad", "depth", "activation", "last_train_acc"),
         {"grad_ratio": th.VANISHING_RATIO}, relu_or_shallower,
         strength=lambda s: th.strength(s.grad_ratio, th.VANISHING_RATIO, 1e-6),
         confidence=(0.6, 0.9), suppressed_by=DIVERGED),  # depth and saturating units: no lr cut revives them
    Rule("dead_relu", "dead_relu_narrow", _dead_narrow,
         ("dead_fraction", "update_ratio_first", "hidden", "last_train_acc"),
         {"dead_fraction": th.DEAD_FRACTION, "update_ratio_first": 10 * th.UPDATE_RATIO_GOOD}, revive,
         strength=lambda s: min(1.0, max(0.0, ((s.dead_fraction or 0) - th.DEAD_FRACTION) / 0.4)),
         confidence=(0.6, 0.9), suppressed_by=DIVERGED, caused_by=FROM_LARGE_STEPS),
    Rule("dead_relu", "dead_relu", _dead,
         ("dead_fraction", "update_ratio_first", "last_train_acc", "lr"),
         {"dead_fraction": th.DEAD_FRACTION}, leaky,
         strength=lambda s: min(1.0, max(0.0, ((s.dead_fraction or 0) - th.DEAD_FRACTION) / 0.4)),
         confidence=(0.6, 0.9), suppressed_by=DIVERGED, caused_by=FROM_LARGE_STEPS),
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
         ("best_epoch", "best_val_loss", "last_val_loss", "val_rise", "train_loss_at_best", "last_train_loss",
          "gap_growth", "params_per_example"),
         {"gap_growth": th.GAP_GROWTH, "val_rise": th.VAL_RISE}, regularise,
         strength=lambda s: th.strength(s.gap_growth, th.GAP_GROWTH, 1.0), confidence=(0.65, 0.95),
         suppressed_by=("diverged", "lr_too_high")),
    Rule("overfitting", "overfitting.memorised", _memorised,
         ("last_train_loss", "last_val_loss", "gap_loss", "train_val_ratio", "last_train_acc", "params_per_example"),
         {"gap_loss": th.MEMORISED_GAP, "train_val_ratio": th.MEMORISED_RATIO,
          "params_per_example": th.MEMORISING_CAPACITY}, regularise,
         strength=lambda s: th.strength(s.gap_loss, th.MEMORISED_GAP, 0.5), confidence=(0.6, 0.9),
         suppressed_by=("diverged", "lr_too_high")),
    Rule("underfitting", "underfitting.decay", _decay_bound,
         ("weight_decay", "update_ratio_early", "last_train_loss", "chance_loss", "last_train_acc", "lr"),
         {"weight_decay": th.DECAY_MIN, "update_ratio_early": th.UPDATE_RATIO_HIGH / 10}, weaker_decay,
         strength=lambda s: th.strength(s.update_ratio_early, th.UPDATE_RATIO_HIGH / 10, 1.0), confidence=(0.7, 0.9),
         suppressed_by=("diverged", "overfitting")),
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
