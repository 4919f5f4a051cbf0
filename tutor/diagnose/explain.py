"""From a run to its diagnoses: evaluate the rules, keep one route per code, render the words."""

import math
from typing import Any

from pydantic import BaseModel

from tutor.config import ExperimentConfig
from tutor.diagnose import theory as th
from tutor.diagnose.rules import CODES, HEALTHY, RULES, Code, Rule, Suggestion, lr_factor
from tutor.diagnose.signals import Signals, signals_of
from tutor.engine import RunResult
from tutor.errors import ConfigError
from tutor.fmt import num, pct
from tutor.i18n import Lang, t


class Verified(BaseModel):
    """The run that showed a suggestion works: its config, best validation accuracy and diagnoses."""

    config: dict[str, Any]
    best_val_acc: float | None
    codes: list[str]
    run_id: int | None = None
    planned: int | None = None  # the epochs it was set for, when it stopped at its goal (its config has those it ran)


class Diagnosis(BaseModel):
    """One finding about a run, as `tutor run --json` reports it."""

    code: Code
    confidence: float
    evidence: dict[str, Any]
    message: str
    suggestion: dict[str, Any]
    verified: Verified | None = None


def explain(run: RunResult, lang: Lang = "es") -> list[Diagnosis]:
    """What went wrong (or right) in a run, surest first; a healthy run gets exactly `healthy`. A run
    cancelled before its first epoch ended has nothing to diagnose."""
    if not run.history:
        return []
    s = signals_of(run)
    return [diagnose(rule, s, run, lang) for rule in firing(s)]


def name(code: str, lang: Lang) -> str:
    """A diagnosis as a student reads it: 'sobreajuste', not `overfitting`."""
    return t(f"diagnose.name.{code}", lang)


def firing(s: Signals) -> list[Rule]:
    """The rules that hold, one per code (its first route that holds), minus suppressed codes, surest
    first, a symptom no earlier than its causes that hold (it ranks at the lower of their confidences)."""
    held: dict[Code, Rule] = {}
    for rule in RULES:
        if rule.code not in held and rule.when(s):
            held[rule.code] = rule
    kept = {r.code: r for r in held.values() if not set(r.suppressed_by) & set(held)}

    def rank(r: Rule) -> tuple[float, bool, int]:
        causes = [kept[c].confidence_for(s) for c in r.caused_by if c in kept]
        return -min([r.confidence_for(s), *causes]), bool(causes), CODES.index(r.code)

    return sorted(kept.values(), key=rank) or [HEALTHY]


def diagnose(rule: Rule, s: Signals, run: RunResult, lang: Lang, advice: str | None = None,
             suggestion: Suggestion | None = None, verified: Verified | None = None) -> Diagnosis:
    """One rule's finding: its confidence, the numbers it rests on, its words and its proposal. Without
    `advice` the proposal is its likeliest fix, said to be untried (`tutor.diagnose.verify` tries them)."""
    if suggestion is None:
        suggestion = next(iter(fixes(rule, s, run.config)), {})
    signals = s.model_dump()
    evidence: dict[str, Any] = {name: _rounded(signals[name]) for name in rule.evidence}
    if rule.thresholds:
        evidence["thresholds"] = dict(rule.thresholds)
    values = {**view(s, lang), **proposed(suggestion, s, lang)}
    body = t(f"diagnose.{rule.message}", lang, **values)
    if advice is None:
        advice = (t("diagnose.advice.untested", lang, action=values["action"])
                  if suggestion and rule is not HEALTHY else "")
    return Diagnosis(code=rule.code, confidence=rule.confidence_for(s), evidence=evidence,
                     message=f"{body} {advice}".strip(), suggestion=suggestion, verified=verified)


def fixes(rule: Rule, s: Signals, cfg: ExperimentConfig) -> list[Suggestion]:
    """The rule's candidate fixes that make a valid config different from this one, likeliest first."""
    return [f for f in rule.fixes(s, cfg) if _runnable(f, cfg)]


