"""From a message to items: spans of words, each tagged with what it can mean (see `lexicon`)."""

import math
import re
from typing import NamedTuple

from tutor.dialogue.lexicon import Tag, lookup
from tutor.dialogue.numbers import DIGIT_SCALES, Num, read_words
from tutor.dialogue.spell import correct, past, past_en, singular
from tutor.dialogue.text import MAX_CHARS, fold, tokenize

LIST_JOINERS = {",", "and", "y", "e", "or", "o", "x", "-"}
RANGE_JOINERS = {"between": {"and", "y"}, "from": {"to", "a", "hasta"}}
# Parser-specific: the fields whose names are nouns a number may precede ("30 epochs", "2 layers", "8 neurons");
# one does not say "64 batch sizes"
COUNTABLE = {"epochs", "layers", "width", "samples"}
POWERS = {("to", "the"), ("to", "the", "power", "of"), ("a", "la"), ("elevado", "a"), ("elevado", "a", "la")}
MINUS = {"minus", "negative", "menos"}
TIMES = {"x", "*", "·", "por", "times"}  # "3x10^-4", "3 · 10⁻⁴", "tres por diez a la menos cuatro"
_TEN_TO = re.compile(r"10\^([-+]?[0-9]+)")
_STRESSED = re.compile(r"[^\W\d_]+[éó](?![^\W\d_])")  # "usé", "bajó": a Spanish past tense, when a verb
SUBJECTS = {"i", "we", "ive", "weve"}  # "I changed the lr", "we've set it": the student tells what was done
BETWEEN = {"have", "had", "just", "already", "also", "then", "first", "once"}  # "I just changed"
ASKING = {"if", "can", "could", "should", "shall", "would", "will", "may", "might", "do", "did", "suppose", "supposing",
          "imagine", "say"}  # "if I set", "suppose I doubled"
# a network's size is its width: "the model is too small", "una red más grande", "shrink the net"
SIZES = {"big", "bigger", "large", "larger", "huge", "small", "smaller", "tiny", "complex", "complicated", "simple",
         "simpler", "grande", "grandes", "enorme", "pequeno", "pequena", "pequenos", "pequenas", "chico", "chica",
         "complejo", "compleja", "sencillo", "sencilla", "grow", "enlarge", "shrink", "agranda", "agrandar", "achica",
         "achicar", "pequenito", "pequenita", "chiquito", "chiquita", "grandecito", "grandecita"}


class Item(NamedTuple):
    """A span of the message: its folded text, its possible meanings and the language it suggests."""

    text: str
    tags: tuple[Tag, ...] = ()
    lang: str = ""

    def get(self, *types: str) -> Tag | None:
        """The first tag of one of these types."""
        return next((t for t in self.tags if t.type in types), None)

    def has(self, *types: str) -> bool:
        return self.get(*types) is not None

    @property
    def num(self) -> Num | None:
        tag = self.get("num")
        return tag.value if tag else None

    @property
    def marker(self) -> str | None:
        """The message kind (or part of one) this item marks: "why", "next", "whatif", "lesson"..."""
        tag = self.get("kind")
        return tag.value if tag else None

    @property
    def field(self) -> str | None:
        tag = self.get("field")
        return tag.value if tag else None


