"""`parse`: a student's message, in Spanish or English, to an Intent. Rules only: no model, no network.

The message is folded and scanned into tagged items (`scan`, `lexicon`), values are attached to
fields (`slots`), and the kind comes from the markers found, in a fixed order of precedence:
goto (a lesson or "teach me" with a topic, or a lesson's number; a step's number, "paso 3") > why (unless "why not
try ..." with changes; or a setting judged, "¿el momentum ayuda con sgd?") > compare (also "which run diverged?";
but exercise for "how do I compare on the leaderboard?") > sweep / lr_find > what_if (any change) > clarify (a
change asked without its value) > hint ("what should I change?") > quit ("salir", "exit"), reset, hint, exercise
(the class exercise or its leaderboard), help, where ("¿dónde estaba?", "¿cómo voy?", "volvamos a la pregunta"),
repeat, undo ("deshaz el último cambio", "the previous settings"), back (not in a sentence that tells: "the previous
lesson was easier"), next (also "skip", "next lesson") > goto ("open ..." with a topic) > why
("what is ...", "define ...", or a question naming an idea: "is it overfitting?") > answer > clarify (a field
named alone) > answer (a predicted outcome) > unknown.

Past tenses run nothing: a change the student tells they made ("cambié el lr a 0.1", "I used lr 0.1 yesterday"),
and one said with a verb that may tell as well as ask ("cambie el lr a 0.1": "cambié" unaccented, or usted's
imperative), are a clarify that carries it in `told`, to offer; told beside what happened ("… y divergió"),
nothing is offered.

A why that asks what an idea is ("what is an epoch?", "explícame el batch size") or what it is worth ("is the
lr too high?"), and a goto, carry the `concept` named: the first concept of the course, optimizer, field or
search method in the message. A goto may name the lesson or the step by its place instead ("lección 3", "the
second lesson", "paso 3"), a next what it leaves behind as it is: the step ("skip", "sáltate esto") or the lesson
("next lesson"), and a back the lesson ("lección anterior").
"""

from tutor.dialogue.intent import Change, Intent, Scalar, Search
from tutor.dialogue.lexicon import CONCEPT_TOPIC, FIELD_TOPIC, Tag
from tutor.dialogue.scan import Item, scan
from tutor.dialogue.slots import OPERATORS, Slots, read_slots, strong_value
from tutor.dialogue.text import MAX_CHARS
from tutor.i18n import Lang

__all__ = ["Change", "Intent", "Search", "names", "parse"]

NAVIGATION = ("quit", "reset", "hint", "exercise", "help", "where", "repeat", "undo", "back", "next")
SPANISH_MARKS = set("¿¡ñÑáéíóúÁÉÍÓÚ")
CHOICES = set("abcdef")
ASKS = {"whatis", "define"}  # markers of a question about what something is
INVERTED = {"is", "are", "does", "do"}  # an English question without its mark: "is the lr too high"
TOLD_BY = {"was", "were", "fue", "era", "fueron", "eran"}  # "the previous lesson was easier" tells, moves nothing


def parse(text: str, default_lang: Lang = "es") -> Intent:
    """The intent of one message; `default_lang` when nothing in it tells the language."""
    items = scan(text)
    lang = _language(text, items, default_lang)
    slots = read_slots(items, lang, searching=any(it.has("search", "find", "lrfind") for it in items))
    markers = {t.value for it in items for t in it.tags if t.type == "kind"}  # an item may mark several
    kind = _kind(items, markers, slots)
    found: dict = {}
    if kind == "what_if" and _unsure(items):  # "cambie el lr a 0.1": "cambié" or usted's "cambie": asked first
        found["told"], slots.changes, kind = slots.changes, {}, "clarify"
    elif kind == "unknown" and slots.told and not (slots.happened or _has(items, "outcome")):
        found["told"], kind = slots.told, "clarify"  # "I used lr 0.1 yesterday"; not "… and it diverged"
    if kind in ("what_if", "compare", "sweep"):
        found.update(changes=slots.changes, fields=slots.missing)
    if kind in ("sweep", "lr_find") or (kind == "compare" and (slots.values or slots.bounds)):
        found["search"] = _search(items, slots, kind)
    if kind == "clarify" and "told" in found:
        found["fields"] = list(found["told"])
    elif kind == "clarify":
        found.update(fields=slots.missing, direction=_direction(items, markers))
    if kind == "reset":
        found["fields"] = slots.named
    if kind in ("goto", "why", "help"):
        found["topic"] = _topic(items, goto=kind == "goto")
    if kind == "goto":
        found.update(lesson=_place(items, "lesson", lang), step=_place(items, "step", lang))
    if kind == "next":
        found["skip"] = "lesson" if "lesson" in markers else "step" if "skip" in markers else None
    if kind == "back" and "lesson" in markers:  # "lección anterior": the lesson before, not the step
        found["skip"] = "lesson"
    if kind == "goto" or (kind == "why" and (_asks_about(items, markers) or _judges(items, markers, slots))):
        start = _start(items, goto=kind == "goto")
        found["concept"] = _concept(items[start:] + items[:start])
    if kind == "answer":
        bare = _bare_answer(items, lang)
        found["answer"] = bare if bare is not None else " ".join(text.split())[:500]
    return Intent(kind=kind, lang=lang, **found)


