"""Any number, in any notation the parser accepts, reads back as itself: digits with a decimal point or
comma, thousands separators, scientific notation in symbols and in words, "k", and whole numbers spelt out
in Spanish and English."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from tutor.dialogue import parse
from tutor.dialogue.numbers import read_words
from tutor.dialogue.text import fold

ONES_EN = "zero one two three four five six seven eight nine".split()
TEENS_EN = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS_EN = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ONES_ES = "cero uno dos tres cuatro cinco seis siete ocho nueve".split()
TEENS_ES = "diez once doce trece catorce quince dieciséis diecisiete dieciocho diecinueve".split()
TWENTIES_ES = ("veinte veintiuno veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho "
               "veintinueve").split()
TENS_ES = "_ _ _ treinta cuarenta cincuenta sesenta setenta ochenta noventa".split()
HUNDREDS_ES = ("_ ciento doscientos trescientos cuatrocientos quinientos seiscientos setecientos ochocientos "
               "novecientos").split()
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def english(n: int, glue: str = " and ") -> str:
    """`n` (0 ≤ n < 10**6) in English words: "two thousand and ten", "forty-two"."""
    if n < 10:
        return ONES_EN[n]
    if n < 20:
        return TEENS_EN[n - 10]
    if n < 100:
        return TENS_EN[n // 10] + (f"-{ONES_EN[n % 10]}" if n % 10 else "")
    scale, word = (1000, "thousand") if n >= 1000 else (100, "hundred")
    head, rest = divmod(n, scale)
    return f"{english(head, glue)} {word}" + (glue + english(rest, glue) if rest else "")


def spanish(n: int, before_noun: bool = False) -> str:
    """`n` (0 ≤ n < 10**6) in Spanish words; `before_noun` shortens a final one ("veintiún mil")."""
    if n >= 1000:
        head, rest = divmod(n, 1000)
        return ("mil" if head == 1 else f"{spanish(head, True)} mil") + (f" {spanish(rest)}" if rest else "")
    if n >= 100:
        head, rest = divmod(n, 100)
        return "cien" if n == 100 else HUNDREDS_ES[head] + (f" {spanish(rest, before_noun)}" if rest else "")
    one = "un" if before_noun else "uno"
    if n < 10:
        return one if n == 1 else ONES_ES[n]
    if n < 20:
        return TEENS_ES[n - 10]
    if n < 30:
        return "veintiún" if n == 21 and before_noun else TWENTIES_ES[n - 20]
    unit = n % 10
    return TENS_ES[n // 10] + (f" y {one if unit == 1 else ONES_ES[unit]}" if unit else "")


@given(st.integers(0, 999_999), st.sampled_from(["es", "en", "en-and"]))
def test_whole_numbers_in_words(n: int, lang: str) -> None:
    text = spanish(n) if lang == "es" else english(n, " and " if lang == "en-and" else " ")
    words = parse(f"samples {text}").changes["samples"]
    assert words.op == "set" and words.value == n, (text, words)
    words = fold(text.replace("-", " ")).split()
    assert read_words(words, 0) == (n, len(words)), (text, read_words(words, 0))


@given(st.integers(1, 9), st.sampled_from(["", "5", "25", "75"]), st.integers(-9, -1),
       st.sampled_from(["lr", "weight decay", "learning rate", "tasa de aprendizaje", "noise", "ruido"]),
       st.sampled_from(["{f} {v}", "pon el {f} en {v}", "what if the {f} was {v}?", "¿y si el {f} fuera {v}?"]),
       st.data())
def test_decimals_in_every_notation(whole: int, decimals: str, exponent: int, field: str, template: str,
                                    data: st.DataObject) -> None:
    """m·10^e written as a plain decimal (point or comma) or in scientific notation (e, E, x10^, ·10^, ×10⁻ⁿ,
    words), in a what-if, sets that value."""
    mantissa = f"{whole}.{decimals}" if decimals else str(whole)
    value = Decimal(f"{mantissa}e{exponent}")
    sup = str(exponent).translate(SUPERSCRIPT)
    written = [format(value, "f"), f"{mantissa}e{exponent}", f"{mantissa}E{exponent}", f"{mantissa}x10^{exponent}",
               f"{mantissa} x 10^{exponent}", f"{mantissa}*10^{exponent}", f"{mantissa}·10^{exponent}",
               f"{mantissa} × 10{sup}"]
    written += [w.replace(".", ",") for w in written]
    if not decimals:
        written += [f"{english(whole)} times ten to the minus {english(-exponent)}",
                    f"{spanish(whole)} por diez a la menos {spanish(-exponent)}",
                    f"{english(whole)} e minus {english(-exponent)}"]
    if whole == 1 and not decimals:
        written += [f"10^{exponent}", f"ten to the minus {english(-exponent)}", f"diez a la menos {spanish(-exponent)}"]
    text = template.format(f=field, v=data.draw(st.sampled_from(written)))
    (change,) = parse(text).changes.values()
    assert change.op == "set" and abs(change.value - float(value)) <= 1e-12 * float(value), (text, change)


@given(st.integers(1000, 99_999), st.sampled_from([",", "."]),
       st.sampled_from(["{v} samples", "{v} muestras", "usa {v} ejemplos", "train for {v} epochs", "{v} épocas"]))
def test_thousands_separators_in_counts(n: int, sep: str, template: str) -> None:
    text = template.format(v=f"{n:,}".replace(",", sep))
    (change,) = parse(text).changes.values()
    assert change == change.model_copy(update={"op": "set", "value": n}), (text, change)


@given(st.integers(1, 99), st.sampled_from(["", ".5", ",5"]), st.sampled_from(["k", "K", " mil", " thousand"]))
def test_thousands_by_their_word(n: int, half: str, scale: str) -> None:
    text = f"{n}{half}{scale} samples"
    (change,) = parse(text).changes.values()
    assert change.op == "set" and change.value == n * 1000 + (500 if half else 0), (text, change)


UP, DOWN = 1, -1
FACTORS = {
    "es": (spanish, ["lr", "tasa de aprendizaje", "batch", "ruido", "weight decay"], [
        ("multiplica el {f} por {n}", UP), ("el {f} por {n}", UP), ("y si multiplico el {f} por {n}", UP),
        ("el {f} {n} veces más grande", UP), ("divide el {f} entre {n}", DOWN), ("el {f} entre {n}", DOWN),
        ("y si divido el {f} entre {n}", DOWN), ("un {f} {n} veces menor", DOWN), ("{f} {n} veces mas pequeño", DOWN),
        ("reduce el {f} {n} veces", DOWN)]),
    "en": (english, ["lr", "learning rate", "batch size", "noise"], [
        ("multiply the {f} by {n}", UP), ("make the {f} {n} times bigger", UP), ("{f} times {n}", UP),
        ("increase the {f} {n} fold", UP), ("divide the {f} by {n}", DOWN), ("{n} times smaller {f}", DOWN),
        ("reduce the {f} {n}-fold", DOWN)]),
}
SYMBOLS = [("{f} x{n}", UP), ("{f} x {n}", UP), ("{f} *{n}", UP), ("{f} /{n}", DOWN), ("{n}x larger {f}", UP),
           ("cut the {f} by {n}x", DOWN)]


@given(st.integers(2, 1000), st.sampled_from(sorted(FACTORS)), st.booleans(), st.data())
def test_a_factor_in_any_phrasing(n: int, lang: str, in_words: bool, data: st.DataObject) -> None:
    """ "multiply by n", "n times smaller", "x n", "entre n"...: a multiplication by n or 1/n, with n in
    digits or in words."""
    spell, fields, templates = FACTORS[lang]
    template, way = data.draw(st.sampled_from(templates if in_words else templates + SYMBOLS))
    text = template.format(f=data.draw(st.sampled_from(fields)), n=spell(n) if in_words else n)
    (change,) = parse(text).changes.values()
    assert change.op == "mul" and abs(change.value - n ** way) <= 1e-12 * n, (text, change)
