"""The command line in the reader's language: help from the catalogue, and usage errors in one line
(argparse's own English, said again)."""

import argparse
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, NoReturn

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


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, its usage line led by `usage` ("uso: ")."""

    def __init__(self, prog: str, usage: str) -> None:
        super().__init__(prog)
        self.usage = usage

    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, self.usage if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """argparse that writes its help in `lang`, its own words too ("usage:", "options"), and reports a usage
    error as a UsageError (one line, exit 2), without the usage dump."""

    def __init__(self, *args: Any, lang: Lang = "en", **kwargs: Any) -> None:
        super().__init__(*args, add_help=False, formatter_class=partial(_Formatter, usage=t("help.usage", lang)),
                         **kwargs)
        self._positionals.title = t("help.positionals", lang)
        self._optionals.title = t("help.options", lang)
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=t("help.help", lang))

    def error(self, message: str) -> NoReturn:
        raise UsageError(self.prog, printable(message))


def helps(lang: Lang) -> Callable[[str], str]:
    """The help text `key` of the `[help]` catalogue in `lang`: helps("es")("run.help")."""
    return lambda key: t(f"help.{key}", lang)


def add_command(sub: Any, name: str, key: str, lang: Lang) -> Parser:
    """A command of `sub` whose line in the list of commands and whose own --help say `help.KEY`."""
    text = t(f"help.{key}", lang)
    return sub.add_parser(name, help=text, description=text, lang=lang)


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