def _has(items: list[Item], kind: str) -> bool:
    return any(it.has(kind) for it in items)


def _kind(items: list[Item], markers: set[str], slots: Slots) -> str:
    """The kind of message, by the precedence in the module docstring."""
    topic = _topic(items, goto=True)
    about = bool(markers & ASKS) and _has(items, "question")  # "what's the point of more layers?" asks none
    asks_change = bool(markers & {"whatif", "change"}) or _has(items, "add") or (_has(items, "dir") and not about)
    if "board" in markers:  # "leaderboard", "mi puesto": the class exercise's standings
        markers = markers | {"exercise"}
    if "skip" in markers:  # "skip", "sáltate esto": move on, past an open question
        markers = markers | {"next"}
    onward = "goto" in markers and not markers & {"next", "back"}  # "go to the next lesson" moves on
    if "teach" in markers or ("lesson" in markers and (topic or onward or _place(items, "lesson") is not None)):
        return "goto"
    if _place(items, "step") is not None and "why" not in markers and not any(
            it.field or it.has("when", "narrate", "outcome") for it in items):  # "paso 3", "go to step 3"
        return "goto"
    if ("why" in markers and not (slots.changes and markers & {"whatif", "change"})) or _judges(items, markers, slots):
        return "why"
    if "compare" in markers or (_which_run(items) and not _asks_advice(items, markers)):
        standing = "board" in markers and not (slots.changes or slots.values or slots.bounds)
        return "exercise" if standing else "compare"
    search = _search_kind(items, markers, slots)
    if search:
        return search
    if slots.changes and not _asks_what(items, markers, slots):
        return "what_if"
    if slots.missing and asks_change:
        return "clarify"
    if _asks_advice(items, markers):
        return "hint"
    if _has(items, "narrate") or any(it.text in TOLD_BY for it in items):  # "the previous lesson was easier"
        markers = markers - {"back"}
    for kind in NAVIGATION:
        if kind in markers:
            return kind
    if "goto" in markers and topic:
        return "goto"
    if markers & ASKS and (topic or slots.changes or _concept(items)):
        return "why"
    if _asking(items) and _has(items, "concept") and not (slots.missing or slots.values):  # "is it overfitting?"
        return "why"
    if "answer" in markers or _bare_answer(items) is not None:
        return "answer"
    if slots.missing:
        return "clarify"
    if _has(items, "outcome") and not any(it.field or it.has("narrate") for it in items):  # not "it was worse"
        return "answer"
    return "unknown"


def _asks_what(items: list[Item], markers: set[str], slots: Slots) -> bool:
    """ "what is momentum?", "¿qué es un epoch?": an idea named in a question about it, asking no change (an
    option named is none, nor is the article before a field: "un", "an")."""
    if not markers & ASKS or markers & {"whatif", "change"}:
        return False
    return all(isinstance(c.value, str) for c in slots.changes.values()) or not any(
        it.has("list", "range", *OPERATORS) or (it.num is not None and not it.num.weak) for it in items)


def _judges(items: list[Item], markers: set[str], slots: Slots) -> bool:
    """ "¿el momentum ayuda con sgd?", "is the lr of 0.1 too high?", "¿tanh es mejor?": an idea named in a
    question about what it is worth, asking neither a change nor why a run went as it did (no verb of change,
    operator or alternatives, and no value after the judging word). A degree stated, not asked ("the lr is too
    high", "demasiadas épocas"), asks to lower or raise the setting: no judgment."""
    at = next((k for k, it in enumerate(items) if it.has("judge") and (
        it.marker != "help" or _concept(items[:k]))), None)  # "does more data help?"; not "help with the lr"
    if at is None or markers & {"whatif", "change", "why"} or slots.values or slots.bounds:
        return False
    asking = _asking(items)
    if items[at].get("judge").value == "degree" and not asking:
        return False
    if any(strong_value(it) for it in items[at + 1:]) or any(_changing(it, asking) for it in items):
        return False
    return _concept(items) is not None


