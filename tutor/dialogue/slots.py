"""Which value goes with which field: the changes a message asks for.

A message is cut into clauses at "," "y" "and"... In a clause every field mention is a target. A
number goes to the field right before it ("lr 0.1", "batch de 4") unless it heads a countable noun
("40 epochs", "2 layers", "8 neuronas"); operators ("double", "a la mitad", "10 times smaller",
"divide ... by", "5 more") go to the nearest field. Each field then turns its items into one Change.
"""

from dataclasses import dataclass, field

from tutor.config import INTEGERS, SHAPE_FIELDS
from tutor.dialogue.intent import Change, Scalar
from tutor.dialogue.lexicon import Tag
from tutor.dialogue.numbers import Num, Number
from tutor.dialogue.scan import COUNTABLE, Item
from tutor.i18n import Lang

INTEGER = {*INTEGERS, "trials"}  # read as whole numbers: "2,000" is two thousand
# Parser-specific: the fields that "without" or "remove" turns off by setting them to 0 ("sin ruido")
ZEROABLE = {"noise", "weight_decay", "momentum"}
VALUES = ("num", "list", "range")
OPERATORS = ("mul", "times", "order", "div", "mult", "dir", "add", "pct", "neg")
CARRIED = ("mul", "div", "mult", "add")  # "double the lr and the epochs": the 2nd clause inherits
VERBS = ("change", "whatif")
AFTER = ("prep", "filler", "dir")  # may stand between a field and its number: "batch size of 64"
BEFORE = ("filler", "dir")  # may stand between a number and its noun: "5 more epochs"
MAX_REPEAT = 100  # "3 layers of 64" is spelt out as [64, 64, 64] up to this many layers

Result = Change | list[Scalar] | tuple[float, float] | None  # a change, alternatives, bounds, nothing


@dataclass
class Slots:
    """What a message sets: changes, fields named without a value, alternatives, search sizes."""

    changes: dict[str, Change] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    values: dict[str, list[Scalar]] = field(default_factory=dict)
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    moves: dict[str, Change] = field(default_factory=dict)  # "from 0.01 to 0.1" outside a search: set 0.1
    named: list[str] = field(default_factory=list)
    trials: int | None = None
    told: dict[str, Change] = field(default_factory=dict)  # what the student tells they did: "cambié el lr a 0.1"
    happened: bool = False  # a clause tells what happened and sets nothing: "… y divergió"


def read_slots(items: list[Item], lang: Lang, searching: bool = False) -> Slots:
    """The slots of a message, clause by clause, then the named options (tanh, adam, moons...).
    When `searching`, "momentum" alone is the field to search, and "from 1 to 10" are bounds."""
    slots = Slots()
    carried: list[Item] = []
    last = ""
    for clause in _clauses(items):
        carried, last = _read_clause(clause, slots, lang, carried, last, searching)
    _read_options(items, slots)
    if not searching:
        for name, change in slots.moves.items():  # "cambia el lr de 0,01 a 0,1": set it to 0.1
            slots.changes.setdefault(name, change)
            slots.bounds.pop(name)
        _respectively(slots)
    slots.missing = [f for f in slots.missing if f not in slots.changes and f not in slots.values]
    return slots


def _respectively(slots: Slots) -> None:
    """ "sube el lr y baja el batch: 0.05 y 16": as many values, listed for the last field named, as fields
    named without one, in order; each field takes its own."""
    if len(slots.values) != 1:
        return
    ((name, values),) = slots.values.items()
    fields = [f for f in slots.named if f in slots.missing] + [name]
    if fields != slots.named or len(fields) != len(values) or any(isinstance(v, str) for v in values):
        return
    slots.changes.update({f: Change(op="set", value=v) for f, v in zip(fields, values)})
    slots.values.clear()


def _clauses(items: list[Item]) -> list[list[Item]]:
    clauses: list[list[Item]] = [[]]
    for item in items:
        if item.has("sep"):
            clauses.append([])
        else:
            clauses[-1].append(item)
    return [c for c in clauses if c]


