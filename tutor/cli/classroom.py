"""`tutor class` (the roster, the class export, the teacher's view) and `tutor serve`, plugged into tutor.cli.main.

Light at import: the roster (asyncssh), the store and the server load only when a command runs.
"""

import argparse
import datetime
import errno
import getpass
import ipaddress
import json
import os
import sys
from pathlib import Path
from typing import Any

from tutor.cli.usage import add_command, helps
from tutor.errors import ConfigError, TutorError
from tutor.files import named, shown_path
from tutor.i18n import LANGS, Lang, t
from tutor.settings import Settings

COMMANDS = {"class", "serve"}
KEY_FILE_BYTES = 2**20  # an authorized_keys file of many keys; one public key line is under 3 KiB
SERVE_FLAGS = {"port": "--port", "idle_timeout": "--idle-timeout", "slots": "--slots", "max_queued": "--max-queued"}


def add_parsers(sub: Any, lang: Lang = "en") -> None:
    """Add `class` (with its actions) and `serve` to the subparsers of `tutor`, their help in `lang`."""
    said, file = helps(lang), helps(lang)("metavar.file")
    room = add_command(sub, "class", "class.help", lang)
    actions = room.add_subparsers(dest="action", parser_class=type(room), title=said("class.actions"))
    add = add_command(actions, "add-student", "class.add", lang)
    add.add_argument("name", metavar=t("cli.arg.name", lang), help=said("class.name"))
    add.add_argument("--key", metavar=file, action="append", default=[], type=Path, help=said("class.key"))
    add.add_argument("--password", action="store_true", help=said("class.password"))
    add.add_argument("--teacher", action="store_true", help=said("class.teacher"))
    remove = add_command(actions, "remove-student", "class.remove", lang)
    remove.add_argument("name", metavar=t("cli.arg.name", lang), help=said("class.remove_name"))
    listing = add_command(actions, "list", "class.list", lang)
    listing.add_argument("--json", action="store_true", help=said("class.list_json"))
    export = add_command(actions, "export", "class.export", lang)
    export.add_argument("file", nargs="?", metavar=t("cli.arg.file", lang), help=said("class.file"))
    export.add_argument("--excel", action="store_true", help=said("class.excel"))
    for p in (room, add, remove, listing, export):  # an action's own default would hide `class --roster FILE`
        p.add_argument("--roster", metavar=file, type=Path, default=None if p is room else argparse.SUPPRESS,
                       help=said("class.roster"))
    serve = add_command(sub, "serve", "serve.help", lang)
    serve.add_argument("--host", default="127.0.0.1", help=said("serve.host"))
    serve.add_argument("--public", action="store_true", help=said("serve.public"))
    serve.add_argument("--port", default="2222", help=said("serve.port"))
    serve.add_argument("--roster", metavar=file, type=Path, help=said("class.roster"))
    serve.add_argument("--idle-timeout", metavar=said("metavar.minutes"), default="30", help=said("serve.idle_timeout"))
    serve.add_argument("--slots", metavar="N", help=said("serve.slots"))
    serve.add_argument("--max-queued", metavar="N", default="2", help=said("serve.max_queued"))
    for p in (room, add, remove, listing, export, serve):
        p.add_argument("--lang", choices=LANGS, default=argparse.SUPPRESS, help=said("lang"))


