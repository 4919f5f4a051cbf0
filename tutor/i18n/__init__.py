"""Message catalogues: every string a student sees exists in Spanish and English.

Catalogues are TOML tables keyed by dotted names: `es.toml` and `en.toml`, plus one file per area
(`classroom.es.toml`, ...) merged in; a key defined twice is an error. `t()` formats one message.

Plural forms are written in the message, after the count they agree with: `{n} {n:época|épocas}`
gives "1 época", "0 épocas", "3 épocas" (one form for exactly 1, the other for any other number,
as in Spanish and English).
"""

import string
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
    messages: dict[str, str] = {}
    for path in [_HERE / f"{lang}.toml", *sorted(_HERE.glob(f"*.{lang}.toml"))]:
        with open(path, "rb") as f:
            for key, value in _flatten(tomllib.load(f)):
                if key in messages:
                    raise KeyError(f"{path.name}: message {key!r} is defined twice")
                messages[key] = value
    return messages


def _flatten(table: dict, prefix: str = ""):
    for key, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


class _Plurals(string.Formatter):
    """`str.format`, plus `{n:one|other}`: the form that agrees with the count `n`."""

    def format_field(self, value: object, spec: str) -> str:
        if "|" not in spec:
            return super().format_field(value, spec)
        one, other = spec.split("|", 1)
        try:
            singular = float(str(value).replace(",", ".")) == 1
        except ValueError:
            singular = False
        return one if singular else other


_PLURALS = _Plurals()


def t(key: str, lang: Lang = "es", **values: object) -> str:
    """The message `key` in `lang`, with `{placeholders}` (and plural forms) filled from `values`."""
    return _PLURALS.format(catalogue(lang)[key], **values)