def _is_verb(item: Item) -> bool:
    return item.has(*CARRIED) or item.marker in VERBS


def _read_clause(clause: list[Item], slots: Slots, lang: Lang, carried: list[Item],
                 last: str, searching: bool) -> tuple[list[Item], str]:
    """Fill `slots` from one clause; return the operators the next clause may inherit and the last
    field named. A clause with a value but no field speaks of that field: "lr 0.01, try 0.1"."""
    clause = _networks(clause)
    if _narrated(clause):  # "el modelo tiene 2 capas": no value, none asked for; a correction may follow
        _read_told(clause, slots, lang, last)
        named = [it.field for it in clause if it.field]
        return [], named[-1] if named else last
    kept = any(it.has("keep") for it in clause)  # "… but keep the lr": nothing carried, no value asked for
    if carried and not kept and any(it.field for it in clause) and not any(_is_verb(it) for it in clause):
        clause = carried + clause
    targets = _targets(clause)
    correction = not targets and bool(last) and any(strong_value(it) for it in clause)
    if correction:
        clause, targets = [Item(last, (Tag("field", last),)), *clause], {0: last}
    bags = _attach(clause, targets)
    per_field: dict[str, list[int]] = {}
    for t, name in targets.items():
        per_field.setdefault(name, []).extend(bags[t])
    _split_layer_widths(clause, targets, per_field)
    mentions = {name: min((t for t in targets if targets[t] == name), default=0) for name in per_field}
    choosing = searching or any(it.marker == "compare" for it in clause)  # "compare 16, 32 and 64 neurons"
    results = {name: _build(name, sorted(ks), clause, lang, mentions[name], choosing)
               for name, ks in per_field.items()}
    _compose_hidden(results)
    for t, name in targets.items():
        if name != "trials" and name not in slots.named:
            slots.named.append(name)
        if results.get(name) is None and name != "trials" and not kept and not _satisfied(clause, t, bags, results):
            _unvalued(clause, t, slots, searching)
    for name, result in results.items():
        _record(slots, name, result, correction, _spans(clause, per_field.get(name, [])))
        if isinstance(result, list) and name not in slots.named:  # the widths of "compara capas de 64 y 32"
            slots.named.append(name)
    named = [name for name in targets.values() if name != "trials"]
    if not targets and all(it.has("neg", "yesno", "filler", "word") or not it.tags for it in clause):
        return carried, last  # "double everything? no, just the lr": the "no" passes the operator on
    return [it for it in clause if it.has(*CARRIED) and not it.has(*VALUES)], named[-1] if named else last


def _attach(clause: list[Item], targets: dict[int, str]) -> dict[int, list[int]]:
    """For each target, the positions of the values and operators that belong to it."""
    bags: dict[int, list[int]] = {t: [] for t in targets}
    for k, item in enumerate(clause):
        if item.has(*VALUES) and _follows(clause, k, "neg"):  # "0.1 instead of 0.01": 0.01 is left behind
            continue
        if item.has(*VALUES):
            owner = _value_owner(clause, k, targets, bags)
        elif item.has(*OPERATORS) and not _negates_option(clause, k):
            owner = min(targets, key=lambda t: (abs(t - k), t < k), default=None)
        else:
            continue
        if owner is not None:
            bags[owner].append(k)
    return bags


def _follows(clause: list[Item], k: int, *types: str) -> Item | None:
    """The item right before item k, fillers skipped, when it is of one of these types."""
    before = next((it for it in reversed(clause[:k]) if not it.has("filler")), None)
    return before if before is not None and before.has(*types) else None


def _negates_option(clause: list[Item], k: int) -> bool:
    """ "instead of adam use momentum": a negation right before an option is that option's, no field's."""
    after = next((it for it in clause[k + 1:] if not it.has("filler")), None)
    return clause[k].has("neg") and after is not None and after.has("option") and not after.field


