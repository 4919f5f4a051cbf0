"""Advice that works: before a fix is offered it is tried, and only one that removed the problem is
offered as proven.

The top problem's candidate fixes that keep the network's shape (lr, momentum, weight decay, epochs)
train together as one batched model (`train_batch`, as sweeps do), so together they cost about one
run. Shape changes (width, layers, activation, batch, data) are tried after them, one batched group
per shape, only while nothing has worked and within `SHAPE_BUDGET`; any left are offered as
untested. Every trial is kept (the caller's `keep` stores it as the tutor's run).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass

from tutor.config import ExperimentConfig
from tutor.data import load
from tutor.diagnose.explain import (
    Diagnosis,
    Verified,
    action,
    diagnose,
    explain,
    firing,
    fixes,
    name,
    pct,
)
from tutor.diagnose.rules import HEALTHY, Suggestion
from tutor.diagnose.signals import signals_of
from tutor.engine import RunResult
from tutor.engine.model import layout_of
from tutor.engine.training import batch_key, train_batch
from tutor.i18n import Lang, t

MAX_PER_BATCH = 4  # candidates of one shape trained together
SHAPE_BUDGET = 4.0  # other shapes are tried while their work adds up to at most this many runs of this one
STEP_OVERHEAD = 100_000  # the cost of one update, beyond its parameters, counted in parameters
NO_WORSE = 0.01  # a fix may cost at most this much best validation accuracy
SAME_WAY = {"diverged": {"lr_too_high", "dead_relu"}, "lr_too_high": {"dead_relu"}, "dead_relu": {"lr_too_high"},
            "lr_too_low": {"too_few_epochs", "underfitting"}, "too_few_epochs": {"lr_too_low"},
            "overfitting": set(), "underfitting": {"too_few_epochs"}}  # milder forms of each problem

Keep = Callable[[RunResult, list[Diagnosis]], int]


@dataclass(frozen=True)
class Trial:
    """One candidate fix, the run that tried it, what that run was diagnosed with, where it is stored."""

    fix: Suggestion
    run: RunResult
    codes: list[str]
    run_id: int | None

    @property
    def best_val_acc(self) -> float:
        return best_val_acc(self.run)

    def fixed(self, code: str, before: float) -> bool:
        """The problem is gone, the run trained to its end, and it is no worse on validation."""
        return (self.run.status == "completed" and code not in self.codes
                and self.best_val_acc >= before - NO_WORSE)

    def rank(self, code: str) -> tuple[bool, bool, int, float]:
        """Healthy first, then no milder form of the same problem left (a divergence cured into a
        learning rate still too high), then fewer problems left, then the better validation accuracy."""
        return (self.codes == ["healthy"], not set(self.codes) & SAME_WAY.get(code, set()), -len(self.codes),
                round(self.best_val_acc, 2))

    def epochs_to_best(self) -> int:
        return next(e.epoch for e in self.run.history if (e.val_acc or 0) >= self.best_val_acc)


def advise(run: RunResult, lang: Lang = "es", keep: Keep | None = None,
           should_stop: Callable[[], bool] | None = None) -> list[Diagnosis]:
    """The run's diagnoses, the top problem's fix tried first: `verified` names the run that proved it,
    or the message says plainly that the proposal is untested, or that nothing tried worked."""
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
    trials = try_fixes(cfg, candidates, rule.code, best_val_acc(run), lang, keep, should_stop)
    worked = [x for x in trials if x.fixed(rule.code, best_val_acc(run))]
    if worked:
        best = max(worked, key=lambda x: x.rank(rule.code))  # max keeps the first (likeliest) of equals
        verified = Verified(config=best.run.config.model_dump(mode="json"), best_val_acc=best.best_val_acc,
                            codes=best.codes, run_id=best.run_id)
        advice = t("diagnose.advice.verified", lang, action=action(best.fix, lang), acc=pct(best.best_val_acc),
                   epochs=best.epochs_to_best(), problem=name(rule.code, lang))
        diagnoses[top] = diagnose(rule, s, run, lang, advice, best.fix, verified)
        return diagnoses
    tried = [x.fix for x in trials]
    untried = [c for c in candidates if c not in tried]
    failed = t("diagnose.advice.failed", lang, tried="; ".join(action(f, lang) for f in tried)) if tried else ""
    if untried:
        advice = f"{failed} {t('diagnose.advice.untested', lang, action=action(untried[0], lang))}".strip()
        diagnoses[top] = diagnose(rule, s, run, lang, advice, untried[0])
    else:
        diagnoses[top] = diagnose(rule, s, run, lang, f"{failed} {t('diagnose.advice.search', lang)}".strip(), {})
    return diagnoses


def try_fixes(cfg: ExperimentConfig, candidates: list[Suggestion], code: str, before: float, lang: Lang,
              keep: Keep | None, should_stop: Callable[[], bool] | None) -> list[Trial]:
    """Train the candidates, one batched model per shape, the run's own shape first; stop at the first
    group in which one fixed `code`. Other shapes are tried in order while their `work`, in runs of
    `cfg`, fits `SHAPE_BUDGET`: a measure of work, not of time, so a run always gets the same advice."""
    own = batch_key(cfg)
    groups: dict[tuple, list[tuple[Suggestion, ExperimentConfig]]] = {own: []}
    for fix in candidates:
        changed = cfg.changed(**fix)
        groups.setdefault(batch_key(changed), []).append((fix, changed))
    trials: list[Trial] = []
    spent = 0.0
    for key, group in ((k, g[:MAX_PER_BATCH]) for k, g in groups.items() if g):
        if key != own:
            cost = work([c for _, c in group]) / work([cfg])
            if spent + cost > SHAPE_BUDGET:
                continue  # too costly to try here: offered untested if nothing else works
            spent += cost
        # shorter candidates (stopping early) first: when one of them works, the longer need not run
        for batch in ([x for x in group if x[1].epochs < cfg.epochs], [x for x in group if x[1].epochs >= cfg.epochs]):
            if not batch or (should_stop and should_stop()):
                continue
            for (fix, _), result in zip(batch, train_batch([c for _, c in batch], should_stop=should_stop)):
                if result.status == "cancelled":
                    return trials
                found = explain(result, lang)
                trials.append(Trial(fix, result, [d.code for d in found], keep(result, found) if keep else None))
            if any(x.fixed(code, before) for x in trials):
                return trials
    return trials


def work(cfgs: list[ExperimentConfig]) -> float:
    """What training `cfgs` as one batched model costs: its updates (the longest run's) times the cost
    of one, a fixed overhead plus the parameters of all the trials (small networks are overhead-bound)."""
    data = load(cfgs[0])
    steps = math.ceil(len(data.y_train) / min(cfgs[0].batch_size, len(data.y_train))) * max(c.epochs for c in cfgs)
    return steps * (STEP_OVERHEAD + sum(layout_of(c, data.n_features).n_params for c in cfgs))


def best_val_acc(run: RunResult) -> float:
    return max((e.val_acc or 0 for e in run.history), default=0.0)

