"""Command-line usage errors in one line of the reader's language: argparse's own English, said again."""

import argparse
import re
from collections.abc import Sequence
from typing import NoReturn

from tutor.errors import ConfigError, printable
from tutor.i18n import LANGS, Lang, catalogue, t

# argparse's messages (Python 3.11) -> the catalogue message that says the same
SAID = {
    re.compile(r"argument (?P<name>\S+): invalid choice: (?P<value>.+) \(choose from (?P<choices>.+)\)"): "cli.choice",
    re.compile(r"argument (?P<name>\S+): expected one argument"): "cli.one_value",
    re.compile(r"argument (?P<name>\S+): expected at least one argument"): "cli.values",
    re.compile(r"the following arguments are required: (?P<name>.+)"): "cli.required",
    re.compile(r"unrecognized arguments: (?P<value>.+)"): "cli.unknown",
    re.compile(r"ambiguous option: (?P<name>\S+) could match (?P<choices>.+)"): "cli.ambiguous",
}


class UsageError(ConfigError):
    """A command line that argparse refused: `prog` is the command, the message argparse's English."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog

    def said(self, lang: Lang) -> str:
        """The message in `lang`; argparse's own if it is not one this knows."""
        for pattern, key in SAID.items():
            if found := pattern.fullmatch(self.message):
                values = found.groupdict()
                if "name" in values:
                    values["name"] = ", ".join(_named(n, lang) for n in values["name"].split(", "))
                return t(key, lang, **values)
        return self.message


class Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as a UsageError (one line, exit 2), without the usage dump."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, printable(message))


def lang_in(argv: Sequence[str]) -> Lang | None:
    """The language a command line asks for with --lang (the last one, as argparse reads it), before argparse
    has read it; None if it asks for none."""
    asked = None
    for arg, following in zip(argv, [*argv[1:], ""]):
        value = arg.removeprefix("--lang=") if arg.startswith("--lang=") else following if arg == "--lang" else ""
        asked = value if value in LANGS else asked
    return asked


def _named(name: str, lang: Lang) -> str:
    """A flag as it is; a positional argument (command, name, ...) by its word."""
    return name if name.startswith("-") else catalogue(lang).get(f"cli.arg.{name}", name)