def scan(text: str) -> list[Item]:
    """The items of a message: phrases from the lexicon (longest first), numbers, other words."""
    tokens = tokenize(text)
    texts = [t.text for t in tokens]
    words = [correct(t.text) if t.kind == "word" else t.text for t in tokens]
    stressed = {fold(w) for w in _STRESSED.findall(text[:MAX_CHARS].lower())}
    items: list[Item] = []
    i = 0
    while i < len(words):
        if tokens[i].kind == "word" and past(tokens[i].text, tokens[i].text in stressed):  # "usé tanh" tells
            me = tokens[i].text.endswith("e")  # "usé", "cambié": the student's own doing; "bajó" another's
            items.append(Item(tokens[i].text, (Tag("narrate", "me" if me else None),), "es"))
            i += 1
            continue
        if tokens[i].kind == "word" and _told(texts, i):  # "I changed the lr to 0.1" tells
            items.append(Item(tokens[i].text, (Tag("narrate", "me"),), "en"))
            i += 1
            continue
        if tokens[i].kind == "num":
            items.append(Item(words[i], (Tag("num", Num(raw=words[i])),)))
            i += 1
            continue
        size, tags = lookup(words, i)
        while size > 1 and (inside := read_words(words, i + size - 1)) and inside[1] > 1:
            size, tags = lookup(words[:i + size - 1], i)  # "de cero coma uno": the number, not "de cero"
        spelt = read_words(words, i) if size < 2 else None
        if not size and not spelt and singular(words[i]):  # "lotes", a word of "tamaño de los lotes"
            words[i] = singular(words[i])
            size, tags = lookup(words, i)
        if spelt:
            value, size = spelt
            items.append(Item(" ".join(words[i:i + size]), (Tag("num", Num(words=value)),)))
        elif size:
            langs = {lang for _, lang in tags if lang}
            meanings = tuple(t for t, _ in tags) + _maybe(tokens[i].text, size, langs)
            items.append(Item(" ".join(words[i:i + size]), meanings, langs.pop() if len(langs) == 1 else ""))
        else:
            items.append(Item(words[i], _maybe(tokens[i].text, 1, set())))
        i += max(size, 1)
    return _sized(_group_numbers(items))


def _maybe(word: str, size: int, langs: set[str]) -> tuple[Tag, ...]:
    """A known verb that may be a Spanish past tense written without its accent: "ayer use tanh" (usé) tells
    beside a time gone by; "cambie el lr a 0.1" is usted's imperative or "cambié", unsure."""
    if size != 1 or not past(word, True):
        return ()
    return (Tag("narrate", "unsure" if word.endswith("e") and "en" not in langs else "maybe"),)


def _told(words: list[str], i: int) -> bool:
    """An English past tense of a verb of change after "I" or "we" ("I changed", "we've just set"), not
    asked ("if I set", "can I put", "should I cut")."""
    if past_en(words[i]) is None:
        return False
    k = i - 1
    while k >= 0 and words[k] in BETWEEN:
        k -= 1
    return k >= 0 and words[k] in SUBJECTS and (k == 0 or words[k - 1] not in ASKING)


def _sized(items: list[Item]) -> list[Item]:
    """ "the model is too small", "una red más grande": with no setting named, a network's size is its width."""
    if any(it.field for it in items) or not any(it.text.split()[-1] in SIZES for it in items if it.has("dir")):
        return items
    width = Tag("field", "width")
    return [Item(it.text, (width, *it.tags), it.lang) if it.has("net") else it for it in items]


def _strong(item: Item) -> bool:
    num = item.num
    return num is not None and not num.weak and not item.has("list", "range")


def _group_numbers(items: list[Item]) -> list[Item]:
    """Join "between 1e-4 and 1" into a range and "64, 32 y 16" into a list."""
    items, out = _scaled(items), []
    i = 0
    while i < len(items):
        item = items[i]
        bound = item.get("bound")
        if bound and i + 3 < len(items) and _strong(items[i + 1]) and _strong(items[i + 3]) \
                and items[i + 2].text in RANGE_JOINERS[bound.value]:
            pair = (items[i + 1].num, items[i + 3].num)
            out.append(Item(" ".join(x.text for x in items[i:i + 4]), (Tag("range", pair, bound.value),)))
            i += 4
            continue
        power = _scientific(items, i) or _power(items, i)
        if power is not None:
            out.append(power[0])
            i = power[1]
            continue
        j = i
        while _strong(items[j]) and j + 2 < len(items) and items[j + 1].text in LIST_JOINERS \
                and _strong(items[j + 2]) and not (_counts_for_other(items, j + 3) and _after_field(items, i)) \
                and (items[j + 1].text not in ("x", "-") or _whole(items[j]) and _whole(items[j + 2])):
            j += 2
        if j > i:
            nums = [items[k].num for k in range(i, j + 1, 2)]
            out.append(Item(" ".join(x.text for x in items[i:j + 1]), (Tag("list", nums),)))
            i = j + 1
        else:
            out.append(item)
            i += 1
    return out


