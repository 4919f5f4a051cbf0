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

from tutor.classroom import cli as classroom
from tutor.config import ExperimentConfig, flag, make_config
from tutor.errors import TutorError
from tutor.i18n import LANGS, Lang, default_lang, t
from tutor.tune.cli import COMMANDS as TUNE_COMMANDS
from tutor.tune.cli import add_parsers, run_command


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
    root = Parser(prog="tutor", description="A terminal tutor for training neural networks and tuning them. "
                                            "With no command it opens the tutor app.")
    root.add_argument("--lang", choices=LANGS, help="language of every message (default: your locale)")
    root.add_argument("--lessons", metavar="DIR", action="append", default=[], help="a folder of extra lessons")
    sub = root.add_subparsers(dest="command", parser_class=Parser)
    run = sub.add_parser("run", help="train one network and explain how it went")
    add_config_flags(run)
    run.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    run.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="language of every message")

    ask = sub.add_parser("ask", help="one turn of the conversation: a question, a what-if, a command")
    ask.add_argument("text", nargs="+", help='what the student says, e.g. "¿y si el learning rate fuera 10?"')
    ask.add_argument("--no-run", action="store_true", help="only parse: say what would be done")
    ask.add_argument("--json", action="store_true", help='print {"intent", "reply", "run"} as JSON')
    ask.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="answer in this language")

    add_parsers(sub)

    lessons = sub.add_parser("lessons", help="list, show or check lessons")
    lessons.add_argument("--json", action="store_true", help="list as JSON")
    lessons.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help="only lessons in this language")
    lessons.add_argument("action", nargs="?", choices=("list", "show", "check"), default="list")
    lessons.add_argument("target", nargs="?", help="a lesson id (show) or a folder (check)")
    classroom.add_parsers(sub)
    return root


def attach_values(argv: list[str]) -> list[str]:
    """`--lr -1e-3` -> `--lr=-1e-3`: argparse would take a value starting with '-' for a flag."""
    out: list[str] = []
    for i, arg in enumerate(argv):
        if arg == "--":
            return out + argv[i:]
        takes_value = out and out[-1].startswith("--") and "=" not in out[-1] and out[-1] not in FLAGS_WITHOUT_VALUE
        if takes_value and arg.startswith("-") and not arg.startswith("--"):
            out[-1] = f"{out[-1]}={arg}"
        else:
            out.append(arg)
    return out


FLAGS_WITHOUT_VALUE = {"--json", "--no-run", "--help", "--password", "--teacher", "--public"}


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(attach_values(list(sys.argv[1:] if argv is None else argv)))
    except SystemExit as exit_:
        return int(exit_.code or 0)
    lang: Lang = args.lang or default_lang()
    try:
        if args.command == "run":
            return cmd_run(args, lang)
        if args.command == "ask":
            return cmd_ask(args, lang)
        if args.command == "lessons":
            return cmd_lessons(args, lang)
        if args.command in TUNE_COMMANDS:
            return run_command(args, lang)
        if args.command in classroom.COMMANDS:
            return classroom.run_command(args, lang)
        from pathlib import Path

        from tutor.ui.app import run_app  # the app only when asked for: the CLI stays free of Textual

        return run_app(args.lang, [Path(d) for d in args.lessons])
    except TutorError as err:
        print(f"tutor: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `tutor ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # the last guard: one line, never a traceback, unless asked for
        if os.environ.get("TUTOR_DEBUG"):
            raise
        print(f"tutor: {t('cli.internal', lang)}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1


def cmd_run(args: argparse.Namespace, lang: Lang) -> int:
    from tutor.diagnose.verify import advise
    from tutor.engine import train
    from tutor.engine.device import resolve
    from tutor.report import RunPrinter
    from tutor.store import Store

    cfg = config_from(args, lang)
    resolve(cfg.device, lang)
    store = Store()
    printer = None if args.json else RunPrinter(cfg, lang)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    student = student_id()

    def keep(run: Any, found: list) -> int:  # a fix the tutor tried before proposing it
        return store.add_run(student, run, [d.model_dump(mode="json") for d in found], by="tutor")

    try:
        result = train(cfg, on_epoch=printer.epoch if printer else None, should_stop=stop.is_set)
        diagnoses = [d.model_dump(mode="json") for d in advise(result, lang, keep, stop.is_set)]
    finally:
        signal.signal(signal.SIGINT, previous)
    run_id = store.add_run(student, result, diagnoses)
    if args.json:
        print(json.dumps(run_json(result, diagnoses, run_id), ensure_ascii=False))
    else:
        printer.summary(result, diagnoses)
    return 130 if result.status == "cancelled" else 0


def run_json(result: Any, diagnoses: list[dict], run_id: int) -> dict:
    """The `tutor run --json` document of DESIGN.md, with the engine's extra fields."""
    return {"id": run_id, **result.model_dump(mode="json"), "diagnoses": diagnoses}


def cmd_ask(args: argparse.Namespace, lang: Lang) -> int:
    from tutor.dialogue.tutor import Tutor
    from tutor.store import Store

    tutor = Tutor(Store(), student_id(), lang=getattr(args, "lang", None))
    reply = tutor.handle(" ".join(args.text), run=not args.no_run)
    if args.json:
        run = run_json(reply.run, [d.model_dump(mode="json") for d in reply.diagnoses], reply.run_id) if reply.run else None
        doc = {"intent": reply.intent.model_dump(mode="json"), "reply": reply.text, "run": run,
               "suggestion": reply.suggestion, "lang": reply.lang}
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print(reply.text)
    return 0


def cmd_lessons(args: argparse.Namespace, lang: Lang) -> int:
    from pathlib import Path

    from tutor.lessons import check, list_json, load_lessons, render

    if args.action == "check":
        if not args.target or not Path(args.target).is_dir():
            raise TutorError(t("lessons.no_folder", lang, folder=args.target or ""))
        errors = check(Path(args.target))
        for line in errors:
            print(line, file=sys.stderr)
        print(t("lessons.checked", lang, folder=args.target, errors=len(errors)))
        return 1 if errors else 0
    course = load_lessons([Path(d) for d in args.lessons])
    for line in course.errors:
        print(line, file=sys.stderr)
    only = getattr(args, "lang", None)
    if args.action == "show":
        lesson = course.get(args.target or "", only or lang)
        if lesson is None:
            raise TutorError(t("lessons.unknown", lang, id=args.target or ""))
        print(render(lesson))
        return 0
    listing = list_json(course, only)
    if args.json:
        print(json.dumps(listing, ensure_ascii=False))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("id", "lang", "title", "topics", "steps"):
        table.add_column(t(f"lessons.col.{column}", lang))
    for item in listing["lessons"]:
        table.add_row(item["id"], item["lang"], item["title"], ", ".join(item["topics"]), str(item["steps"]))
    Console(highlight=False).print(table)
    return 0
