"""`tutor` on the command line: a thin shell over the core. Exit 0 done, 2 bad input, 1 anything else."""

import argparse
import io
import json
import os
import signal
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tutor import __version__
from tutor.cli import classroom
from tutor.cli.flags import add_config_flags, config_from
from tutor.cli.tune import COMMANDS as TUNE_COMMANDS
from tutor.cli.tune import add_parsers, run_command
from tutor.cli.usage import Parser, UsageError, add_command, helps, lang_in
from tutor.config import shown
from tutor.errors import ConfigError, TutorError, printable
from tutor.export import FORMATS
from tutor.files import named, shown_path, write_atomically
from tutor.i18n import LANGS, Lang, t
from tutor.settings import Settings
from tutor.store import Store, StoredRun


def build_parser(lang: Lang = "en") -> Parser:
    """`tutor` and its commands, their help in `lang`."""
    said = helps(lang)
    root = Parser(prog="tutor", description=said("tutor.description"), lang=lang)
    root.add_argument("--lang", choices=LANGS, help=said("tutor.lang"))
    root.add_argument("--lessons", metavar=said("metavar.dir"), action="append", default=[], help=said("tutor.lessons"))
    root.add_argument("--version", action="version", version=f"tutor {__version__}", help=said("version"))
    sub = root.add_subparsers(dest="command", parser_class=Parser, title=said("commands"))
    run = add_command(sub, "run", "run.help", lang)
    add_config_flags(run, lang)
    run.add_argument("--json", action="store_true", help=said("json"))
    run.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lang"))

    ask = add_command(sub, "ask", "ask.help", lang)
    ask.add_argument("text", nargs="+", metavar=t("cli.arg.text", lang), help=said("ask.text"))
    ask.add_argument("--no-run", action="store_true", help=said("ask.no_run"))
    ask.add_argument("--json", action="store_true", help=said("ask.json"))
    ask.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("ask.lang"))

    add_parsers(sub, lang)

    lessons = add_command(sub, "lessons", "lessons.help", lang)
    lessons.add_argument("--json", action="store_true", help=said("lessons.json"))
    lessons.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lessons.lang"))
    lessons.add_argument("action", nargs="?", choices=("list", "show", "check"), default="list",
                         help=said("lessons.action"))
    lessons.add_argument("target", nargs="?", help=said("lessons.target"))
    runs = add_command(sub, "runs", "runs.help", lang)
    runs.add_argument("action", nargs="?", choices=("list", "show", "export"), default="list", help=said("runs.action"))
    runs.add_argument("ids", nargs="*", metavar="ID", help=said("runs.ids"))
    runs.add_argument("--format", choices=FORMATS, default="csv", help=said("runs.format"))
    runs.add_argument("-o", "--output", metavar=said("metavar.file"), default="-", help=said("runs.output"))
    runs.add_argument("--student", metavar=said("metavar.name"), help=said("runs.student"))
    runs.add_argument("--all", action="store_true", help=said("runs.all"))
    runs.add_argument("--json", action="store_true", help=said("runs.json"))
    runs.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lang"))
    classroom.add_parsers(sub, lang)
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


