"""`tutor sweep`, `tutor worker` and `tutor lr-find`: parsers and commands, plugged into tutor.cli.main.

Light at import: the engine, Optuna and tinygrad load only when a command runs.
"""

import argparse
import json
import math
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tutor.config import shown
from tutor.errors import ConfigError
from tutor.i18n import LANGS, Lang, t
from tutor.settings import Settings

COMMANDS = ("sweep", "lr-find", "worker")


def add_parsers(sub: Any, lang: Lang = "en") -> None:
    """Add `sweep`, `worker` and `lr-find` to the subparsers of `tutor`, with the config flags of `tutor run`;
    their help in `lang`."""
    from tutor.cli.flags import add_config_flags
    from tutor.cli.usage import add_command, helps

    said = helps(lang)
    sweep = add_command(sub, "sweep", "sweep.help", lang)
    add_config_flags(sweep, lang)
    sweep.add_argument("--grid", nargs="+", metavar=said("metavar.grid"), help=said("sweep.grid"))
    sweep.add_argument("--random", metavar="N", help=said("sweep.random"))
    sweep.add_argument("--bayes", metavar="N", help=said("sweep.bayes"))
    sweep.add_argument("--space", nargs="+", metavar=said("metavar.space"), help=said("sweep.space"))
    sweep.add_argument("--budget", metavar=said("metavar.seconds"), help=said("sweep.budget"))
    sweep.add_argument("--storage", metavar="URL", help=said("sweep.storage"))
    sweep.add_argument("--study", metavar=said("metavar.name"), help=said("sweep.study"))
    worker = add_command(sub, "worker", "worker.help", lang)
    worker.add_argument("--storage", metavar="URL", required=True, help=said("worker.storage"))
    worker.add_argument("--study", metavar=said("metavar.name"), required=True, help=said("worker.study"))
    worker.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lang"))
    lr_find = add_command(sub, "lr-find", "lr_find.help", lang)
    add_config_flags(lr_find, lang)
    for p in (sweep, lr_find):
        p.add_argument("--json", action="store_true", help=said("json"))
        p.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lang"))


def run_command(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    """Run `tutor sweep`, `tutor worker` or `tutor lr-find`; a TutorError (bad spec, flag or storage)
    reaches the caller (exit 2)."""
    from tutor.cli.flags import config_from

    if args.command == "worker":
        return _worker(args, lang)
    base = config_from(args, lang)
    if args.command == "sweep":
        return _sweep(base, args, settings, lang)
    try:
        return _lr_find(base, args.json, lang)
    except KeyboardInterrupt:  # ~100 steps, nothing stored: Ctrl+C simply ends it
        return 130


def _sweep(base: Any, args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    from tutor.store import Store
    from tutor.tune.space import MAX_POINTS, parse_grid, parse_space
    from tutor.tune.sweep import sweep

    method, n = _method(args, lang, MAX_POINTS)
    budget = _budget(args.budget, lang)
    space = parse_grid(args.grid, base, lang) if method == "grid" else parse_space(args.space, base, lang)
    if args.study is not None and not args.storage:
        raise ConfigError(t("tune.study.needs_storage", lang))
    printer = None
    if not args.json:  # tables only: --json starts a shared study sooner, for the workers scripted to join it
        from tutor.tune.report import SweepPrinter

        printer = SweepPrinter(space, method, len(space.points()) if method == "grid" else n, lang)
        if not args.storage:
            printer.start()

    def joined(name: str) -> None:
        """The study holds this search: its header (a study holding another is one line, and nothing else)."""
        print(t("tune.study.joined", lang, name=name, storage=args.storage), file=sys.stderr)
        if printer:
            printer.start()

    try:
        with _stopping() as stop:  # Ctrl+C or SIGTERM: finish cleanly, keeping the trials already done
            result = sweep(space, method, n, budget=budget, should_stop=stop.is_set,
                           on_trial=printer and printer.trial, store=Store(settings.store),
                           student=settings.student_id, storage=args.storage, study=args.study, on_join=joined,
                           on_wait=printer and printer.waiting)
    finally:
        if printer:  # the live bar off the terminal before the summary, or before an error's line
            printer.close()
    if printer:
        printer.summary(result)
    else:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    return 128 + stop.signal if result.stopped == "interrupted" and stop.signal else 0


def _worker(args: argparse.Namespace, lang: Lang) -> int:
    import tutor.engine.training  # noqa: F401  (loaded before joining: a worker that has joined takes trials at once)
    from tutor.fmt import fixed
    from tutor.tune.report import params_text
    from tutor.tune.study import IDLE, finished, join, reachable, work

    with reachable(args.storage, lang):
        shared = join(args.storage, args.study, lang)
    plan = shared.plan
    print(t("tune.worker.start", lang, name=args.study, method=t(f"tune.name.{plan.method}", lang),
            planned=plan.planned), flush=True)
    trained = []

    def done(n: int, params: dict[str, Any], run: Any, pruned: bool) -> None:
        trained.append(n)
        loss = run.history[-1].val_loss if run.history else None
        print(t("tune.worker.trial", lang, number=n + 1, planned=plan.planned,
                params=params_text(params, lang), status=t(f"tune.status.{'pruned' if pruned else run.status}", lang),
                loss=fixed(loss)), flush=True)

    with _stopping() as stop, reachable(args.storage, lang):
        work(shared, stop.is_set, on_trained=done, poll=IDLE)
        total = len(finished(shared.study))
    if stop.signal:
        return 128 + stop.signal
    print(t("tune.worker.done", lang, trials=len(trained), total=total))
    return 0


class _Stop(threading.Event):
    signal = 0


@contextmanager
def _stopping() -> Iterator[_Stop]:
    """An event set by Ctrl+C or SIGTERM (remembering which), for the time of a search."""
    stop = _Stop()

    def handle(signum: int, _: Any) -> None:
        stop.signal = signum
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _lr_find(base: Any, as_json: bool, lang: Lang) -> int:
    from tutor.tune.lrfind import lr_find
    from tutor.tune.report import print_lrfind
    from tutor.tune.results import explain

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
