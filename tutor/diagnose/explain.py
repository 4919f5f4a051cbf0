"""From a run to its diagnoses: evaluate the rules, keep one route per code, render the words."""

import math
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from tutor.config import ExperimentConfig
from tutor.diagnose import theory as th
from tutor.diagnose.rules import CODES, HEALTHY, RULES, Code, Rule, Suggestion, just_above_edge, lr_factor
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


class Advice(BaseModel):
    """What a diagnosis's proposal says, as data, so that a reader in either language reads it in theirs."""

    trying: bool = False  # a fix is being tried now
    failed: list[dict[str, Any]] = []  # the fixes tried that did not remove the problem
    search: bool = False  # nothing left to propose: search for the value instead
    tried: dict[str, Any] | None = None  # a proven fix as it was tried, when it stopped at its goal
    best_epoch: int | None = None  # the epoch a proven fix reached its best


class Diagnosis(BaseModel):
    """One finding about a run, as `tutor run --json` reports it; `message` is in `lang`, and `route` and
    `advice` say it again in the other language (`retold`). Runs stored by earlier versions have neither."""

    code: Code
    confidence: float
    evidence: dict[str, Any]
    message: str
    suggestion: dict[str, Any]
    verified: Verified | None = None
    lang: Lang | None = None
    route: str | None = None  # the catalogue key of the rule's route, under `diagnose.`
    advice: Advice | None = None


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


def diagnose(rule: Rule, s: Signals, run: RunResult, lang: Lang, advice: Advice | None = None,
             suggestion: Suggestion | None = None, verified: Verified | None = None) -> Diagnosis:
    """One rule's finding: its confidence, the numbers it rests on, its words and its proposal. Without
    `advice` the proposal is its likeliest fix, said to be untried (`tutor.diagnose.verify` tries them)."""
    if suggestion is None:
        suggestion = next(iter(fixes(rule, s, run.config)), {})
    signals = s.model_dump()
    evidence: dict[str, Any] = {name: _rounded(signals[name]) for name in rule.evidence}
    if rule.thresholds:
        evidence["thresholds"] = dict(rule.thresholds)
    found = Diagnosis(code=rule.code, confidence=rule.confidence_for(s), evidence=evidence, message="",
                      suggestion=suggestion, verified=verified, route=rule.message, advice=advice or Advice())
    return said(found, s, lang)


def said(d: Diagnosis, s: Signals, lang: Lang) -> Diagnosis:
    """The diagnosis with its message in `lang`, from its route and advice and the run's signals `s`."""
    assert d.route is not None and d.advice is not None
    body = t(f"diagnose.{d.route}", lang, **view(s, lang), **proposed(d.suggestion, s, lang))
    return d.model_copy(update={"message": f"{body} {advised(d, d.advice, lang)}".strip(), "lang": lang})


def advised(d: Diagnosis, a: Advice, lang: Lang) -> str:
    """The proposal's words: a fix being tried, proven, or failed fixes and the next one to try (or a search)."""
    if a.trying:
        return t("diagnose.advice.trying", lang)
    if d.verified is not None:
        values = {"action": action(d.suggestion, lang), "acc": pct(d.verified.best_val_acc),
                  "problem": name(d.code, lang)}
        if a.tried is None or d.verified.planned is None:
            return t("diagnose.advice.verified", lang, epochs=a.best_epoch or 0, **values)
        return t("diagnose.advice.stopped", lang, tried=action(a.tried, lang),
                 why=stopped_at(d.suggestion["epochs"], d.verified.planned, lang), **values)
    failed = t("diagnose.advice.failed", lang, tried="; ".join(action(f, lang) for f in a.failed)) if a.failed else ""
    if d.suggestion and d.code != HEALTHY.code:
        then = t("diagnose.advice.untested", lang, action=action(d.suggestion, lang))
    else:
        then = t("diagnose.advice.search", lang) if a.search else ""
    return f"{failed} {then}".strip()


def retold(stored: Sequence[Diagnosis | dict[str, Any]], run: RunResult, lang: Lang) -> list[Diagnosis]:
    """A stored run's diagnoses in `lang`, said again from its history when stored in the other language.
    A run stored by an earlier version kept only words: its rules run again to find each route, and a
    proposal it proved keeps the words it was stored with (what proved it was not kept)."""
    found = [Diagnosis.model_validate(d) for d in stored]
    if all(d.lang == lang for d in found):
        return found
    s = signals_of(run)
    routes = {rule.code: rule.message for rule in firing(s)}
    out = []
    for d in found:
        route, advice = d.route or routes.get(d.code), d.advice or (None if d.verified else Advice())
        out.append(d if d.lang == lang or route is None or advice is None else
                   said(d.model_copy(update={"route": route, "advice": advice}), s, lang))
    return out


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
        distance=t(f"diagnose.words.distance.{'near' if just_above_edge(s) else 'far'}", lang, rise_to=num(s.rise_to)),
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
    return listed([t(f"diagnose.action.{field}", lang, value=setting(field, value, lang))
                   for field, value in suggestion.items()], lang)


def listed(parts: list[str], lang: Lang) -> str:
    """'a, b y c': parts as a sentence lists them."""
    last = t("diagnose.action.and", lang).join(parts[-2:])
    return ", ".join([*parts[:-2], last])


def setting(field: str, value: Any, lang: Lang) -> str:
    """A setting's value as a sentence writes it: activations and optimisers by name, layers as '32, 32'."""
    if field in ("activation", "optimizer"):
        return t(f"diagnose.{field}.{value}", lang)
    if field == "hidden":
        return ", ".join(map(str, value)) if value else t("diagnose.words.no_hidden", lang)
    return num(value)


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