def _unvalued(clause: list[Item], t: int, slots: Slots, searching: bool) -> None:
    """A field named without a value: missing, unless it is also an option ("usa momentum",
    "switch the optimizer to momentum"; but "increase the momentum" asks for a value)."""
    weak = clause[t].get("weak_option")
    others = clause[:t] + clause[t + 1:]
    as_option = any(it.field == weak.value[0] for it in others) if weak else False  # "optimizer ... momentum"
    if weak and not searching and (as_option or not any(it.has("dir", "add") or it.marker == "change"
                                                        for it in others)):
        slots.changes.setdefault(weak.value[0], Change(op="set", value=weak.value[1]))
    elif clause[t].field not in slots.missing:
        slots.missing.append(clause[t].field)


def _record(slots: Slots, name: str, result: Result, correction: bool, move: bool) -> None:
    """Keep one field's result; a correction ("…, no, 0.2") replaces what an earlier clause set."""
    if name == "trials":
        slots.trials = _count(result)
    elif isinstance(result, Change) and correction:
        slots.changes[name] = result
        slots.values.pop(name, None)
    elif isinstance(result, Change):
        _add_change(slots, name, result)
    elif isinstance(result, list):
        slots.values[name] = result
    elif isinstance(result, tuple):
        slots.bounds[name] = result
        if move:
            slots.moves[name] = Change(op="set", value=result[1])


def _spans(clause: list[Item], ks: list[int]) -> bool:
    """True when the field's range is a move ("from 10 to 50"), not bounds ("between 10 and 50")."""
    return any(clause[k].get("range").extra == "from" for k in ks if clause[k].has("range"))


def _add_change(slots: Slots, name: str, change: Change) -> None:
    """Record a change; a second, different value set for the same field makes alternatives."""
    before = slots.changes.get(name)
    if name in slots.values and change.op == "set" and not isinstance(change.value, list):
        slots.values[name].append(change.value)
    elif before and before != change and before.op == change.op == "set" and not isinstance(change.value, list):
        del slots.changes[name]
        slots.values[name] = [before.value, change.value]
    else:
        slots.changes[name] = change


def _targets(clause: list[Item]) -> dict[int, str]:
    """Positions of field mentions (and of "trials" nouns); "per layer" is no mention of layers; in
    "make the layers 4 times wider" the comparative is the target, "the layers" only what it describes."""
    targets = {}
    for k, item in enumerate(clause):
        if item.field == "layers" and k and clause[k - 1].has("each"):
            continue
        if item.field or item.has("trials"):
            targets[k] = item.field or "trials"
    if any(clause[k].has("dir") for k, name in targets.items() if name in SHAPE_FIELDS):
        targets = {k: name for k, name in targets.items() if name not in SHAPE_FIELDS or clause[k].has("dir")}
    return targets


def _networks(clause: list[Item]) -> list[Item]:
    """The clause with a network named by its widths made a mention of `hidden`: "red de 128 y 64",
    "a network of 64, 32", or widths alone written as dimensions, "128x64"."""
    hidden = Tag("field", "hidden")
    named = [Item(it.text, (hidden, *it.tags), it.lang) if it.has("net") and not it.field and _widths_follow(clause, k)
             else it for k, it in enumerate(clause)]
    if any(it.field for it in named):
        return named
    dims = next((k for k, it in enumerate(named) if it.has("list") and set(it.text.split()) & {"x", "-"}), None)
    return named if dims is None else [*named[:dims], Item("hidden", (hidden,)), *named[dims:]]


def _widths_follow(clause: list[Item], k: int) -> bool:
    """Whether layer widths follow item k, past "of", "with" and the like: "a network of 64, 32"."""
    for j in range(k + 1, len(clause)):
        item = clause[j]
        if item.has("list") or (item.num is not None and not item.num.weak):
            return j + 1 == len(clause) or not clause[j + 1].field  # "two layers of 64" is no width
        if not item.has("prep", "with", "filler"):
            return False
    return False


