"""Folding a message to plain lower-case tokens: words, numeric literals and punctuation marks."""

import re
import unicodedata
from typing import Literal, NamedTuple

MAX_CHARS = 1000  # a message is read up to here: no request to the tutor is that long
MAX_TOKENS = 150

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_POWER = re.compile(r"10 ?([⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})")  # 10⁻³ -> 10^-3
_TOKEN = re.compile(
    r"(?P<num>(?:(?<![\w.])[-+])?(?:[0-9]+(?:[.,][0-9]+)*|\.[0-9]+)(?:e[-+]?[0-9]+)?(?:\^[-+]?[0-9]+)?)"
    r"|(?P<word>l2|[^\W\d_]+)"
    r"|(?P<dash>(?<=[0-9])-(?=[0-9]))"  # "64-32": kept, the widths of two layers
    r"|(?P<assign>[-+*/]=)"  # "epochs += 10", as in code
    r"|(?P<punct>[^\w\s])")
_WITH = re.compile(r"\b[wW]/([oO]\b)?\s*")
_JOINERS = set("-_()[]{}\"'`«»“”‘’")  # dropped: "leaky_relu", "Learning-Rate" and "[64, 32]" read as words
_APOSTROPHES = str.maketrans("", "", "'’")


class Token(NamedTuple):
    """One token of a folded message."""

    kind: Literal["num", "word", "punct"]
    text: str


def fold(text: str) -> str:
    """Lower case without accents or apostrophes: "¿Qué TAL?" -> "¿que tal?", "don't" -> "dont"."""
    text = _POWER.sub(lambda m: "10^" + m.group(1).translate(_SUPERSCRIPTS), text)
    text = _WITH.sub(lambda m: "without " if m.group(1) else "with ", text)  # "sgd w/ momentum", "w/o noise"
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold().replace("×", "x").replace("−", "-").translate(_APOSTROPHES)


def tokenize(text: str) -> list[Token]:
    """The tokens of the first MAX_CHARS characters of a message (at most MAX_TOKENS of them)."""
    tokens = []
    for m in _TOKEN.finditer(fold(text[:MAX_CHARS])):
        kind = "punct" if m.lastgroup in ("dash", "assign") else m.lastgroup
        if m.lastgroup == "punct" and m.group() in _JOINERS:
            continue
        tokens.append(Token(kind, m.group()))  # type: ignore[arg-type]
        if len(tokens) == MAX_TOKENS:
            break
    return tokens
