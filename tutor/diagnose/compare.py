"""Two runs side by side: what changed in the config, and what that did, in numbers."""

import math
from typing import Any

from pydantic import BaseModel

from tutor.config import ExperimentConfig
from tutor.diagnose import signals
from tutor.diagnose.explain import explain, setting
from tutor.engine import RunResult
from tutor.fmt import num, pct, ratio, seconds
from tutor.i18n import Lang, catalogue, t

SAME_WITHIN = 0.02  # relative change in a loss that counts as "about the same"
QUICK = 0.05  # seconds: a training time shorter than this is mostly timer noise, no ground for a ratio


class Comparison(BaseModel):
    """What differs between run `a` and run `b`, and what the difference did."""

    changes: dict[str, list[Any]]  # config field -> [a's value, b's value]
    metrics: dict[str, list[Any]]  # outcome -> [a's, b's]
    lines: list[str]  # one sentence per finding, in the requested language
    message: str  # the sentences as one paragraph


def compare(a: RunResult, b: RunResult, lang: Lang = "es") -> Comparison:
    """Say what changed from `a` to `b` and what it did: status, updates, losses, accuracy, speed."""
    changes = _changes(a.config, b.config)
    m = {name: [_rounded(f(a)), _rounded(f(b))] for name, f in METRICS.items()}
    target = _target(a, b)
    m["target_val_acc"] = [target, target]
    m["epochs_to_target"] = [_epochs_to(a, target), _epochs_to(b, target)]
    m["diagnoses"] = [[d.code for d in explain(r, lang)] for r in (a, b)]
    lines = [_headline(changes, m, lang)]
    (spe_a, spe_b), (total_a, total_b) = m["steps_per_epoch"], m["total_updates"]
    if spe_a != spe_b and total_a != total_b:
        lines.append(t("diagnose.compare.updates", lang, a=spe_a, b=spe_b, total_a=total_a, total_b=total_b))
    elif spe_a != spe_b:  # the same updates in all: a run cut short, or more epochs of fewer
        lines.append(t("diagnose.compare.per_epoch", lang, a=spe_a, b=spe_b))
    elif total_a != total_b:
        lines.append(t("diagnose.compare.total", lang, total_a=total_a, total_b=total_b))
    lines.append(t("diagnose.compare.val_acc", lang, acc=_pair(*map(pct, m["best_val_acc"]), lang),
                   loss=_pair(*map(num, m["final_val_loss"]), lang)))
    if target is not None:
        never = t("diagnose.compare.never", lang)
        a_ep, b_ep = (never if e is None else e for e in m["epochs_to_target"])
        lines.append(t("diagnose.compare.reach", lang, target=pct(target), epochs=_pair(a_ep, b_ep, lang)))
    (na, nb) = m["step_noise"] = [_rounded(step_noise(a)), _rounded(step_noise(b))]
    if na is not None and nb is not None:
        lines.append(t("diagnose.compare.noise", lang, noise=_pair(pct(na), pct(nb), lang)))
    lines.append(_speed(a.train_seconds, b.train_seconds, lang))
    if len(changes) == 1 and f"diagnose.compare.idea.{next(iter(changes))}" in catalogue(lang):
        lines.append(t(f"diagnose.compare.idea.{next(iter(changes))}", lang))
    return Comparison(changes=changes, metrics=m, lines=lines, message=" ".join(lines))


def step_noise(r: RunResult) -> float | None:
    """How much the last epochs' mini-batch losses scatter around their trend, relative to their mean."""
    return signals.step_noise(r) if r.step_losses else None


METRICS = {
    "status": lambda r: r.status,
    "diverged_epoch": lambda r: r.diverged_at.epoch if r.diverged_at else None,
    "epochs_run": lambda r: len(r.history),
    "steps_per_epoch": lambda r: r.steps_per_epoch,
    "total_updates": lambda r: r.history[-1].step if r.history else 0,
    "best_val_loss": lambda r: min((e.val_loss for e in r.history if e.val_loss is not None), default=None),
    "final_val_loss": lambda r: r.history[-1].val_loss if r.history else None,
    "best_val_acc": lambda r: max((e.val_acc for e in r.history if e.val_acc is not None), default=None),
    "seconds": lambda r: r.train_seconds,
}


def _changes(a: ExperimentConfig, b: ExperimentConfig) -> dict[str, list[Any]]:
    """Fields whose effective values differ (an unset sample count equals its default)."""
    values = [{**c.model_dump(), "samples": c.n_samples, "classes": c.n_classes} for c in (a, b)]
    return {k: [_plain(values[0][k]), _plain(values[1][k])] for k in values[0] if values[0][k] != values[1][k]}