def _gap(clause: list[Item], a: int, b: int, allowed: tuple[str, ...]) -> bool:
    """True when every item strictly between a and b is one of the `allowed` kinds of glue."""
    return all(it.has(*allowed) and not strong_value(it) for it in clause[a + 1:b])


def strong_value(item: Item) -> bool:
    return item.has("list", "range") or (item.num is not None and not item.num.weak)


def _value_owner(clause: list[Item], k: int, targets: dict[int, str], bags: dict[int, list[int]]) -> int | None:
    """The target a number (list, range) belongs to, or None."""
    prev = max((t for t in targets if t < k), default=None)
    nxt = min((t for t in targets if t > k), default=None)
    heads = nxt is not None and targets[nxt] in COUNTABLE | {"trials"} and _gap(clause, k, nxt, BEFORE)
    if k and clause[k - 1].has("when"):  # "after 5 epochs" tells a time, asks no change
        return None
    if clause[k].num is not None and clause[k].num.weak:  # "a layer", "una época más"; not "what is a layer?"
        return nxt if heads and targets[nxt] != "trials" and not _asks_what(clause, k) else None
    follows = prev is not None and _gap(clause, prev, k, AFTER) and (
        targets[prev] != "trials" or _prep(clause, k) == "set")
    if follows and prev is not None:
        taken = any(strong_value(clause[j]) for j in bags[prev])
        if not (heads and (taken or (targets[prev], targets.get(nxt)) == ("layers", "width"))):
            return prev
    if heads:
        return nxt
    if prev is not None and targets[prev] != "trials":
        return prev
    counts_other = k + 1 < len(clause) and not clause[k + 1].tags  # "tengo 2 preguntas sobre el lr"
    return nxt if nxt is not None and targets[nxt] != "trials" and not counts_other else None


def _asks_what(clause: list[Item], k: int) -> bool:
    """ "what is an epoch?", "¿qué es una capa?": an article in a question about a thing, not a count."""
    return any(it.marker == "whatis" for it in clause[:k]) and not any(
        _is_verb(it) or it.has("add", "dir") for it in clause)


def _read_told(clause: list[Item], slots: Slots, lang: Lang, last: str) -> None:
    """What a clause that tells what happened set, when the student tells what they did ("cambié el lr a 0.1",
    "I used lr 0.1", "antes tenía batch 64"; not "la anterior tenía lr 0.01", a run's); a clause that tells
    and sets nothing ("… y divergió") is what happened."""
    mine = any(t.type == "narrate" and t.value in ("me", "unsure") for it in clause for t in it.tags)
    about_runs = any(it.has("run", "trials", "choice") or it.marker in ("back", "compare") for it in clause)
    told = Slots()
    if mine and not about_runs:
        plain = [Item(it.text, tuple(t for t in it.tags if t.type != "narrate"), it.lang) for it in clause]
        _read_clause(plain, told, lang, [], last, False)
        _read_options(plain, told)
    slots.told.update(told.changes)
    slots.happened |= not told.changes


def _narrated(clause: list[Item]) -> bool:
    """A clause that tells what happened ("the run with 100 epochs was slow") and asks no change; beside a time
    gone by, a verb that may be a past tense tells it too ("ayer use tanh": usé)."""
    tells = [t for it in clause for t in it.tags if t.type == "narrate" and t.value not in ("maybe", "unsure")]
    verbs = [it for it in clause if _is_verb(it) or it.has("add", "dir")]
    gone = any(t.value == "past" for t in tells)
    return bool(tells) and (not verbs or gone and all(it.has("narrate") for it in verbs))


def _prep(clause: list[Item], k: int) -> str | None:
    """The preposition right before item k, fillers skipped: "set", "of", "by" or "with"."""
    for item in reversed(clause[:k]):
        prep = item.get("prep")
        if prep:
            return prep.value
        if item.has("with"):
            return "with"
        if not item.has("filler"):
            return None
    return None


