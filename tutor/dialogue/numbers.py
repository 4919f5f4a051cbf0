"""Numbers as students write them: literals (0,05 · .5 · 3e-4 · 10^-3 · 2,000) and words (es/en).

A literal keeps its text until the field it belongs to is known: "0,05" is a decimal, "32,32" for
`hidden` is a list, "2,000 samples" is two thousand.
"""

import math
import re
from dataclasses import dataclass

from tutor.i18n import Lang

Number = int | float

_LITERAL = re.compile(r"([-+]?)([0-9.,]*)(?:e([-+]?[0-9]+))?(?:\^([-+]?[0-9]+))?")
_MAX_DIGITS = 18  # longer digit strings go through float (int() refuses > 4300 digits)


@dataclass(frozen=True)
class Num:
    """A number in a message: a literal as typed (`raw`) or the value of words (`words`)."""

    raw: str = ""
    words: Number | None = None
    weak: bool = False  # "a", "una": a count only right before a countable noun ("add a layer")
    fraction: bool = False  # "a half", "un tercio": a share when a change goes "by" it

    @property
    def signed(self) -> bool:
        """Written with an explicit sign ("+5", "-2")."""
        return self.raw.startswith(("+", "-"))

    def scalar(self, integer: bool = False, lang: Lang = "en") -> Number | None:
        """The value for a field; `integer` fields read "2,000" and "2.000" as thousands, and "1e2" as 100."""
        value = self.words if self.words is not None else literal(self.raw, integer, lang)
        whole = integer and isinstance(value, float) and value.is_integer() and abs(value) < 1e15
        return int(value) if whole else value

    def widths(self) -> list[int] | None:
        """The value as layer widths: "32,32" -> [32, 32], "64" -> [64]; None if not whole numbers."""
        if self.words is not None:
            return [int(self.words)] if float(self.words).is_integer() and self.words > 0 else None
        parts = self.raw.split(",")
        if all(p.isdigit() and len(p) <= 6 for p in parts):
            return [int(p) for p in parts]
        return None


def literal(raw: str, integer: bool = False, lang: Lang = "en") -> Number | None:
    """The value of a numeric literal, or None when it is not one number (or not finite)."""
    m = _LITERAL.fullmatch(raw)
    if not m or not any(c.isdigit() for c in m.group(2)):
        return None
    sign, body, exp, power = m.groups()
    mantissa = _mantissa(body, integer and not exp and not power, lang)
    if mantissa is None:
        return None
    try:
        if power is not None:
            if abs(int(power)) > 400:
                return None
            value = float(mantissa) ** int(power)
        elif exp is not None or "." in mantissa or len(mantissa) > _MAX_DIGITS:
            value = float(mantissa + (f"e{exp}" if exp else ""))
        else:
            value = int(mantissa)
    except (OverflowError, ValueError, ZeroDivisionError):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return -value if sign == "-" else value


def _mantissa(body: str, integer: bool, lang: Lang) -> str | None:
    """Digits with at most one "." as the decimal point, deciding which separators group thousands."""
    seps = [c for c in body if c in ".,"]
    if not seps:
        return body
    groups = re.split(r"[.,]", body)
    if any(not g for g in groups[1:]) or (not groups[0] and len(groups) > 2):
        return None
    if len(set(seps)) == 2:  # "1.000,5" or "1,000.5": the last separator is the decimal point
        head, tail = groups[:-1], groups[-1]
        if len(set(seps[:-1])) == 1 and seps[-1] != seps[0] and _thousands(head):
            return "".join(head) + "." + tail
        return None
    if len(seps) > 1:
        return "".join(groups) if _thousands(groups) else None
    grouping = _thousands(groups) and (integer or (seps[0] == "," and lang == "en"))
    return "".join(groups) if grouping else (groups[0] or "0") + "." + groups[1]


def _thousands(groups: list[str]) -> bool:
    return 1 <= len(groups[0]) <= 3 and groups[0][0] != "0" and all(len(g) == 3 for g in groups[1:])


UNITS = {"cero": 0, "zero": 0, "uno": 1, "one": 1, "dos": 2, "two": 2, "tres": 3, "three": 3,
         "cuatro": 4, "four": 4, "cinco": 5, "five": 5, "seis": 6, "six": 6, "siete": 7, "seven": 7,
         "ocho": 8, "eight": 8, "nueve": 9, "nine": 9}