def _asking(items: list[Item]) -> bool:
    """A question: its mark, a question word, or an English one without its mark ("is the lr too high")."""
    return _has(items, "question") or (bool(items) and items[0].text in INVERTED)


def _changing(item: Item, asking: bool) -> bool:
    """An operator or a verb of change: "double", "+", "sube"; not an adjective ("is the lr too high?"), nor
    "more" in a question ("does more data help?" asks; "the model needs more layers" wants them)."""
    direction = item.get("dir")
    return item.has(*(op for op in OPERATORS if op not in ("dir", "neg"))) or (
        direction is not None and (direction.extra == "verb" or (direction.extra == "qty" and not asking)))


def _direction(items: list[Item], markers: set[str]) -> int | None:
    """Which way a field named without a value is to move: up for "sube el lr", "more epochs", "make it
    bigger"; a degree stated turns it back ("el lr está muy alto", "demasiadas épocas", "too few epochs"). An
    adjective alone says no way ("lr muy alto" may ask for a high one): None, as when nothing is said."""
    dirs = [it.get("dir") for it in items if it.has("dir")]
    if any(it.get("judge") == Tag("judge", "degree") for it in items):
        return -dirs[-1].value if dirs else -1
    if not dirs or (all(d.extra == "adj" for d in dirs) and not markers & {"whatif", "change"}):
        return None
    return dirs[-1].value


def _which_run(items: list[Item]) -> bool:
    """ "which run diverged?", "¿cuál de mis corridas fue peor?": a question about the student's runs."""
    for k, item in enumerate(items):
        after = next((it for it in items[k + 1:] if not it.has("filler", "prep")), None)
        if item.has("which") and after is not None and after.has("run"):
            return True
    return False


def _asks_advice(items: list[Item], markers: set[str]) -> bool:
    """ "what should I change?", "¿qué debería probar ahora?", "what run should I do next?", "¿qué experimento
    hago ahora?": what to try next, with nothing named."""
    runs = _has(items, "run")
    ahead = (_has(items, "should") and (markers & {"whatif", "change"} or runs)) or (runs and "next" in markers)
    return bool(_has(items, "which") and ahead) and not any(
        it.field or it.has("option") or strong_value(it) for it in items)


def _asks_about(items: list[Item], markers: set[str]) -> bool:
    """A why that asks what an idea is ("what is", "define", "explícame"), not why a run went as it did
    ("explain why it diverged": a "why" that is no "explain" too)."""
    kinds = [{t.value for t in it.tags if t.type == "kind"} for it in items]
    return bool(markers & ASKS) and not any("why" in k and "define" not in k for k in kinds)


def _concept(items: list[Item]) -> str | None:
    """The first idea named: a concept of the course, an optimizer (adam, sgd, momentum), a field (another
    option names its field: relu the activation), a search method ("a search" is searching itself)."""
    for item in items:
        concept, option, search = item.get("concept"), item.get("option"), item.get("search")
        if concept:
            return concept.value
        if option:
            field, value = option.value
            return value if field == "optimizer" else field
        if item.field:
            return item.field
        if search:
            return search.value or "tuning"
    return None


def names(text: str) -> str | None:
    """The concept a short phrase names, when it names exactly one and nothing else ("sobreajuste", "más
    datos", "capas ocultas"; not "ruido del gradiente"): how a lesson's front matter `concepts` are read."""
    items = [it for it in scan(text) if not it.has("filler", "prep", "sep", "dir") and it.num is None]
    found = {_concept([it]) for it in items}
    return found.pop() if len(found) == 1 and None not in found else None


