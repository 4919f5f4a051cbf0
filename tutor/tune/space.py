"""Search specs, parsed and validated: `--grid lr=0.001,0.01` and `--space lr=log:1e-4:1 width=int:4:256`.

Every value a search may try is checked against ExperimentConfig before anything trains: each field's
values (or range ends) alone, then in pairs. ExperimentConfig's limits are intervals, so a range's
ends bound every point inside it, and its rules tie at most two fields.
"""

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution

from tutor.config import INTEGERS, SEARCHABLE, SHAPES, ExperimentConfig, accepted, make_config, parse_widths, shaped
from tutor.errors import ConfigError
from tutor.fmt import exact
from tutor.i18n import Lang, t

MAX_POINTS = 10_000  # the most trials one search may plan
FLOATS = ("noise", "lr", "momentum", "weight_decay", "val_fraction")
KINDS = {"float": ("log", "float", "choice"), "int": ("int", "log", "choice"), "text": ("choice",),
         "hidden": ("choice",)}
EXAMPLE = {"log": "1e-4:1", "int": "4:256", "float": "0.8:0.99", "text": "relu,tanh", "hidden": "16-16,32"}


class SpecError(ConfigError):
    """A search spec that is malformed or would try an invalid config; `key` names the problem (tune.spec.*)."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class Param:
    """One searched field: what it spans (an Optuna distribution) and, in a grid, its points."""

    field: str
    distribution: BaseDistribution
    grid: tuple[Any, ...] = ()

    @property
    def numeric(self) -> bool:
        return isinstance(self.distribution, (FloatDistribution, IntDistribution))

    @property
    def log(self) -> bool:
        return bool(getattr(self.distribution, "log", False))


@dataclass(frozen=True)
class Space:
    """What a search varies around a base config; `config()` turns sampled values into a config."""

    base: ExperimentConfig
    params: tuple[Param, ...]
    lang: Lang = "en"

    def distributions(self) -> dict[str, BaseDistribution]:
        return {p.field: p.distribution for p in self.params}

    def points(self) -> list[dict[str, Any]]:
        """Every point of a grid, the last field varying fastest."""
        fields = [p.field for p in self.params]
        return [dict(zip(fields, values)) for values in itertools.product(*(p.grid for p in self.params))]

    def config(self, values: dict[str, Any]) -> ExperimentConfig:
        """The base with `values` applied; `width` sets every hidden layer, `layers` the depth."""
        return make_config(_merged(self.base, values), self.lang)


def _merged(base: ExperimentConfig, values: dict[str, Any]) -> dict[str, Any]:
    changes = {k: v for k, v in values.items() if k not in SHAPES}
    hidden = parse_widths(changes["hidden"].replace("-", ",")) if "hidden" in changes else base.hidden
    hidden = shaped(hidden, values.get("layers"), values.get("width"))
    return {**base.model_dump(), **changes, "hidden": hidden}


def kind_of(field: str) -> str:
    """'float', 'int', 'text' (a choice among words) or 'hidden' (layer widths like 32-32)."""
    if field in FLOATS:
        return "float"
    if field in INTEGERS:
        return "int"
    return "hidden" if field == "hidden" else "text"


def searchable() -> list[str]:
    """Fields a search may vary (`config.SEARCHABLE`), in alphabetical order."""
    return sorted(SEARCHABLE)


def parse_grid(items: Sequence[str], base: ExperimentConfig, lang: Lang = "en") -> Space:
    """`F=v1,v2 ...` for each field: every combination is a trial (at most MAX_POINTS)."""
    params = []
    for item in _unique(items, "--grid", lang):
        field, text = _split(item, "--grid", lang)
        values = tuple(dict.fromkeys(_value(field, v, item, "--grid", lang) for v in text.split(",")))
        params.append(Param(field, _span(field, values), values))
    size = math.prod(len(p.grid) for p in params)
    if size > MAX_POINTS:
        raise _error("too_many", lang, points=size, max=MAX_POINTS)
    space = Space(base, tuple(params), lang)
    _check(space, [p.grid for p in params], "--grid", lang)
    return space


def parse_space(items: Sequence[str], base: ExperimentConfig, lang: Lang = "en") -> Space:
    """`F=log:lo:hi`, `F=int:lo:hi`, `F=float:lo:hi` or `F=choice:a,b` for each field, to sample from."""
    params = [_range(item, lang) for item in _unique(items, "--space", lang)]
    space = Space(base, tuple(params), lang)
    _check(space, [_ends(p.distribution) for p in params], "--space", lang)
    return space


def _unique(items: Sequence[str], option: str, lang: Lang) -> Sequence[str]:
    seen = set()
    for item in items:
        field = item.partition("=")[0].strip()
        if field in seen:
            raise _error("duplicate", lang, option=option, spec=item, field=field)
        seen.add(field)
    return items


def _split(item: str, option: str, lang: Lang) -> tuple[str, str]:
    field, eq, text = item.partition("=")
    field = field.strip()
    if not eq or not field:
        raise _error("syntax", lang, option=option, spec=item, example=_example(option))
    if field not in searchable():
        raise _error("unknown_field", lang, option=option, spec=item, field=field, fields=", ".join(searchable()))
    if not text.replace(",", "").strip():
        raise _error("empty", lang, option=option, spec=item)
    return field, text.strip()


def _example(option: str) -> str:
    return "lr=0.001,0.01,0.1" if option == "--grid" else "lr=log:" + EXAMPLE["log"]


def _kind_example(field: str) -> str:
    kind = "log" if field == "lr" else kind_of(field)
    return f"{field}=choice:{EXAMPLE[kind]}" if kind in ("text", "hidden") else f"{field}={kind}:{EXAMPLE[kind]}"


def _value(field: str, text: str, spec: str, option: str, lang: Lang) -> Any:
    """One value as its field's type: a float, an int, a word, or layer widths written 32-32."""
    text = text.strip()
    if not text:
        raise _error("empty", lang, option=option, spec=spec)
    kind = kind_of(field)
    if kind == "text":
        return text
    if kind == "hidden":
        try:
            return "-".join(map(str, parse_widths(text.replace("-", ",")))) or "none"
        except ValueError:
            raise _error("bad_value", lang, option=option, spec=spec,
                         reason=f"hidden {text}: {accepted('hidden', lang)}") from None
    try:
        number = float(text)
    except ValueError:
        raise _error("not_number", lang, option=option, spec=spec, value=text) from None
    if not math.isfinite(number):
        raise _error("not_number", lang, option=option, spec=spec, value=text)
    if kind == "float":
        return number
    if not number.is_integer():
        raise _error("not_integer", lang, option=option, spec=spec, value=text)
    return int(number)


