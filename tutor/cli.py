"""`tutor` on the command line: a thin shell over the core. Exit 0 done, 2 bad input, 1 anything else."""

import argparse
import getpass
import json
import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import Any, NoReturn

from tutor.config import ExperimentConfig, flag, make_config
from tutor.errors import TutorError
from tutor.i18n import LANGS, Lang, default_lang, t


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line and exits 2, without the usage dump."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def student_id() -> str:
    """Whose runs these are: `TUTOR_STUDENT`, else the login name."""
    return os.environ.get("TUTOR_STUDENT") or getpass.getuser()


def add_config_flags(p: argparse.ArgumentParser) -> None:
    """One flag per ExperimentConfig field; values stay text until the config validates them."""
    for name, info in ExperimentConfig.model_fields.items():
        p.add_argument(flag(name), dest=name, metavar=name.upper(), help=info.description)


def config_from(args: argparse.Namespace, lang: Lang) -> ExperimentConfig:
    values = {k: getattr(args, k) for k in ExperimentConfig.model_fields if getattr(args, k, None) is not None}
    return make_config(values, lang)


def build_parser() -> Parser:
    root = Parser(prog="tutor", description="A terminal tutor for training neural networks and tuning them.")
    root.add_argument("--lang", choices=LANGS, help="language of every message (default: your locale)")
    sub = root.add_subparsers(dest="command", parser_class=Parser)
    run = sub.add_parser("run", help="train one network and explain how it went")
    add_config_flags(run)
    run.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    run.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="language of every message")
    return root


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    lang: Lang = args.lang or default_lang()
    try:
        if args.command == "run":
            return cmd_run(args, lang)
        build_parser().print_help()
        return 0
    except TutorError as err:
        print(f"tutor: {err}", file=sys.stderr)
        return 2
    except Exception as err:  # the last guard: one line, never a traceback, unless asked for
        if os.environ.get("TUTOR_DEBUG"):
            raise
        print(f"tutor: {t('cli.internal', lang)}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace, lang: Lang) -> int:
    from tutor.diagnose import explain
    from tutor.engine import train
    from tutor.store import Store
    from tutor.report import RunPrinter

    cfg = config_from(args, lang)
    store = Store()
    printer = None if args.json else RunPrinter(cfg, lang)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        result = train(cfg, on_epoch=printer.epoch if printer else None, should_stop=stop.is_set)
    finally:
        signal.signal(signal.SIGINT, previous)
    diagnoses = [d.model_dump(mode="json") for d in explain(result, lang)]
    run_id = store.add_run(student_id(), result, diagnoses)
    if args.json:
        print(json.dumps(run_json(result, diagnoses, run_id), ensure_ascii=False))
    else:
        printer.summary(result, diagnoses)
    return 130 if result.status == "cancelled" else 0


def run_json(result: Any, diagnoses: list[dict], run_id: int) -> dict:
    """The `tutor run --json` document of DESIGN.md, with the engine's extra fields."""
    return {"id": run_id, **result.model_dump(mode="json"), "diagnoses": diagnoses}