def _plain(v: Any) -> Any:
    return list(v) if isinstance(v, tuple) else v


def _rounded(v: Any) -> Any:
    return float(f"{v:.4g}") if isinstance(v, float) else v


def _target(a: RunResult, b: RunResult) -> float | None:
    """A validation accuracy both runs reached, on a 5% grid, if clearly above chance."""
    best = [max((e.val_acc for e in r.history if e.val_acc is not None), default=None) for r in (a, b)]
    if None in best:
        return None
    target = math.floor(min(best) * 20 + 1e-9) / 20
    return target if target >= 1 / a.config.n_classes + 0.1 else None


def _epochs_to(r: RunResult, target: float | None) -> int | None:
    if target is None:
        return None
    return next((e.epoch for e in r.history if e.val_acc is not None and e.val_acc >= target - 1e-9), None)


def _arrow(a: Any, b: Any) -> str:
    """'0.21 → 0.34', or one value when both read the same."""
    return str(a) if str(a) == str(b) else f"{a} → {b}"


def _pair(a: Any, b: Any, lang: Lang) -> str:
    """'0.21 → 0.34', or '0.21 in both' when both read the same."""
    return t("diagnose.compare.both", lang, value=a) if str(a) == str(b) else f"{a} → {b}"


def _speed(a: float, b: float, lang: Lang) -> str:
    """The training times, and how many times longer the second took when neither was too quick to measure."""
    shown = [seconds(s) if s >= QUICK else t("diagnose.compare.quick", lang, limit=seconds(QUICK)) for s in (a, b)]
    if min(a, b) < QUICK or shown[0] == shown[1]:
        return t("diagnose.compare.speed", lang, times=_pair(*shown, lang))
    return t("diagnose.compare.speed_ratio", lang, times=_pair(*shown, lang), k=ratio(b / a))


def _headline(changes: dict[str, list[Any]], m: dict[str, list[Any]], lang: Lang) -> str:
    """The change as a cause, and its main effect: the outcome if it changed, else the best val loss."""
    if not changes:
        return t("diagnose.compare.same", lang)
    cause = _cause(changes, lang)
    (sa, sb), (da, db) = m["status"], m["diverged_epoch"]
    if sa != sb:
        return t("diagnose.compare.outcome", lang, cause=cause, a=_status(sa, da, lang), b=_status(sb, db, lang))
    if sa == "diverged":  # losses of blown-up runs are not worth ranking: when it blew up is the news
        (ua, ub) = m["total_updates"]
        return t("diagnose.compare.both_diverged", lang, cause=cause, epoch=_arrow(da, db), updates=_arrow(ua, ub),
                 n=ub)
    la, lb = m["best_val_loss"]
    if num(la) == num(lb):
        return t("diagnose.compare.loss_same", lang, cause=cause, a=num(la))
    return t("diagnose.compare.loss", lang, cause=cause, a=num(la), b=num(lb), verdict=_verdict(la, lb, lang))


def _cause(changes: dict[str, list[Any]], lang: Lang) -> str:
    if len(changes) > 1:
        listed = ", ".join(f"{t(f'diagnose.field.{k}', lang)} ({setting(k, x, lang)} → {setting(k, y, lang)})"
                           for k, (x, y) in changes.items())
        return t("diagnose.compare.verb.many", lang, changes=listed)
    (field, (x, y)), = changes.items()
    words = {"field": t(f"diagnose.field.{field}", lang), "a": setting(field, x, lang), "b": setting(field, y, lang)}
    if all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in (x, y)):
        k = y / x
        for verb, factor in (("double", 2), ("halve", 0.5)):
            if math.isclose(k, factor, rel_tol=0.05):
                return t(f"diagnose.compare.verb.{verb}", lang, **words)
        if k >= 3 and math.isclose(k, round(k), rel_tol=0.02):
            return t("diagnose.compare.verb.times", lang, k=round(k), **words)
        if k <= 1 / 3 and math.isclose(1 / k, round(1 / k), rel_tol=0.02):
            return t("diagnose.compare.verb.divide", lang, k=round(1 / k), **words)
    return t("diagnose.compare.verb.set", lang, **words)


def _status(status: str, epoch: int | None, lang: Lang) -> str:
    return t(f"diagnose.compare.status.{status}", lang, epoch=epoch)


def _verdict(a: float | None, b: float | None, lang: Lang) -> str:
    if a is None or b is None or abs(b - a) <= SAME_WITHIN * max(abs(a), 1e-12):
        return t("diagnose.compare.verdict.same", lang)
    return t(f"diagnose.compare.verdict.{'better' if b < a else 'worse'}", lang)