def _split_layer_widths(clause: list[Item], targets: dict[int, str], per_field: dict[str, list[int]]) -> None:
    """In "two layers of 64" and "capas de 64, 32", the numbers after "layers of" are widths: they move to `width`."""
    mention = next((t for t, name in targets.items() if name == "layers"), None)
    if mention is None:
        return
    widths = [k for k in per_field["layers"] if k > mention and (clause[k].num is not None or clause[k].has("list"))
              and _prep(clause, k) == "of"]
    if widths and "width" not in per_field:
        per_field["layers"] = [k for k in per_field["layers"] if k not in widths]
        per_field["width"] = widths


def _compose_hidden(results: dict[str, Result]) -> None:
    """A count of layers and a width in one clause make `hidden`: "two layers of 64" -> [64, 64];
    a list of widths for `layers` or `width` is `hidden` too ("capas de 64, 32"), and a count of as many
    layers beside it says nothing more ("tres capas de 32, 16 y 8")."""
    for name in ("layers", "width"):
        result = results.get(name)
        if isinstance(result, Change) and isinstance(result.value, list):
            results["hidden"], results[name] = result, None
    layers, width, hidden = results.get("layers"), results.get("width"), results.get("hidden")
    if isinstance(hidden, Change) and isinstance(hidden.value, list) and layers == Change(
            op="set", value=len(hidden.value)):
        results["layers"] = None
        return
    if not (isinstance(layers, Change) and isinstance(width, Change) and width.op == "set"):
        return
    count, w = layers.value, width.value
    if layers.op in ("set", "add") and isinstance(count, int) and 1 <= count <= MAX_REPEAT and isinstance(w, int):
        results["hidden"] = Change(op=layers.op, value=[w] * count)
        del results["layers"], results["width"]


def _satisfied(clause: list[Item], t: int, bags: dict[int, list[int]], results: dict[str, Result]) -> bool:
    """A mention that needs no value of its own: "sgd with momentum", the "layers" of "capas de 64",
    the unit of "batch of 64 examples"."""
    name = clause[t].field
    if clause[t].has("option"):
        return True
    if name in ("layers", "width") and any(results.get(n) is not None for n in SHAPE_FIELDS if n != name):
        return True
    return not bags[t] and t > 0 and strong_value(clause[t - 1])


def _count(result: Result) -> int | None:
    if isinstance(result, Change) and result.op == "set" and isinstance(result.value, int) and result.value > 0:
        return result.value
    return None