def view(s: Signals, lang: Lang) -> dict[str, str]:
    """Every signal as text for a message, plus the derived numbers the messages quote."""
    out = {k: pct(v) if k.endswith("_acc") else num(v) for k, v in s.model_dump().items()}
    ratio_first, ratio_early = s.update_ratio_first or 0, s.update_ratio_early or 0
    out.update(
        reason=t(f"diagnose.reason.{s.diverged_reason or 'nan'}", lang),
        hidden_str=",".join(map(str, s.hidden)) or t("diagnose.words.no_hidden", lang),
        activation_name=t(f"diagnose.activation.{s.activation}", lang),
        dead_pct=pct(s.dead_fraction or 0),
        recent_share_pct=pct(s.recent_share or 0),
        max_rise_pct=pct(s.max_rise),
        batch_pct=pct(s.batch_fraction),
        gap_acc_pct=pct(abs(s.gap_acc or 0)),
        times_above=num(ratio_first / th.UPDATE_RATIO_GOOD),
        times_below=num(th.UPDATE_RATIO_GOOD / ratio_early) if ratio_early else "∞",
        lr_factor=num(lr_factor(s)),
        recent_drop_nats=num((s.recent_drop or 0) * s.chance_loss),
        noise_times=num(math.sqrt(th.USUAL_BATCH / s.batch_size)),
        usual_batch=str(th.USUAL_BATCH),
        capacity=str(th.MEMORISING_CAPACITY),
        margin=t(f"diagnose.words.margin.{_side(s.best_val_acc, s.reference_acc, s.reference_se)}", lang,
                 points=num(abs(100 * ((s.best_val_acc or 0) - s.reference_acc)))),
        edge=t(f"diagnose.words.edge.{_side(ratio_early, th.UPDATE_RATIO_GOOD / 3, 0, th.UPDATE_RATIO_GOOD * 3)}",
               lang),
        pace=t(f"diagnose.words.pace.{'early' if (s.near_best_epoch or 0) <= s.epochs_run / 2 else 'late'}", lang,
               epoch=s.near_best_epoch or s.epochs_run, epochs=s.epochs_run),
        usual_steps=str(math.ceil(s.n_train / min(th.USUAL_BATCH, s.n_train))),
    )
    return out


def _side(x: float | None, low: float, within: float, high: float | None = None) -> str:
    """'below', 'level' or 'above': where x falls against [low - within, high + within]."""
    high = low if high is None else high
    x = x or 0
    return "below" if x < low - within else "above" if x > high + within else "level"


def proposed(suggestion: dict[str, Any], s: Signals, lang: Lang) -> dict[str, str]:
    """The suggestion as an action in words."""
    return {"action": action(suggestion, lang)}


def proven(candidate: Suggestion, fix: Suggestion, acc: float, best_epoch: int, epochs: int, code: str,
           lang: Lang) -> str:
    """The advice once a fix was shown to work: how it did, and the offer of `fix`, the run that showed it.
    A trial stopped at its goal is offered with the epochs it ran (`fix` has them, the `candidate` tried had
    not, or had more than the run's `epochs`): the words say why, not just "and 9 epochs"."""
    values = {"action": action(fix, lang), "acc": pct(acc), "problem": name(code, lang)}
    stop = planned(candidate, fix, epochs)
    if stop is None:
        return t("diagnose.advice.verified", lang, epochs=best_epoch, **values)
    return t("diagnose.advice.stopped", lang, tried=action(candidate, lang), why=stopped_at(fix["epochs"], stop, lang),
             **values)


def planned(candidate: Suggestion, fix: Suggestion, epochs: int) -> int | None:
    """The epochs a trial that stopped at its goal was set for (the `candidate`'s, else the run's `epochs`);
    None when it ran them all (`fix` is then the `candidate`)."""
    return None if fix == candidate else candidate.get("epochs", epochs)


def stopped_at(stopped: int, planned: int, lang: Lang) -> str:
    """Why a proven fix has fewer epochs than it was tried with: 'it was already doing well by epoch 9 of 20, so
    I stopped it there' (the conversation's advice and the run panel's offer both say it)."""
    return t("diagnose.advice.stopped_at", lang, stopped=stopped, planned=planned)


def action(suggestion: dict[str, Any], lang: Lang) -> str:
    """'un learning rate de 0.5 y 30 épocas': a change of settings as a student would say it."""
    parts = []
    for field, value in suggestion.items():
        if field in ("activation", "optimizer"):
            value = t(f"diagnose.{field}.{value}", lang)
        elif field == "hidden":
            value = ", ".join(map(str, value)) if value else t("diagnose.words.no_hidden", lang)
        elif isinstance(value, float):
            value = num(value)
        parts.append(t(f"diagnose.action.{field}", lang, value=value))
    last = t("diagnose.action.and", lang).join(parts[-2:])  # 'a, b y c'
    return ", ".join([*parts[:-2], last])


def _runnable(suggestion: dict[str, Any], cfg: ExperimentConfig) -> bool:
    """Whether the suggestion makes a valid config that differs from this one (at a range's edge it may not)."""
    try:
        return cfg.changed(**suggestion) != cfg
    except ConfigError:
        return False


def _rounded(v: Any) -> Any:
    if isinstance(v, float) and math.isfinite(v) and v != 0:
        return float(f"{v:.4g}")
    return list(v) if isinstance(v, tuple) else v