def _span(field: str, values: tuple[Any, ...]) -> BaseDistribution:
    """The distribution a grid spans: numeric fields as a range (log when it covers 2+ decades)."""
    if kind_of(field) not in ("float", "int"):
        return CategoricalDistribution(values)
    low, high = min(values), max(values)
    log = low > 0 and (field == "lr" or high / low >= 100)
    return (FloatDistribution if kind_of(field) == "float" else IntDistribution)(low, high, log=log)


def _range(item: str, lang: Lang) -> Param:
    field, text = _split(item, "--space", lang)
    kind, _, rest = text.partition(":")
    kind = kind.strip().lower()
    if kind not in KINDS[kind_of(field)]:
        raise _error("kind", lang, spec=item, field=field, kinds=", ".join(KINDS[kind_of(field)]),
                     example=_kind_example(field))
    if kind == "choice":
        values = tuple(dict.fromkeys(_value(field, v, item, "--space", lang) for v in rest.split(",")))
        return Param(field, CategoricalDistribution(values))
    ends = rest.split(":")
    if len(ends) != 2:
        raise _error("range_args", lang, spec=item, example=f"{field}={kind}:{EXAMPLE[kind]}")
    low, high = (_value(field, e, item, "--space", lang) for e in ends)
    if not low < high:
        raise _error("inverted", lang, spec=item, low=ends[0].strip(), high=ends[1].strip())
    if kind == "log" and low <= 0:
        raise _error("log_positive", lang, spec=item)
    if kind_of(field) == "int":
        return Param(field, IntDistribution(low, high, log=kind == "log"))
    return Param(field, FloatDistribution(float(low), float(high), log=kind == "log"))


