"""Message catalogues: every string a student sees exists in Spanish and English.

Catalogues are flat TOML tables (`es.toml`, `en.toml`) keyed by dotted names; `t()` formats one.
"""

import locale
import os
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

Lang = Literal["es", "en"]
LANGS: tuple[Lang, ...] = ("es", "en")
_HERE = Path(__file__).parent


@cache
def catalogue(lang: Lang) -> dict[str, str]:
    """All messages of one language, flattened to dotted keys."""
    with open(_HERE / f"{lang}.toml", "rb") as f:
        return dict(_flatten(tomllib.load(f)))


def _flatten(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def t(key: str, lang: Lang = "es", **values: object) -> str:
    """The message `key` in `lang`, with `{placeholders}` filled from `values`."""
    return catalogue(lang)[key].format(**values)


def default_lang() -> Lang:
    """The language of the user's locale (`TUTOR_LANG`, then `LANG`/`LC_ALL`); Spanish unless English."""
    for value in (os.environ.get("TUTOR_LANG"), os.environ.get("LC_ALL"), os.environ.get("LANG"), locale.getlocale()[0]):
        if value:
            return "en" if value.lower().startswith("en") else "es"
    return "es"