FLAGS_WITHOUT_VALUE = {"--json", "--no-run", "--help", "--password", "--teacher", "--public", "--all", "--excel"}


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    settings = Settings.from_env()  # the one read of the environment; what follows gets it passed
    asked: Lang = lang_in(words) or settings.lang  # before argparse has read --lang: its help and errors say it
    parser = build_parser(asked)
    try:
        args, extra = parser.parse_known_args(attach_values(words))
        if extra and args.command == "runs":  # `runs export --format jsonl 3 4`: argparse leaves ids after options
            args.ids += extra
        elif extra:
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except UsageError as err:
        print(f"{err.prog}: {err.said(asked)}", file=sys.stderr)
        return 2
    lang: Lang = args.lang or settings.lang
    before = Settings.use(settings)  # and the engine, deep in every command that trains, finds it in force
    try:
        for folder in args.lessons:  # Path("") is the current folder: never scanned by mistake
            if not folder or not _is_folder(Path(folder)):
                raise ConfigError(t("lessons.not_a_folder", lang, folder=shown_path(folder)))
        if args.command == "run":
            return cmd_run(args, settings, lang)
        if args.command == "ask":
            return cmd_ask(args, settings, lang)
        if args.command == "lessons":
            return cmd_lessons(args, settings, lang)
        if args.command == "runs":
            return cmd_runs(args, settings, lang)
        if args.command in TUNE_COMMANDS:
            return run_command(args, settings, lang)
        if args.command in classroom.COMMANDS:
            return classroom.run_command(args, settings, lang)
        from tutor.ui.app import run_app  # the app only when asked for: the CLI stays free of Textual

        return run_app(settings, args.lang, [Path(d) for d in args.lessons])
    except TutorError as err:
        print(f"tutor: {err}", file=sys.stderr)
        return 2
    except sqlite3.Error as err:  # a query outside the store's own methods met a damaged or full database
        print(f"tutor: {printable(str(err))}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `tutor ... | head`: the reader left, nothing is wrong
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as err:  # the last guard: one line, never a traceback, unless asked for
        if settings.debug:
            raise
        print(f"tutor: {t('cli.internal', lang)}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    finally:
        Settings.use(before)


def cmd_run(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    from tutor.diagnose.verify import advise
    from tutor.engine.training import train
    from tutor.report import RunPrinter

    cfg = config_from(args, lang)
    store = Store(settings.store)
    printer = None if args.json else RunPrinter(cfg, lang)
    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    student = settings.student_id

    def keep(run: Any, found: list) -> int:  # a fix the tutor tried before proposing it
        return store.add_run(student, run, [d.model_dump(mode="json") for d in found], by="tutor")

    try:
        try:
            result = train(cfg, on_epoch=printer.epoch if printer else None, should_stop=stop.is_set)
        finally:
            if printer:
                printer.close()
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


def cmd_ask(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    from tutor.dialogue.tutor import Tutor

    tutor = Tutor(Store(settings.store), settings.student_id, getattr(args, "lang", None), lessons=settings.lessons)
    reply = tutor.handle(" ".join(args.text), run=not args.no_run)
    if args.json:
        diagnoses = [d.model_dump(mode="json") for d in reply.diagnoses]
        run = run_json(reply.run, diagnoses, reply.run_id) if reply.run else None
        doc = {"intent": reply.intent.model_dump(mode="json"), "reply": reply.text, "run": run,
               "suggestion": reply.suggestion, "lang": reply.lang}
        print(json.dumps(doc, ensure_ascii=False))
    else:
        print(reply.text)
    return 0


def cmd_lessons(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    from tutor.lessons import check, list_json, load_lessons, render

    if args.action == "check":
        if not args.target or not _is_folder(Path(args.target)):
            raise TutorError(t("lessons.no_folder", lang, folder=shown_path(args.target or "")))
        errors = check(Path(args.target))
        for line in errors:
            print(line, file=sys.stderr)
        print(t("lessons.checked", lang, folder=shown_path(args.target), errors=len(errors)))
        return 1 if errors else 0
    course = load_lessons([*settings.lessons, *map(Path, args.lessons)])
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
        topics = ", ".join(t(f"teacher.topic.{topic}", lang) for topic in item["topics"])  # words, not keys
        language = t(f"lessons.language.{item['lang']}", lang)
        table.add_row(item["id"], language, item["title"], topics, str(item["steps"]))
    Console(highlight=False).print(table)
    return 0


def cmd_runs(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    """`tutor runs [list|show ID|export]`: the student's own runs; a roster teacher's, anyone's."""
    from tutor.export import write_csv, write_jsonl

    store, me = Store(settings.store), settings.student_id
    if args.student is not None and not args.student.strip():  # '' is nobody, not "me"
        raise TutorError(t("runs.no_student", lang))
    if args.student is not None and args.all:
        raise TutorError(t("runs.student_and_all", lang))
    whose = None if args.all else args.student or me
    if whose != me and not _is_teacher(me, settings.roster, lang):
        raise TutorError(t("runs.not_teacher", lang, name=me))
    ids = [_run_id(text, lang) for text in args.ids]
    runs = [_own_run(store, run_id, whose, lang) for run_id in ids] or store.runs(whose, limit=-1)[::-1]  # -1: all
    if args.action == "show":
        if len(ids) != 1:
            raise TutorError(t("runs.show_one", lang))
        return _show_run(runs[0], lang)
    if args.action == "list":
        none = (t("runs.none", lang) if whose == me else t("runs.none_at_all", lang) if whose is None
                else t("runs.none_of", lang, name=whose))
        return _list_runs(runs, args.json, lang, none)
    write = write_jsonl if args.format == "jsonl" else write_csv
    if args.output == "-":
        write(runs, sys.stdout)
        return 0
    text = io.StringIO(newline="")  # the csv module's \r\n kept as it writes them
    write(runs, text)
    write_atomically(named(args.output, lang), text.getvalue().encode("utf-8"), lang, folder_mode=None)
    epochs = sum(len(run.result["history"]) for run in runs)
    print(t("runs.exported", lang, runs=len(runs), epochs=epochs, file=shown_path(args.output)), file=sys.stderr)
    return 0


def _is_teacher(name: str, roster_path: Path, lang: Lang) -> bool:
    from tutor.classroom import roster

    user = roster.load(roster_path, lang).user(name)
    return user is not None and user.role == "teacher"


def _run_id(text: str, lang: Lang) -> int:
    """A run number as typed: 1 to 2^63 - 1 (no int() of its 5000 digits); else a TutorError that shows it cut."""
    if not (text.isascii() and text.isdigit() and len(text) <= 19) or not 0 < int(text) < 2**63:
        raise TutorError(t("runs.bad_id", lang, id=shown(text)))
    return int(text)


def _own_run(store: Store, run_id: int, whose: str | None, lang: Lang) -> StoredRun:
    """Run `run_id`, if it is `whose`'s (None: anyone's); else a TutorError that tells nothing about others."""
    run = store.run(run_id)
    if run is None or whose is not None and run.student != whose:
        raise TutorError(t("runs.unknown", lang, id=run_id))
    return run


def _show_run(run: StoredRun, lang: Lang) -> int:
    from rich.console import Console

    from tutor.diagnose.explain import retold
    from tutor.engine import RunResult
    from tutor.report import describe, summary

    result = RunResult.model_validate(run.result)
    out = Console(highlight=False)
    out.print(f"#{run.id} · {run.student} · {_when(run.created)}\n{describe(result.config, lang)}")
    summary(out, result, [d.model_dump(mode="json") for d in retold(run.diagnoses, result, lang)], lang)
    return 0


def _list_runs(runs: list[StoredRun], as_json: bool, lang: Lang, none: str) -> int:
    """The runs, two lines each; `none`: what to say when there is none."""
    from tutor.report import describe

    rows = [{"id": run.id, "student": run.student, "created": run.created, "status": run.status,
             "config": run.result["config"], "epochs": len(run.result["history"]),
             "best_val_acc": max((e["val_acc"] for e in run.result["history"] if e["val_acc"] is not None),
                                 default=None)}
            for run in runs]
    if as_json:
        print(json.dumps({"runs": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(none)
        return 0
    from tutor.config import ExperimentConfig
    from tutor.fmt import pct

    for run, row in zip(runs, rows):  # two short lines a run, rather than a table too wide for 80 columns
        status = t(f"run.status.{row['status']}", lang)
        if run.by == "tutor":  # a fix the tutor tried, as the app's runs view marks it
            status = t("ui.runs.by_tutor", lang, status=status)
        print(t("runs.line", lang, id=row["id"], student=row["student"], when=_when(row["created"]), status=status,
                epochs=row["epochs"], acc=pct(row["best_val_acc"])))
        print(f"  {describe(ExperimentConfig.model_validate(row['config']), lang)}")
    return 0


def _when(created: float) -> str:
    import datetime

    return datetime.datetime.fromtimestamp(created).strftime("%Y-%m-%d %H:%M")


def _is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False also for a name the system refuses (too long, a loop)."""
    try:
        return path.is_dir()
    except OSError:
        return False