def _scaled(items: list[Item]) -> list[Item]:
    """The items with digits and a scale word as one number: "2 thousand", "1,5 millones"."""
    out: list[Item] = []
    for item in items:
        last = out[-1] if out else None
        value = last.num.scalar() if last is not None and _strong(last) and last.num.raw else None
        if value is not None and item.text in DIGIT_SCALES and math.isfinite(value * DIGIT_SCALES[item.text]):
            value *= DIGIT_SCALES[item.text]
            number = Num(words=int(value) if float(value).is_integer() and abs(value) < 1e15 else value)
            out[-1] = Item(f"{last.text} {item.text}", (Tag("num", number),))
        else:
            out.append(item)
    return out


def _power(items: list[Item], i: int) -> tuple[Item, int] | None:
    """ "ten to the minus three", "10 a la -3", "diez elevado a menos tres": one number, and the index
    after it; None when no power of whole numbers starts at items[i]."""
    if not _strong(items[i]):
        return None
    words: list[str] = []
    for j in range(i + 1, min(i + 7, len(items))):
        if _strong(items[j]):
            minus = bool(words) and words[-1] in MINUS
            base, exponent = items[i].num.scalar(), items[j].num.scalar()
            if tuple(words[:-1] if minus else words) not in POWERS or not all(
                    isinstance(n, int) for n in (base, exponent)):
                return None
            raw = f"{base}^{-exponent if minus else exponent}"
            return Item(" ".join(it.text for it in items[i:j + 1]), (Tag("num", Num(raw=raw)),)), j + 1
        words += items[j].text.split()
    return None


def _scientific(items: list[Item], i: int) -> tuple[Item, int] | None:
    """ "3x10^-4", "3 · 10⁻⁴", "one times ten to the minus four", "one e minus three": a mantissa times a
    power of ten, as one number, and the index after it; None when none starts at items[i]."""
    mantissa = items[i].num
    if not _strong(items[i]) or i + 3 > len(items) or not _plain(mantissa):
        return None
    if items[i + 1].text in TIMES and _strong(items[i + 2]):
        power = _power(items, i + 2) or (items[i + 2], i + 3)
        ten = _TEN_TO.fullmatch(power[0].num.raw)
        if ten is None:
            return None
        exponent, end = ten.group(1), power[1]
    elif items[i + 1].text == "e" and items[i + 2].text in MINUS and i + 3 < len(items) and _strong(items[i + 3]):
        value = items[i + 3].num.scalar()
        if not isinstance(value, int) or value > 999:
            return None
        exponent, end = f"-{value}", i + 4
    else:
        return None
    raw = f"{mantissa.raw or mantissa.words}e{exponent}"
    return Item(" ".join(it.text for it in items[i:end]), (Tag("num", Num(raw=raw)),)), end


def _plain(num: Num) -> bool:
    """A number written without an exponent or a power: "3", "1,5", "tres"."""
    return num.words is not None or not set(num.raw) & set("e^")


def _counts_for_other(items: list[Item], k: int) -> bool:
    """True when items[k] is a countable noun other than a width: "lr 0.02, 40 epochs" is no list."""
    return k < len(items) and (items[k].field in COUNTABLE - {"width"} or items[k].has("trials"))


def _after_field(items: list[Item], i: int) -> bool:
    """True when items[i] follows a field, past "of", "to" and the like: "lr 0.02, 40 epochs" splits after
    0.02; "compara 1, 2 y 4 capas" does not."""
    before = next((it for it in reversed(items[:i]) if not it.has("prep", "filler")), None)
    return before is not None and before.field is not None


def _whole(item: Item) -> bool:
    num = item.num
    return num is not None and (num.raw.isdigit() or (num.words is not None and float(num.words).is_integer()))
