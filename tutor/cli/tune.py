"""`tutor sweep` and `tutor lr-find`: parsers and commands, plugged into tutor.cli.main.

Light at import: the engine, Optuna and tinygrad load only when a command runs.
"""

import argparse
import json
import math
import signal
import threading
from typing import Any

from tutor.config import shown
from tutor.errors import ConfigError
from tutor.i18n import LANGS, Lang, t

COMMANDS = ("sweep", "lr-find")


def add_parsers(sub: Any) -> None:
    """Add `sweep` and `lr-find` to the subparsers of `tutor`, with the config flags of `tutor run`."""
    from tutor.cli.flags import add_config_flags

    sweep = sub.add_parser("sweep", help="search hyperparameters: grid, random or Bayesian (Optuna TPE)")
    add_config_flags(sweep)
    sweep.add_argument("--grid", nargs="+", metavar="FIELD=V1,V2", help="every combination, e.g. lr=0.001,0.01")
    sweep.add_argument("--random", metavar="N", help="N trials sampled at random from --space")
    sweep.add_argument("--bayes", metavar="N", help="N trials suggested by Optuna's TPE from --space, pruning")
    sweep.add_argument("--space", nargs="+", metavar="FIELD=KIND:...",
                       help="ranges to sample: lr=log:1e-4:1 width=int:4:256 momentum=float:0.8:0.99 "
                            "activation=choice:relu,tanh")
    sweep.add_argument("--budget", metavar="SECONDS", help="launch no trial after this many seconds")
    lr_find = sub.add_parser("lr-find", help="the learning-rate range test: which lr to start from")
    add_config_flags(lr_find)
    for p in (sweep, lr_find):
        p.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
        p.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="language of every message")


def run_command(args: argparse.Namespace, lang: Lang) -> int:
    """Run `tutor sweep` or `tutor lr-find`; a ConfigError (bad spec or flag) reaches the caller (exit 2)."""
    from tutor.cli.flags import config_from

    base = config_from(args, lang)
    if args.command == "sweep":
        return _sweep(base, args, lang)
    try:
        return _lr_find(base, args.json, lang)
    except KeyboardInterrupt:  # ~100 steps, nothing stored: Ctrl+C simply ends it
        return 130


def _sweep(base: Any, args: argparse.Namespace, lang: Lang) -> int:
    from tutor.store import Store, student_id
    from tutor.tune.report import SweepPrinter
    from tutor.tune.space import MAX_POINTS, parse_grid, parse_space
    from tutor.tune.sweep import sweep

    method, n = _method(args, lang, MAX_POINTS)
    budget = _budget(args.budget, lang)
    space = parse_grid(args.grid, base, lang) if method == "grid" else parse_space(args.space, base, lang)
    printer = None if args.json else SweepPrinter(space, method, len(space.points()) if method == "grid" else n, lang)
    stop = threading.Event()  # Ctrl+C: finish cleanly, keeping the trials already done
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        result = sweep(space, method, n, budget=budget, should_stop=stop.is_set, on_trial=printer and printer.trial,
                       store=Store(), student=student_id())
    finally:
        signal.signal(signal.SIGINT, previous)
    if printer:
        printer.summary(result)
    else:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    return 130 if result.stopped == "interrupted" else 0


def _lr_find(base: Any, as_json: bool, lang: Lang) -> int:
    from tutor.tune.lrfind import explain, lr_find
    from tutor.tune.report import print_lrfind

    result = lr_find(base)
    if as_json:
        doc = {"config": base.model_dump(mode="json"), "lrs": result.lrs, "losses": result.losses,
               "suggestions": result.suggestions.model_dump(), "blowup_lr": result.blowup_lr,
               "margin": result.margin and round(result.margin, 1), "explanation": explain(result, lang)}
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print_lrfind(result, lang)
    return 0


def _method(args: argparse.Namespace, lang: Lang, most: int) -> tuple[str, int]:
    """Exactly one of --grid, --random N, --bayes N; --space with (and only with) the last two."""
    chosen = [m for m in ("grid", "random", "bayes") if getattr(args, m) is not None]
    if not chosen:
        raise ConfigError(t("tune.method.none", lang))
    if len(chosen) > 1:
        raise ConfigError(t("tune.method.several", lang, chosen=", ".join("--" + m for m in chosen)))
    method = chosen[0]
    if method == "grid":
        if args.space:
            raise ConfigError(t("tune.method.grid_space", lang))
        return method, 0
    if not args.space:
        raise ConfigError(t("tune.method.needs_space", lang, method=method))
    text = getattr(args, method)
    if not (text.strip().isdecimal() and len(text.strip()) <= 9 and 1 <= int(text) <= most):
        raise ConfigError(t("tune.method.count", lang, method=method, value=shown(text), max=most))
    return method, int(text)


def _budget(text: str | None, lang: Lang) -> float | None:
    if text is None:
        return None
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ConfigError(t("tune.budget", lang, value=shown(text)))
    return seconds
