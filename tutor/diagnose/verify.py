"""Advice that works: before a fix is offered it is tried, and only one that removed the problem
without a worse one in its place (dead units, a divergence, accuracy lost by the end of the run) is
offered as proven. The search ends at a trial that also left no serious problem behind (a student who
follows it is not sent straight into another: one layer less for vanishing gradients that leaves the
learning rate too high); a trial that removed the problem but left a serious one is a step on the way:
that problem's own first fix is added to it and tried next.

The top problem's candidate fixes are tried one at a time, likeliest first, those that keep the
network's shape (lr, momentum, weight decay, epochs) before shape changes (width, layers, activation,
batch, data), until one removes the problem. One at a time, because each epoch is one compiled
program whose cost grows with the trials it holds (four trained together cost 3.6 runs, measured):
a first candidate that works costs one run, and runs on the student's own compiled shape. A trial
that clearly reached its goal (the k-NN reference, the run's best validation accuracy, live units)
stops there: it is then exactly the run of that config with that many epochs, so that is what is
offered. Later candidates are tried while their work fits `BUDGET`; any left are offered as untested.
Every trial is kept (the caller's `keep` stores it as the tutor's run). A candidate that a run already
made would give again exactly (the student went back to an earlier setting, or asked again) is not
trained: that run is its trial.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tutor.config import ExperimentConfig
from tutor.data import load
from tutor.diagnose import theory as th
from tutor.diagnose.explain import (
    Advice,
    Diagnosis,
    Verified,
    diagnose,
    explain,
    firing,
    fixes,
    planned,
)
from tutor.diagnose.rules import CODES, HEALTHY, Suggestion
from tutor.diagnose.signals import Signals, acc_se, signals_of
from tutor.engine import Epoch, RunResult, gate
from tutor.engine.model import layout_of
from tutor.engine.training import batch_key, train
from tutor.i18n import Lang

BUDGET = 3.0  # candidates are tried while their work adds up to this many runs (the run's or its first fix's)
# The cost of one update beyond its examples, in parameter-examples (one example through one parameter, forward
# and back): an epoch is one compiled program, measured on CPU at ~20 µs an update and ~2 ns a parameter-example.
STEP_OVERHEAD = 10_000
NO_WORSE = 0.01  # a fix may cost at most this much best validation accuracy
SAME_WAY = {"diverged": {"lr_too_high", "dead_relu"}, "lr_too_high": {"dead_relu"}, "dead_relu": {"lr_too_high"},
            "lr_too_low": {"too_few_epochs", "underfitting"}, "too_few_epochs": {"lr_too_low"},
            "overfitting": set(), "underfitting": {"too_few_epochs"}}  # milder forms of each problem
LATE = {"overfitting"}  # problems that show only late in a run: their trials never stop early
SERIOUS = set(CODES[:CODES.index("overfitting")])  # training itself broken: lr, gradients, units, batch

Keep = Callable[[RunResult, list[Diagnosis]], int]


@dataclass(frozen=True)
class Trial:
    """One candidate fix, the run that tried it, what that run was diagnosed with, where it is stored;
    `fix` is the candidate, with the epochs it ran for when it stopped at its goal."""

    candidate: Suggestion
    fix: Suggestion
    run: RunResult
    codes: list[str]
    run_id: int | None

    @property
    def best_val_acc(self) -> float:
        return best_val_acc(self.run)

    def fixed(self, code: str, before: float) -> bool:
        """The problem is gone, the run trained to its end without killing its units (unless that is a
        milder form of the problem: a divergence cured into dead units) or collapsing (its last validation
        accuracy far below its best: a student who follows it ends there), and it is no worse on validation."""
        dead = "dead_relu" in self.codes and "dead_relu" not in SAME_WAY.get(code, set())
        return (self.run.status == "completed" and code not in self.codes and not dead and not collapsed(self.run)
                and self.best_val_acc >= before - NO_WORSE)

    def left(self, code: str) -> set[str]:
        """The serious problems the trial still has, beyond milder forms of `code`."""
        return set(self.codes) & SERIOUS - SAME_WAY.get(code, set()) - {code}

    def short(self, code: str, before: float) -> bool:
        """The problem is gone, the run trained to its end without collapsing, but fell short of `before`."""
        return (self.run.status == "completed" and code not in self.codes and not collapsed(self.run)
                and self.best_val_acc < before - NO_WORSE)

    def good(self, code: str, before: float) -> bool:
        """Fixed, with no serious problem left but a milder form of this one."""
        return self.fixed(code, before) and not self.left(code)

    def rank(self, code: str) -> tuple[bool, bool, bool, int, float]:
        """Healthy first, then no serious problem left, then no milder form of the same problem left (a
        divergence cured into a learning rate still too high), then fewer problems left, then the better
        validation accuracy."""
        return (self.codes == ["healthy"], not self.left(code), not set(self.codes) & SAME_WAY.get(code, set()),
                -len(self.codes), round(self.best_val_acc, 2))

    def epochs_to_best(self) -> int:
        return next(e.epoch for e in self.run.history if (e.val_acc or 0) >= self.best_val_acc)


def advise(run: RunResult, lang: Lang = "es", keep: Keep | None = None,
           should_stop: Callable[[], bool] | None = None, made: Sequence[RunResult] = (),
           explained: Callable[[list[Diagnosis]], None] | None = None) -> list[Diagnosis]:
    """The run's diagnoses, the top problem's fix tried first: `verified` names the run that proved it,
    or the message says plainly that the proposal is untested, or that nothing tried worked. `made`:
    runs already made, which serve as the trial of a candidate they ran; `explained` sees the diagnoses
    before any fix is tried, the top one saying that one is being tried."""
    if not run.history:
        return []
    s = signals_of(run)
    rules = firing(s)
    diagnoses = [diagnose(rule, s, run, lang) for rule in rules]
    top = next((i for i, r in enumerate(rules) if r is not HEALTHY), None)
    if top is None or run.status == "cancelled":
        return diagnoses
    rule, cfg = rules[top], run.config
    candidates = fixes(rule, s, cfg)
    if explained and candidates:
        explained([*diagnoses[:top], diagnose(rule, s, run, lang, Advice(trying=True), {}),
                   *diagnoses[top + 1:]])
    trials = try_fixes(cfg, candidates, rule.code, Goal.of(s, rule.code, best_val_acc(run)), lang, keep, should_stop,
                       made)
    worked = [x for x in trials if x.fixed(rule.code, best_val_acc(run))]
    if worked:
        best = max(worked, key=lambda x: x.rank(rule.code))  # max keeps the first (likeliest) of equals
        verified = Verified(config=best.run.config.model_dump(mode="json"), best_val_acc=best.best_val_acc,
                            codes=best.codes, run_id=best.run_id, planned=planned(best.candidate, best.fix, cfg.epochs))
        stopped = verified.planned is not None
        advice = Advice(tried=best.candidate if stopped else None, best_epoch=best.epochs_to_best())
        diagnoses[top] = diagnose(rule, s, run, lang, advice, best.fix, verified)
        return diagnoses
    failed = [x.fix for x in trials]
    untried = [c for c in candidates if c not in [x.candidate for x in trials]]
    diagnoses[top] = diagnose(rule, s, run, lang, Advice(failed=failed, search=not untried),
                              untried[0] if untried else {})
    return diagnoses


@dataclass(frozen=True)
class Goal:
    """When a trial has clearly removed the problem: its training accuracy is no longer short of the
    k-NN reference (every shortfall rule is then silent), its validation accuracy reached the run's best,
    and its units are alive. Never for a problem that shows only late."""

    before: float  # the run's best validation accuracy
    train_acc: float | None  # the training accuracy not short of the reference (None: never)

    @classmethod
    def of(cls, s: Signals, code: str, before: float) -> "Goal":
        return cls(before, None if code in LATE else s.reference_acc - th.acc_margin(s))

    def reached(self, e: Epoch) -> bool:
        return (self.train_acc is not None and e.epoch >= th.MIN_EPOCHS_TO_JUDGE
                and (e.train_acc or 0) >= self.train_acc and (e.val_acc or 0) >= self.before
                and e.dead_fraction < th.DEAD_FRACTION)


def try_fixes(cfg: ExperimentConfig, candidates: list[Suggestion], code: str, goal: Goal, lang: Lang,
              keep: Keep | None, should_stop: Callable[[], bool] | None, made: Sequence[RunResult] = ()) -> list[Trial]:
    """Train the candidates one at a time, those of the run's own shape first, until one is `good` and
    left no milder form of the problem either (or is good at all, once the run's own shape is done). A
    trial that removed the problem but left a serious one is followed by a step, tried next: itself with
    that problem's first fix. The first candidate is always tried; the next while the work of all, in
    runs of `cfg` or of the first fix, whichever is larger, fits `BUDGET`: a measure of work, not of
    time, so a run always gets the same advice."""
    stop = should_stop or (lambda: False)
    own = batch_key(cfg)
    queue = sorted(candidates, key=lambda fix: batch_key(cfg.changed(**fix)) != own)  # stable: likeliest first
    trials: list[Trial] = []
    unit = spent = 0.0
    while queue:
        fix = queue.pop(0)
        changed = cfg.changed(**fix)
        unit = unit or max(work(cfg, cfg.epochs), work(changed, changed.epochs))
        if stop() or (trials and spent + work(changed, changed.epochs) > BUDGET * unit):
            break
        if batch_key(changed) != own and any(x.good(code, goal.before) for x in trials):
            break  # a fix found on the run's own shape is not bettered at the price of a new shape
        result = next((r for x in made if (r := rerun(x, changed, goal))), None) or trained(changed, goal, stop)
        if result.status == "cancelled":
            break
        # stopped at its goal: what was tried is the same fix with that many epochs
        tried = fix if result.config == changed else {**fix, "epochs": result.config.epochs}
        spent += work(result.config, len(result.history))  # a run reused counts too: the same advice either way
        found = explain(result, lang)
        trial = Trial(fix, tried, result, [d.code for d in found], keep(result, found) if keep else None)
        trials.append(trial)
        if trial.good(code, goal.before) and not set(trial.codes) & SAME_WAY.get(code, set()):
            break  # a fix that left a milder form of the problem (a divergence cured into dead units) may be bettered
        step = next_step(fix, found, trial.left(code)) if code not in trial.codes else None
        if step is None and changed.lr < cfg.lr and trial.short(code, goal.before):  # smaller steps need more
            step = longer(fix, changed, BUDGET * unit - spent)
        if step and step not in queue and step not in [x.candidate for x in trials]:
            queue.insert(0, step)  # the trail that made progress is followed first
    return trials


def next_step(fix: Suggestion, found: list[Diagnosis], left: set[str]) -> Suggestion | None:
    """`fix` and the first fix of the likeliest serious problem its trial `found` left, if that adds anything."""
    then = next((d.suggestion for d in found if d.code in left and d.suggestion), {})
    step = {**fix, **then}
    return step if step != fix else None


def longer(fix: Suggestion, cfg: ExperimentConfig, room: float) -> Suggestion | None:
    """`fix` trained for as many more epochs as the work left in the budget allows, at most three times as
    many; None when that is not even one more."""
    epochs = min(3 * cfg.epochs, int(room / work(cfg, 1)))
    return {**fix, "epochs": epochs} if epochs > cfg.epochs else None


def trained(cfg: ExperimentConfig, goal: Goal, should_stop: Callable[[], bool]) -> RunResult:
    """Train `cfg`, stopping after the first epoch that reached `goal`: the result is then the run
    of `cfg` with that many epochs (same seed, same shuffles), and says so. In a class it trains in the
    background: after every run a student asked for."""
    reached: list[int] = []
    with gate.in_background():
        result = train(cfg, on_epoch=lambda e: goal.reached(e) and reached.append(e.epoch),
                       should_stop=lambda: bool(reached) or should_stop())
    if reached and result.status == "cancelled" and len(result.history) == reached[0] and not should_stop():
        return result.model_copy(update={"status": "completed", "config": cfg.changed(epochs=reached[0])})
    return result


def rerun(run: RunResult, cfg: ExperimentConfig, goal: Goal) -> RunResult | None:
    """`run`, if training `cfg` towards `goal` would give it again: the same config but perhaps its
    epochs, ending where that training would end (its last planned epoch, a divergence, or the goal,
    first reached at its last epoch); else None."""
    if run.status == "cancelled" or not run.history or run.config.changed(epochs=cfg.epochs) != cfg:
        return None
    end = len(run.history)
    first = next((e.epoch for e in run.history if goal.reached(e)), None)
    if end > cfg.epochs or (first is not None and first < end):
        return None
    if run.status == "diverged":
        return run.model_copy(update={"config": cfg})
    return run if end == cfg.epochs or first == end else None


def work(cfg: ExperimentConfig, epochs: int) -> float:
    """What training `cfg` for `epochs` costs: each epoch every training example through every parameter,
    plus a fixed overhead per update (small networks on small batches are overhead-bound). A batch of the
    whole set is one update an epoch, but no cheaper an epoch than batches of 32."""
    data = load(cfg)
    n = len(data.y_train)
    updates = math.ceil(n / min(cfg.batch_size, n))
    return epochs * (updates * STEP_OVERHEAD + n * layout_of(cfg, data.n_features).n_params)


def best_val_acc(run: RunResult) -> float:
    return max((e.val_acc or 0 for e in run.history), default=0.0)


def collapsed(run: RunResult) -> bool:
    """The run ended below its best validation accuracy by more than noise: what it learned, it lost."""
    best = best_val_acc(run)
    return bool(run.history) and (run.history[-1].val_acc or 0) < best - th.beyond_noise(acc_se(best, run.n_val))