def _search_kind(items: list[Item], markers: set[str], slots: Slots) -> str | None:
    """sweep or lr_find when a search is asked for (or alternatives listed); else None."""
    methods = {t.value for it in items for t in it.tags if t.type == "search"}
    explicit = methods - {None}
    about = bool(markers & (ASKS | {"teach", "lesson"}))
    lesson = bool(markers & {"teach", "lesson"})
    finding = _has(items, "find") or (_has(items, "good") and _has(items, "question") and not lesson)
    open_fields = slots.missing + list(slots.values) + list(slots.bounds)
    if _has(items, "lrfind"):
        return "lr_find"
    if explicit and markers & ASKS and not (finding or slots.values or slots.bounds or slots.trials):
        return None  # "what is a grid search?"
    if explicit or (methods and not about) or (finding and open_fields):
        only_lr = open_fields == ["lr"] and not (slots.values or slots.bounds)
        return "lr_find" if only_lr and finding and not explicit and slots.trials is None else "sweep"
    if slots.values or slots.bounds:  # "¿relu o tanh?" compares; "lr 0.1, 0.01 y 0.001" sweeps
        return "compare" if _has(items, "question") or _has(items, "good") else "sweep"
    return None


def _search(items: list[Item], slots: Slots, kind: str) -> Search:
    methods = [t.value for it in items for t in it.tags if t.type == "search" and t.value]
    method = methods[0] if methods else ("grid" if slots.values and kind == "sweep" else None)
    fields = [f for f in slots.named if f in slots.missing or f in slots.values or f in slots.bounds]
    return Search(method=method, trials=slots.trials, fields=fields or (["lr"] if kind == "lr_find" else []),
                  values=slots.values, bounds=slots.bounds)


def _topic(items: list[Item], goto: bool) -> str | None:
    """The lesson topic named; for goto, the first one after the last goto/teach/lesson word."""
    start = _start(items, goto)
    for item in items[start:] + items[:start]:
        topic, concept = item.get("topic"), item.get("concept")
        if topic:
            return topic.value
        if item.field:
            return FIELD_TOPIC.get(item.field, "training")
        if concept:
            return CONCEPT_TOPIC[concept.value]
    return None


def _start(items: list[Item], goto: bool) -> int:
    """Where a goto names what to open: at its last goto/teach/lesson word; 0 for other kinds."""
    marks = [k for k, it in enumerate(items) if it.marker in ("goto", "teach", "lesson")] if goto else []
    return marks[-1] if marks else 0


def _place(items: list[Item], marker: str, lang: Lang = "es") -> int | None:
    """The lesson or the step (`marker`) named by its place: a whole number after its word ("lección 3", "lesson
    number 2", "paso 3"), or an ordinal before it ("la tercera lección", "el tercer paso"); None if there is none."""
    for k, item in enumerate(items):
        if item.marker != marker:
            continue
        after = next((it for it in items[k + 1:] if not it.has("filler") and it.text not in ("number", "numero")),
                     None)
        before = next((it for it in reversed(items[:k]) if not it.has("filler")), None)
        number = after.num.scalar(lang=lang) if after is not None and after.num and not after.num.weak else None
        if isinstance(number, int):
            return number
        place = before.get("choice") if before is not None else None
        if place is not None:
            return place.value + 1
    return None


def _unsure(items: list[Item]) -> bool:
    """ "cambie el lr a 0.1", "baje el batch": a verb of change that may be a past tense written without its
    accent ("cambié") as well as usted's imperative, and no other verb that asks ("y si", "prueba")."""
    unsure = [it.get("narrate") == Tag("narrate", "unsure") for it in items]
    return any(unsure) and not any(
        (_changing(it, False) or it.marker in ("whatif", "change")) and not doubt for it, doubt in zip(items, unsure))


def _language(text: str, items: list[Item], default: Lang) -> Lang:
    """Spanish or English by the words that only one of them uses; `default` on a tie."""
    es = sum(it.lang == "es" for it in items) + bool(SPANISH_MARKS & set(text[:MAX_CHARS]))
    en = sum(it.lang == "en" for it in items)
    return "es" if es > en else "en" if en > es else default


def _bare_answer(items: list[Item], lang: Lang = "es") -> Scalar | None:
    """A lone choice letter, place, number or yes/no ("b", "la c", "the second one", "my answer is 3",
    "sí"), else None; a choice named by its place is its letter."""
    rest = [it for it in items if not _around_answer(it)]
    if len(rest) != 1:
        return None
    item = rest[0]
    if item.text in CHOICES:
        return item.text
    place = item.get("choice")
    if place:
        return "abcdef"[place.value]
    if item.num is not None and not item.num.weak:
        return item.num.scalar(lang=lang)
    yesno = item.get("yesno")
    return yesno.value if yesno else None


def _around_answer(item: Item) -> bool:
    """Words that only frame an answer: "la", "es", "my answer is", punctuation."""
    return (item.has("filler") or item.text in ",.;:!?¿¡" or item.marker == "answer"
            or (item.has("prep") and item.text not in CHOICES))
