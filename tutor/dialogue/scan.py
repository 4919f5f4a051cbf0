"""From a message to items: spans of words, each tagged with what it can mean (see `lexicon`)."""

from typing import NamedTuple

from tutor.dialogue.lexicon import Tag, lookup
from tutor.dialogue.numbers import Num, read_words
from tutor.dialogue.spell import correct, singular
from tutor.dialogue.text import tokenize

LIST_JOINERS = {",", "and", "y", "e", "or", "o", "x", "-"}
RANGE_JOINERS = {"between": {"and", "y"}, "from": {"to", "a", "hasta"}}
COUNTABLE = {"epochs", "layers", "width", "samples"}  # fields a number can precede: "30 epochs"


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
    words = [correct(t.text) if t.kind == "word" else t.text for t in tokens]
    items: list[Item] = []
    i = 0
    while i < len(words):
        if tokens[i].kind == "num":
            items.append(Item(words[i], (Tag("num", Num(raw=words[i])),)))
            i += 1
            continue
        size, tags = lookup(words, i)
        spelt = read_words(words, i) if size < 2 else None
        if not size and not spelt and singular(words[i]):  # "lotes", a word of "tamaño de los lotes"
            words[i] = singular(words[i])
            size, tags = lookup(words, i)
        if spelt:
            value, size = spelt
            items.append(Item(" ".join(words[i:i + size]), (Tag("num", Num(words=value)),)))
        elif size:
            langs = {lang for _, lang in tags if lang}
            items.append(Item(" ".join(words[i:i + size]), tuple(t for t, _ in tags),
                              langs.pop() if len(langs) == 1 else ""))
        else:
            items.append(Item(words[i]))
        i += max(size, 1)
    return _group_numbers(items)


def _strong(item: Item) -> bool:
    num = item.num
    return num is not None and not num.weak and not item.has("list", "range")


def _group_numbers(items: list[Item]) -> list[Item]:
    """Join "between 1e-4 and 1" into a range and "64, 32 y 16" into a list."""
    out: list[Item] = []
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
        j = i
        while _strong(items[j]) and j + 2 < len(items) and items[j + 1].text in LIST_JOINERS \
                and _strong(items[j + 2]) and not _counts_for_other(items, j + 3) \
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


def _counts_for_other(items: list[Item], k: int) -> bool:
    """True when items[k] is a countable noun other than a width: "lr 0.02, 40 epochs" is no list."""
    return k < len(items) and (items[k].field in COUNTABLE - {"width"} or items[k].has("trials"))


def _whole(item: Item) -> bool:
    num = item.num
    return num is not None and (num.raw.isdigit() or (num.words is not None and float(num.words).is_integer()))