TEENS = {"diez": 10, "ten": 10, "once": 11, "eleven": 11, "doce": 12, "twelve": 12, "trece": 13,
         "thirteen": 13, "catorce": 14, "fourteen": 14, "quince": 15, "fifteen": 15, "dieciseis": 16,
         "sixteen": 16, "diecisiete": 17, "seventeen": 17, "dieciocho": 18, "eighteen": 18,
         "diecinueve": 19, "nineteen": 19, "veintiuno": 21, "veintiun": 21, "veintiuna": 21,
         "veintidos": 22, "veintitres": 23, "veinticuatro": 24, "veinticinco": 25, "veintiseis": 26,
         "veintisiete": 27, "veintiocho": 28, "veintinueve": 29}
TENS = {"veinte": 20, "twenty": 20, "treinta": 30, "thirty": 30, "cuarenta": 40, "forty": 40,
        "cincuenta": 50, "fifty": 50, "sesenta": 60, "sixty": 60, "setenta": 70, "seventy": 70,
        "ochenta": 80, "eighty": 80, "noventa": 90, "ninety": 90}
HUNDREDS = {"cien": 100, "ciento": 100, "doscientos": 200, "doscientas": 200, "trescientos": 300,
            "trescientas": 300, "cuatrocientos": 400, "cuatrocientas": 400, "quinientos": 500, "quinientas": 500,
            "seiscientos": 600, "seiscientas": 600, "setecientos": 700, "setecientas": 700, "ochocientos": 800,
            "ochocientas": 800, "novecientos": 900, "novecientas": 900}
SCALES = {"thousand": 1000, "mil": 1000, "million": 10**6, "millon": 10**6, "millones": 10**6}
DIGIT_SCALES = {**SCALES, "k": 1000}  # "10k": "k" scales only digits before it
ARTICLES = {"a", "an", "un", "una"}  # a number only before "hundred"/"thousand"/"mil"/"millón"
SHORT_ONES = {"un": 1, "una": 1}  # and one after tens or hundreds: "treinta y un mil", "ciento una"
POINTS = {"point", "punto", "coma"}
HALVES = {("and", "a", "half"), ("y", "medio"), ("y", "media")}
NUMBER_WORDS = {*UNITS, *TEENS, *TENS, *HUNDREDS, *SCALES, "hundred"}


def read_words(words: list[str], i: int) -> tuple[Number, int] | None:
    """The number spelt out from words[i] on ("veinticinco", "two thousand and ten", "cero coma
    cinco", "one and a half"), as (value, words used); None if no number starts there."""
    total, current, last, j = 0, 0, "", i
    if words[i] in ARTICLES and i + 1 < len(words) and words[i + 1] in {*SCALES, "hundred"}:
        current, last, j = 1, "unit", i + 1
    while j < len(words):
        w = words[j]
        nxt = words[j + 1] if j + 1 < len(words) else ""
        if (w == "y" and last == "tens" and (nxt in UNITS or nxt in SHORT_ONES)) or (
                w == "and" and last in ("hundred", "scale") and nxt in {*UNITS, *TEENS, *TENS}):
            j += 1
            continue
        if w in UNITS and last in ("", "tens", "hundred", "scale") and not (last == "tens" and UNITS[w] == 0):
            current, last = current + UNITS[w], "unit"
        elif w in SHORT_ONES and last in ("tens", "hundred"):
            current, last = current + 1, "unit"
        elif (w in TEENS or w in TENS) and last in ("", "hundred", "scale"):
            current, last = current + TEENS.get(w, TENS.get(w, 0)), "tens" if w in TENS else "teen"
        elif w in HUNDREDS and last in ("", "scale"):
            current, last = current + HUNDREDS[w], "hundred"
        elif w == "hundred" and last in ("unit", "teen") and current < 100:
            current, last = current * 100, "hundred"
        elif w in SCALES and last not in ("", "scale"):
            total, current, last = total + current * SCALES[w], 0, "scale"
        elif w in SCALES and last == "":
            total, last = SCALES[w], "scale"
        else:
            break
        j += 1
    if j == i or last == "":
        return None
    value: Number = total + current
    if j + 1 < len(words) and words[j] in POINTS and words[j + 1] in UNITS:
        digits = ""
        j += 1
        while j < len(words) and words[j] in UNITS and len(digits) < 12:
            digits += str(UNITS[words[j]])
            j += 1
        value = float(f"{value}.{digits}")
    elif tuple(words[j:j + 3]) in HALVES or tuple(words[j:j + 2]) in HALVES:
        j += 3 if words[j] == "and" else 2
        value += 0.5
    return value, j - i