def run_command(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    """Run `tutor class ...` or `tutor serve`; a TutorError reaches the caller (exit 2)."""
    if args.command == "serve":
        return _serve(args, settings, lang)
    lessons = [Path(d) for d in args.lessons]
    if args.action is None:
        from tutor.ui.teacher import run_class_app

        return run_class_app(settings, lang, lessons, args.roster)
    if args.action == "export":
        return _export(args.file, settings, lessons, args.roster, lang, args.excel)
    from tutor.classroom import roster as rosters

    path = args.roster or settings.roster
    roster = rosters.load(path, lang)
    if args.action == "list":
        return _list(roster, path, args.json, lang)
    if args.action == "remove-student":
        if roster.user(args.name.lower()) is None:
            raise TutorError(t("classroom.cli.unknown_user", lang, name=args.name, roster=shown_path(path)))
        rosters.update(path, lambda now: now.without(args.name.lower()), lang)
        print(t("classroom.cli.removed", lang, name=args.name.lower(), roster=shown_path(path)))
        return 0
    return _add(roster, path, args, lang)


def _add(roster: Any, path: Path, args: argparse.Namespace, lang: Lang) -> int:
    """Add a user, or update one: new keys join the old ones, a new password replaces the old one, and
    the role becomes teacher with --teacher, else stays (remove and add again to make a teacher a student)."""
    from pydantic import ValidationError

    from tutor.classroom.roster import User, explain, hash_password, update

    old = roster.user(args.name.lower())
    if old is None and not (args.key or args.password):
        raise ConfigError(t("classroom.cli.needs_credential", lang, name=args.name))
    keys = [line for file in args.key for line in _read_keys(file, lang)]
    try:
        user = User(name=args.name, role="teacher" if args.teacher else (old.role if old else "student"),
                    keys=[*(old.keys if old else ()), *keys], password=old.password if old else None)
    except ValidationError as err:
        raise ConfigError(explain(err, lang)[1]) from None
    if args.password:
        user = user.model_copy(update={"password": hash_password(_ask_password(user.name, lang))})
    update(path, lambda now: now.put(user), lang)  # the roster as it is now: a login may have upgraded a hash since
    role = t(f"classroom.cli.role.{user.role}", lang)
    password = t(f"classroom.cli.{'yes' if user.password else 'no'}", lang)
    print(t("classroom.cli.added" if old is None else "classroom.cli.updated", lang, name=user.name, role=role,
            keys=len(user.keys), password=password, roster=shown_path(path)))
    return 0


def _read_keys(file: Path, lang: Lang) -> list[str]:
    """The public key lines of an OpenSSH key file (blank lines and # comments skipped); errors name file:line."""
    from pydantic_core import PydanticCustomError

    from tutor.classroom.roster import check_key
    from tutor.config import shown
    from tutor.files import read_text

    text = read_text(file, KEY_FILE_BYTES, lang)
    if text is None:
        raise ConfigError(f"--key {shown_path(file)}: {os.strerror(errno.ENOENT)}")
    lines = text.splitlines()
    keys = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            check_key(line)
        except PydanticCustomError as err:
            message = t(f"classroom.roster.error.{err.type}", lang, value=shown(line))
            raise ConfigError(f"{shown_path(file)}:{number}: {message}") from None
        keys.append(line)
    if not keys:
        raise ConfigError(t("classroom.cli.no_keys", lang, file=shown_path(file)))
    return keys


def _ask_password(name: str, lang: Lang) -> str:
    """A new password: typed twice without echo at a terminal, else the first line of standard input."""
    from tutor.classroom.roster import MIN_PASSWORD

    if sys.stdin.isatty():
        password = getpass.getpass(t("classroom.cli.password_prompt", lang, name=name))
        if getpass.getpass(t("classroom.cli.password_again", lang)) != password:
            raise ConfigError(t("classroom.cli.password_mismatch", lang))
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if len(password) < MIN_PASSWORD:
        raise ConfigError(t("classroom.cli.password_short", lang, min=MIN_PASSWORD))
    return password


def _list(roster: Any, path: Path, as_json: bool, lang: Lang) -> int:
    rows = [{"name": u.name, "role": u.role, "keys": len(u.keys), "password": u.password is not None}
            for u in roster.users]
    if as_json:
        print(json.dumps({"roster": str(path), "users": rows}, ensure_ascii=False))
        return 0
    if not rows:
        print(t("classroom.cli.empty", lang, roster=shown_path(path)))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("name", "role", "keys", "password"):
        table.add_column(t(f"classroom.cli.col.{column}", lang))
    for row in rows:
        table.add_row(row["name"], t(f"classroom.cli.role.{row['role']}", lang), str(row["keys"]),
                      t(f"classroom.cli.{'yes' if row['password'] else 'no'}", lang))
    Console(highlight=False).print(table)
    return 0


def _export(file: str | None, settings: Settings, lessons_dirs: list[Path], roster_path: Path | None, lang: Lang,
            excel: bool = False) -> int:
    """Every student of the store and of the roster (`roster_path`, default DATA/roster.yaml) as CSV."""
    from tutor.classroom.board import export_csv, roster_students
    from tutor.lessons import load_lessons
    from tutor.store import Store

    students = roster_students(roster_path or settings.roster, lang)
    store, course = Store(settings.store), load_lessons([*settings.lessons, *lessons_dirs])
    if file == "-":
        export_csv(store, course, sys.stdout, students, excel)
        return 0
    target = Path(f"class-{datetime.date.today().isoformat()}.csv") if file is None else named(file, lang)
    export_csv(store, course, target, students, excel, lang)  # an Unreadable error: exit 2
    print(t("classroom.cli.exported", lang, file=shown_path(target)))
    return 0


def _serve(args: argparse.Namespace, settings: Settings, lang: Lang) -> int:
    """Check the flags and the roster, then run the server until ctrl+c."""
    from pydantic import ValidationError

    from tutor.classroom import roster as rosters
    from tutor.config import shown
    from tutor.priority import cores
    from tutor.serve.options import ServeOptions

    if not (args.public or _loopback(args.host)):
        raise ConfigError(t("classroom.serve.not_loopback", lang, host=shown(args.host)))
    values: dict[str, Any] = {"port": args.port, "slots": args.slots or str(cores()), "max_queued": args.max_queued}
    try:
        values["idle_timeout"] = float(args.idle_timeout) * 60
    except ValueError:
        raise ConfigError(f"--idle-timeout {shown(args.idle_timeout)}: {_accepted('idle_timeout', lang)}") from None
    roster = args.roster or settings.roster
    try:
        opts = ServeOptions(host=args.host, roster=roster, data=settings.home, lang=lang,
                            lessons=(*settings.lessons, *map(Path, args.lessons)), **values)
    except ValidationError as err:
        field = str(err.errors()[0]["loc"][0])
        typed = args.idle_timeout if field == "idle_timeout" else values[field]
        raise ConfigError(f"{SERVE_FLAGS[field]} {shown(typed)}: {_accepted(field, lang)}") from None
    if not rosters.load(roster, lang).users:
        print(t("classroom.serve.empty_roster", lang, roster=roster), file=sys.stderr)
    from tutor.serve.server import serve

    return serve(opts, settings)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _accepted(field: str, lang: Lang) -> str:
    """The accepted range of a `tutor serve` flag, in the flag's unit (minutes for --idle-timeout)."""
    from annotated_types import Ge, Gt, Le

    from tutor.fmt import exact
    from tutor.serve.options import ServeOptions

    scale = 60 if field == "idle_timeout" else 1
    bound = {type(m): m for m in ServeOptions.model_fields[field].metadata}
    lo = f"> {exact(bound[Gt].gt / scale)}" if Gt in bound else f"≥ {exact(bound[Ge].ge / scale)}"
    hi = f"≤ {exact(bound[Le].le / scale)}"
    key = "config.range.int" if ServeOptions.model_fields[field].annotation is int else "config.range.number"
    return t(key, lang, lo=lo, hi=hi)
