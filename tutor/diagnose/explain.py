"""From a run to its diagnoses: evaluate the rules, keep one route per code, render the words."""

import math
from typing import Any

from pydantic import BaseModel

from tutor.config import ExperimentConfig, flag
from tutor.diagnose import theory as th
from tutor.diagnose.rules import CODES, HEALTHY, RULES, Code, Rule, lr_factor
from tutor.diagnose.signals import Signals, signals_of
from tutor.engine import RunResult
from tutor.errors import ConfigError
from tutor.i18n import Lang, t


class Diagnosis(BaseModel):
    """One finding about a run, as `tutor run --json` reports it."""

    code: Code
    confidence: float
    evidence: dict[str, Any]
    message: str
    suggestion: dict[str, Any]


def explain(run: RunResult, lang: Lang = "es") -> list[Diagnosis]:
    """What went wrong (or right) in a run, surest first; a healthy run gets exactly `healthy`. A run
    cancelled before its first epoch ended has nothing to diagnose."""
    if not run.history:
        return []
    s = signals_of(run)
    return [diagnose(rule, s, run, lang) for rule in firing(s)]


def firing(s: Signals) -> list[Rule]:
    """The rules that hold, one per code (its first route that holds), minus suppressed codes, surest first."""
    held: dict[Code, Rule] = {}
    for rule in RULES:
        if rule.code not in held and rule.when(s):
            held[rule.code] = rule
    kept = [r for r in held.values() if not set(r.suppressed_by) & set(held)]
    kept.sort(key=lambda r: (-r.confidence_for(s), CODES.index(r.code)))
    return kept or [HEALTHY]


def diagnose(rule: Rule, s: Signals, run: RunResult, lang: Lang) -> Diagnosis:
    """One rule's finding: its confidence, the numbers it rests on, its words and its proposal."""
    suggestion = _runnable(rule.suggest(s, run.config), run.config)
    signals = s.model_dump()
    evidence: dict[str, Any] = {name: _rounded(signals[name]) for name in rule.evidence}
    if rule.thresholds:
        evidence["thresholds"] = dict(rule.thresholds)
    values = {**view(s, lang), **proposed(suggestion, s)}
    return Diagnosis(code=rule.code, confidence=rule.confidence_for(s), evidence=evidence,
                     message=t(f"diagnose.{rule.message}", lang, **values), suggestion=suggestion)


def view(s: Signals, lang: Lang) -> dict[str, str]:
    """Every signal as text for a message, plus the derived numbers the messages quote."""
    out = {k: pct(v) if k.endswith("_acc") else _shown(v) for k, v in s.model_dump().items()}
    ratio_first, ratio_early = s.update_ratio_first or 0, s.update_ratio_early or 0
    out.update(
        reason=t(f"diagnose.reason.{s.diverged_reason or 'nan'}", lang),
        hidden_str=",".join(map(str, s.hidden)) or t("diagnose.words.no_hidden", lang),
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
    )
    return out


def proposed(suggestion: dict[str, Any], s: Signals) -> dict[str, str]:
    """The suggestion as `tutor run` flags, and the update count per epoch it would give."""
    flags = " ".join(f"{flag(k)} {_shown(v)}" for k, v in suggestion.items())
    steps = math.ceil(s.n_train / suggestion.get("batch_size", s.batch_size))
    return {"flags": flags, "new_steps": str(steps)}


def _runnable(suggestion: dict[str, Any], cfg: ExperimentConfig) -> dict[str, Any]:
    """The suggestion if it makes a valid config that differs from this one (at a range's edge it may not)."""
    try:
        return suggestion if cfg.changed(**suggestion) != cfg else {}
    except ConfigError:
        return {}


def num(x: float | int | None) -> str:
    """A number as a student reads it: three significant digits, powers of ten when tiny or huge."""
    if x is None:
        return "—"
    if isinstance(x, int):
        return str(x)
    if not math.isfinite(x):
        return "∞" if x > 0 else "-∞"
    if x == 0:
        return "0"
    if abs(x) >= 1e5 or abs(x) < 1e-3:
        mantissa, exponent = f"{x:.1e}".split("e")
        return f"{mantissa.removesuffix('.0')}e{int(exponent)}"
    return f"{x:.0f}" if abs(x) >= 100 else f"{x:.3g}"


def pct(x: float | None) -> str:
    """A share as a percentage, one decimal unless whole: 0.627 -> 62.7%, 0.5 -> 50%."""
    if x is None:
        return "—"
    text = f"{100 * x:.1f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def _shown(v: Any) -> str:
    if isinstance(v, (tuple, list)):
        return ",".join(map(str, v))
    return num(v) if isinstance(v, (int, float)) or v is None else str(v)


def _rounded(v: Any) -> Any:
    if isinstance(v, float) and math.isfinite(v) and v != 0:
        return float(f"{v:.4g}")
    return list(v) if isinstance(v, tuple) else v
