"""Small typos in keywords ("learnin rate", "epocs", "aprendisaje"), letters held down ("siiii", "whyyy"),
plurals of known words, known verbs with a pronoun after them or in voseo ("sacale", "subí", "probá"), their past
tenses ("usé", "bajó"; "changed", "set"), and English -ing forms ("adding", "lowering").

Candidates come from a deletion index (the symmetric-delete method), so a lookup costs a few dict
probes instead of a comparison with every keyword.
"""

import re
from functools import lru_cache
from itertools import combinations

from tutor.dialogue.lexicon import KEYWORDS, PHRASES, VOCABULARY

MAX_WORD = 16  # longer words are left as they are
SHORT = {"q": "que", "tb": "tambien", "tmb": "tambien", "pa": "para"}  # chat spellings: "en q lección voy"
_REPEATS = re.compile(r"(.)\1{2,}")  # a letter typed three times or more
ENCLITICS = ("les", "los", "las", "le", "lo", "la", "me", "nos")  # "sácale", "probalo", "subímelo" ends in "lo"
VERB_TAGS = {"kind", "add", "mul", "div", "mult", "swap", "find", "keep"}
# endings of the imperfect and the participle ("usaba", "subía", "he usado"), folded, by infinitive
IRREGULAR = {"set": "set", "put": "put", "cut": "cut", "made": "make", "ran": "run", "had": "have"}  # English past
PAST_ENDINGS = {"aba": ("ar",), "abas": ("ar",), "abamos": ("ar",), "aban": ("ar",), "ia": ("er", "ir"),
                "iamos": ("er", "ir"), "ian": ("er", "ir"), "ado": ("ar",), "ido": ("er", "ir")}


def _allowed(keyword: str) -> int:
    """Edits tolerated in a keyword: one from five letters, two from nine."""
    return 2 if len(keyword) >= 9 else 1


def _deletes(word: str, edits: int) -> set[str]:
    return {"".join(c for k, c in enumerate(word) if k not in gone)
            for n in range(edits + 1) for gone in combinations(range(len(word)), n)}


def _distance(a: str, b: str) -> int:
    """Edit distance counting a swap of two neighbours as one edit (optimal string alignment)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]


def _build_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for keyword in KEYWORDS:
        for variant in _deletes(keyword, _allowed(keyword)):
            index.setdefault(variant, set()).add(keyword)
    return index


_INDEX = _build_index()
_SINGLE_WORDS = {p[0] for p in PHRASES if len(p) == 1}
_VERBS = {p[0] for p, tags in PHRASES.items() if len(p) == 1 and any(
    t.type in VERB_TAGS or (t.type == "dir" and t.extra == "verb") for t, _ in tags)}


def singular(word: str) -> str | None:
    """The singular of a plural the lexicon only knows in the singular ("lotes" -> "lote")."""
    for suffix in ("s", "es"):
        if word.endswith(suffix) and word[: -len(suffix)] in _SINGLE_WORDS:
            return word[: -len(suffix)]
    return None


def verb(word: str) -> str | None:
    """The known verb in a word with a pronoun after it ("sacale" -> "saca") or in a voseo imperative, which
    is the infinitive without its "r" ("subi" -> "subir", "proba" -> "probar", "subile" -> "subir")."""
    stems = [word[: -len(p)] for p in ENCLITICS if word.endswith(p) and len(word) > len(p) + 1]
    for stem in (word, *stems):
        for form in (stem, stem + "r"):
            if form != word and form in _VERBS:
                return form
    return None


def gerund(word: str) -> str | None:
    """The known English verb of an -ing form: "adding" -> "add", "lowering" -> "lower", "cutting" -> "cut",
    "increasing" -> "increase", "trying" -> "try"."""
    stem = word[:-3]
    if not word.endswith("ing") or len(stem) < 3:
        return None
    doubled = stem[:-1] if stem[-1] == stem[-2] else ""
    return next((form for form in (stem, stem + "e", doubled) if form in _VERBS), None)


def past_en(word: str) -> str | None:
    """The known English verb of a past form: "changed" -> "change", "lowered" -> "lower", "dropped" -> "drop",
    "tried" -> "try", and the forms that do not change ("set", "put", "cut")."""
    if word in IRREGULAR:
        return IRREGULAR[word]
    if not word.endswith("ed") or len(word) < 4:
        return None
    stem = word[:-2]
    forms = (stem, word[:-1], stem[:-1] if stem[-1] == stem[-2] else "", stem[:-1] + "y" if stem.endswith("i") else "")
    return next((form for form in forms if form in _VERBS), None)


def past(word: str, stressed: bool) -> bool:
    """Whether a word is a known Spanish verb in a past tense: an imperfect or a participle the lexicon does not
    know otherwise ("usaba", "subía", "he usado"; not "dividido"), or, `stressed` (written with its last "é" or
    "ó", folded away: "use", "bajo"), a preterite ("usé", "saqué", "bajó", "subió"); not "sé", "qué", nor a
    voseo "poné"."""
    for ending, infinitives in PAST_ENDINGS.items():
        if word.endswith(ending) and word not in VOCABULARY and any(
                word[: -len(ending)] + inf in _VERBS for inf in infinitives):
            return True
    stem = word[:-1]
    stems = [stem, stem[:-2] + "c" if stem.endswith("qu") else stem[:-1] if stem.endswith("gu") else stem]
    if stem.endswith("c"):
        stems.append(stem[:-1] + "z")  # "empecé": empezar
    forms = [s + "ar" for s in stems] + ([stem[:-1] + "ir", stem[:-1] + "er"] if word.endswith("io") else [])
    return stressed and word[-1:] in ("e", "o") and any(f in _VERBS for f in forms)


@lru_cache(maxsize=4096)
def correct(word: str) -> str:
    """The known word meant by `word`: itself, its singular, a known verb, or the nearest keyword within reach."""
    word = SHORT.get(word, word)
    if word in VOCABULARY or not word.isalpha():
        return word
    if _REPEATS.search(word):  # "siiii", "nooo", "whyyy", "porfaaa": the known word with a letter held down
        fixed = [correct(_REPEATS.sub(r"\1" * n, word)) for n in (1, 2)]
        known = [w for w in fixed if w in VOCABULARY and len(w) > 1]
        if known:
            return known[0]
    known = singular(word) or verb(word) or gerund(word)
    if known:
        return known
    if not 5 <= len(word) <= MAX_WORD:
        return word
    candidates = {k for variant in _deletes(word, 2) for k in _INDEX.get(variant, ())}
    scored = sorted((_distance(word, k), k) for k in candidates if _plausible(word, k))
    return scored[0][1] if scored and scored[0][0] <= _allowed(scored[0][1]) else word


def _plausible(word: str, keyword: str) -> bool:
    """Short keywords only match with the same first and last letters, or the last two swapped ("epocs",
    "bathc" yes; "match" no)."""
    return len(keyword) > 6 or (word[0] == keyword[0] and (word[-1] == keyword[-1] or word[-2:] == keyword[:-3:-1]))