def _build(name: str, ks: list[int], clause: list[Item], lang: Lang, mention: int, choosing: bool = False) -> Result:
    """One field's change from the items attached to it (`mention`: where the field is named; `choosing`: in
    a search or a comparison, where several widths or depths are alternatives)."""
    items = [clause[k] for k in ks]
    integer = name in INTEGER
    ranges = [it.get("range").value for it in items if it.has("range")]
    if ranges:
        lo, hi = (n.scalar(integer, lang) for n in ranges[0])
        return (lo, hi) if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) else None
    lists = [(k, clause[k].get("list").value) for k in ks if clause[k].has("list")]
    if lists:  # "1, 2 y 4 capas" are depths to choose from; "capas 64, 32" are widths
        first, listed = lists[0]
        while first - 1 in ks and strong_value(clause[first - 1]) and clause[first - 1].num is not None:
            first -= 1  # "lr 0.1 0.01 y 0.001": the numbers just before the list, without a comma, belong to it
            listed = [clause[first].num, *listed]
        counts = name == "layers" and first < mention
        return _alternatives(name, listed, integer, lang, choosing or counts)
    nums = [(k, clause[k].num) for k in ks if clause[k].num is not None]
    nums = [(k, n) for k, n in nums if not n.weak] or nums
    ops = {kind: next((it.get(kind) for it in items if it.has(kind)), None) for kind in OPERATORS}
    if not nums:
        return _without_number(name, ops)
    scaled = any(ops[kind] for kind in ("mul", "order", "times", "div", "mult"))
    if name == "hidden" and not scaled and not _by_word(clause, nums[0][0], mention):
        # "hidden 32,32", "ocultas 32 32" (but "hidden x2", "ocultas entre dos" scale each width)
        widths = [n.widths() for _, n in nums]
        return Change(op="set", value=[w for ws in widths for w in ws]) if None not in widths else None
    readable = [(k, n, v) for k, n in nums if (v := n.scalar(integer, lang)) is not None]  # not "1e999"
    if not readable:
        return _alternatives(name, [n for _, n in nums], integer, lang, choosing)
    k, num, value = readable[0]
    if any(v != value for _, _, v in readable) and not scaled:
        return [v for _, _, v in readable]
    if num.fraction and k + 1 < len(clause) and clause[k + 1].get("prep") == Tag("prep", "of"):
        return Change(op="mul", value=value)  # "a tenth of what it is", "un tercio de las épocas"
    more = next((clause[j].get("dir") for j in ks if j < mention and clause[j].has("dir")), None)
    if more and more.extra == "qty" and k > mention and _prep(clause, k) is None and not ops["add"]:
        return Change(op="set", value=value)  # "more epochs (100)": the new count, not 100 more
    by = _by_word(clause, k, mention)
    if by and not any(ops.values()) and value:  # "el lr por diez", "el learning rate entre diez"
        return Change(op="mul", value=value if by == "por" else 1 / value)
    return _with_number(name, value, num, _prep(clause, k), ops, after_field=k > mention)


def _by_word(clause: list[Item], k: int, mention: int) -> str | None:
    """ "por" or "entre" when it stands between the field named at `mention` and the number at k."""
    between = [it for it in clause[mention + 1:k] if not it.has("filler")]
    return between[0].text if len(between) == 1 and between[0].text in ("por", "entre") else None


def _without_number(name: str, ops: dict[str, Tag | None]) -> Result:
    """ "double", "in half", "an order of magnitude smaller", "sin ruido", "remove a layer"."""
    mul, order, direction = ops["mul"], ops["order"], ops["dir"]
    if order and order.value is not None:
        return _mul(10 ** order.value, direction.value if direction else 1)
    if mul:  # "cut in half"; "increase by half" is a rise by half
        up = direction is not None and direction.value > 0 and direction.extra == "verb" and mul.value < 1
        return Change(op="mul", value=1 + mul.value if up else mul.value)
    if ops["neg"] and name in ZEROABLE:
        return Change(op="set", value=0)
    if ops["neg"] and name in SHAPE_FIELDS:
        return Change(op="set", value=[])
    if ops["add"] and name == "layers":
        return Change(op="add", value=ops["add"].value)
    if ops["add"] and ops["add"].value < 0 and name in ZEROABLE:  # "quita el weight decay"
        return Change(op="set", value=0)
    return None