def _ends(d: BaseDistribution) -> tuple[Any, ...]:
    return d.choices if isinstance(d, CategoricalDistribution) else (d.low, d.high)


def _check(space: Space, values: list[Sequence[Any]], option: str, lang: Lang) -> None:
    """Each value alone (the message names its spec), then every pair of values of two fields (it names
    the pair): ExperimentConfig's rules bound one field, or tie two (digits has at most 1797 samples)."""
    named = [[(p.field, v) for v in vals] for p, vals in zip(space.params, values)]
    for field_values in named:
        for point in field_values:
            _valid(space, dict([point]), f"{option} {point[0]}={_typed(point[1])}", lang)
    for a, b in itertools.combinations(named, 2):
        for pair in itertools.product(a, b):
            _valid(space, dict(pair), option + " " + " ".join(f"{k}={_typed(v)}" for k, v in pair), lang)
    fields = [p.field for p in space.params]
    if "width" in fields and "layers" not in fields and not space.base.hidden:
        raise _error("no_depth", lang, option=option)


def _valid(space: Space, point: dict[str, Any], where: str, lang: Lang) -> None:
    for field, (low, high) in SHAPES.items():
        if field in point and not low <= point[field] <= high:
            reason = f"{field} {point[field]}: {accepted(field, lang)}"
            raise _error("point", lang, where=where, reason=reason)
    try:
        space.config(point)
    except ConfigError as err:
        raise _error("point", lang, where=where, reason=err.message) from None


def _error(key: str, lang: Lang, **values: object) -> SpecError:
    """A one-line error: characters that cannot print (a newline in a spec) are shown escaped."""
    clean = {k: "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in v)
             if isinstance(v, str) else v for k, v in values.items()}
    return SpecError(t(f"tune.spec.{key}", lang, **clean), key)


# What a search over a field tries when the student names the field but no values.
DEFAULT_GRID = {"lr": "0.0001,0.001,0.01,0.1,1", "batch_size": "8,32,128", "epochs": "10,20,40",
                "width": "8,32,128", "layers": "1,2,3", "momentum": "0,0.5,0.9", "weight_decay": "0,0.0001,0.01",
                "activation": "relu,tanh,sigmoid,leaky_relu", "optimizer": "sgd,momentum,adam", "noise": "0,0.2,0.4"}
DEFAULT_SPACE = {"lr": "log:1e-4:1", "batch_size": "int:4:256", "epochs": "int:5:60", "width": "int:4:256",
                 "layers": "int:1:4", "momentum": "float:0:0.99", "weight_decay": "log:1e-6:0.1",
                 "activation": "choice:relu,tanh,sigmoid,leaky_relu", "optimizer": "choice:sgd,momentum,adam",
                 "noise": "float:0:1"}


def from_request(method: str, fields: Sequence[str], values: dict[str, Sequence[Any]],
                 bounds: dict[str, tuple[float, float]], base: ExperimentConfig, lang: Lang = "en") -> Space:
    """The space of a search asked in words: listed values, bounds, or each field's usual range."""
    fields = list(dict.fromkeys([*fields, *values, *bounds])) or ["lr"]
    if method == "grid":
        items = [f"{f}={','.join(map(str, values[f]))}" if f in values else f"{f}={DEFAULT_GRID.get(f, '')}"
                 for f in fields]
        return parse_grid(items, base, lang)
    items = []
    for f in fields:
        if f in bounds:
            lo, hi = sorted(bounds[f])  # "between 1 and 0.1" is the same range
            kind = DEFAULT_SPACE.get(f, "float:").split(":")[0]
            kind = "float" if kind == "log" and lo <= 0 else kind  # "weight decay between 0 and 0.1": linear
            items.append(f"{f}={kind}:{lo}:{hi}")
        elif f in values:
            items.append(f"{f}=choice:{','.join(map(str, values[f]))}")
        else:
            items.append(f"{f}={DEFAULT_SPACE.get(f, '')}")
    return parse_space(items, base, lang)


def _typed(v: Any) -> str:
    return exact(v) if isinstance(v, float) else str(v)