def _with_number(name: str, value: Number, num: Num, prep: str | None, ops: dict[str, Tag | None],
                 after_field: bool) -> Result:
    """A number with what surrounds it: "10 times smaller", "by 10", "5 more", "to 50", "+5", "20%"."""
    mul, direction, add = ops["mul"], ops["dir"], ops["add"]
    sign = direction.value if direction else 1
    if ops["order"]:
        return _mul(10.0 ** max(-300, min(300, value)), sign)
    if ops["times"]:
        return _mul(value, sign)
    if ops["div"]:
        return _mul(value, -1)
    if ops["mult"]:
        return Change(op="mul", value=value)
    if ops["pct"]:
        if num.signed:  # "lr -50%"
            return Change(op="mul", value=round(1 + value / 100, 12))
        if add or direction:
            return Change(op="mul", value=round(1 + (add or direction).value * value / 100, 12))
        return Change(op="set", value=value / 100)
    if mul and prep != "set":
        return Change(op="mul", value=mul.value)
    if num.fraction and not after_field and prep not in ("set", "by") and not (direction or add):  # "a third of"
        return Change(op="mul", value=value)
    if num.fraction and prep == "set" and direction and direction.value < 0:  # "bájale el lr a la décima parte"
        return Change(op="mul", value=value)
    if prep == "set":
        return Change(op="set", value=value)
    if add and name in ZEROABLE and after_field and add.value > 0 and add.extra != "sym":  # "add noise 0.3":
        return Change(op="set", value=value)  # noise is usually off; "noise += 0.1" adds
    if add:
        return Change(op="add", value=add.value * value)
    if num.signed and not (prep == "by" and direction is None):  # "lr +0.1"; "pon el lr en -3" sets it
        return Change(op="add", value=value)
    if direction and direction.extra == "qty":
        return Change(op="add", value=sign * value)
    if direction and prep == "by":  # "increase by 10"; "by a third" is a share
        return Change(op="mul", value=1 + sign * value) if num.fraction else Change(op="add", value=sign * value)
    return Change(op="set", value=value)


def _mul(factor: Number, sign: int) -> Result:
    """Multiply by `factor`, or divide by it when the direction is down ("10 times smaller")."""
    if sign < 0:
        return Change(op="mul", value=1 / factor) if factor else None
    return Change(op="mul", value=factor)


def _alternatives(name: str, nums: list[Num], integer: bool, lang: Lang, choosing: bool = False) -> Result:
    """Several numbers for one field: widths of the layers, or values to try."""
    if name in SHAPE_FIELDS and not (choosing and name != "hidden"):
        widths = [w for n in nums for w in (n.widths() or [])]
        return Change(op="set", value=widths) if widths else None
    values = [n.scalar(integer, lang) for n in nums]
    if all(v is not None for v in values):
        return values
    widths = [w for n in nums for w in (n.widths() or [])]  # "batch 32,64": a literal list
    return widths if len(widths) > 1 else None


def _read_options(items: list[Item], slots: Slots) -> None:
    """Named options set their field ("switch to tanh"); two for one field are alternatives, unless one
    is swapped for the other ("cambia adam por sgd", "replace relu with tanh": the one after "por"/"with")."""
    chosen: dict[str, list[str]] = {}
    swapped: dict[str, str] = {}
    swapping = any(it.has("swap") for it in items) and not any(it.marker == "compare" for it in items)
    told = _told(items)
    for k, item in enumerate(items):
        option = item.get("option")
        if option and not _negated(items, k) and k not in told:
            name, value = option.value
            if value not in chosen.setdefault(name, []):
                chosen[name].append(value)
            if name not in slots.named:
                slots.named.append(name)
            if swapping and _prep(items, k) in ("set", "by", "with"):
                swapped[name] = value
    for name, values in chosen.items():
        if len(values) == 2 and name in swapped:
            slots.changes[name] = Change(op="set", value=swapped[name])
        elif len(values) == 1:
            slots.changes[name] = Change(op="set", value=values[0])
        else:
            slots.values[name] = list(values)


def _told(items: list[Item]) -> set[int]:
    """Positions in the clauses that tell what happened: "con tanh me fue peor" sets no activation."""
    told: set[int] = set()
    start = 0
    for end in [k for k, it in enumerate(items) if it.has("sep")] + [len(items)]:
        if _narrated(items[start:end]):
            told.update(range(start, end))
        start = end + 1
    return told


def _negated(items: list[Item], k: int) -> bool:
    """ "no uses adam", "sin adam", "quita adam": a negation or a removal shortly before, in the same
    clause, with no other option between ("en vez de relu usa tanh" negates relu only)."""
    for item in reversed(items[max(0, k - 3):k]):
        if item.has("sep", "option"):
            return False
        if item.has("neg") or (item.has("add") and item.get("add").value < 0):
            return True
    return False
