"""The settings of one experiment, validated: every knob of `tutor run`, with its accepted range."""

import math
import re
from collections.abc import Callable
from typing import Any, Literal

from annotated_types import Ge, Gt, Le, Lt
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from tutor.errors import ConfigError
from tutor.fmt import exact
from tutor.i18n import Lang, t

Dataset = Literal["moons", "circles", "spiral", "xor", "blobs", "digits"]
Activation = Literal["relu", "tanh", "sigmoid", "leaky_relu"]
Optimizer = Literal["sgd", "momentum", "adam"]

DATASETS: tuple[str, ...] = Dataset.__args__
MAX_LAYERS, MAX_WIDTH = 16, 1024
DEFAULT_WIDTH = 32  # of each hidden layer: the default network's, and that of a first layer added to none
DIGITS_IMAGES = 1797


class ExperimentConfig(BaseModel):
    """One training run: data, network, optimiser and schedule. Same config, same run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: Dataset = Field("moons", description="Which data set to learn.")
    samples: int | None = Field(None, ge=8, le=100_000,
                                description="Examples generated (None: 1000; digits: all 1797).")
    noise: float = Field(0.2, ge=0, le=2, description="Standard deviation of the noise added to generated points.")
    classes: int | None = Field(None, ge=2, le=10, description="Arms of the spiral or centres of the blobs.")
    hidden: tuple[int, ...] = Field((DEFAULT_WIDTH,) * 2, description="Width of each hidden layer, input to output.")
    activation: Activation = Field("relu", description="Non-linearity after every hidden layer.")
    optimizer: Optimizer = Field("adam", description="sgd, sgd with momentum, or adam (decoupled weight decay).")
    lr: float = Field(0.01, gt=0, le=1000, description="Learning rate: the size of each step down the gradient.")
    momentum: float = Field(0.9, ge=0, lt=1, description="Momentum coefficient of the momentum optimiser.")
    weight_decay: float = Field(0.0, ge=0, le=1, description="L2 penalty on the weights.")
    batch_size: int = Field(32, ge=1, le=100_000, description="Examples per weight update.")
    epochs: int = Field(20, ge=1, le=10_000, description="Passes over the training set.")
    val_fraction: float = Field(0.2, ge=0.05, le=0.9, description="Share of examples held out for validation.")
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed of the data, the initial weights and the shuffles.")
    device: str = Field("auto", min_length=1, max_length=32, description="tinygrad device; auto picks its default.")

    @field_validator("lr", "noise", "momentum", "weight_decay", "val_fraction")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("not a finite number")
        return v + 0.0  # -0.0 passes `ge=0` but not numpy's scale >= 0: it is 0

    @field_validator("hidden", mode="before")
    @classmethod
    def _layers(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = parse_widths(v)
        if not isinstance(v, (list, tuple)) or len(v) > MAX_LAYERS or any(
                not isinstance(w, int) or isinstance(w, bool) or not 1 <= w <= MAX_WIDTH for w in v):
            raise ValueError("bad layer widths")
        return tuple(v)

    @model_validator(mode="after")
    def _dataset_limits(self) -> "ExperimentConfig":
        if self.dataset == "digits" and self.samples is not None and self.samples > DIGITS_IMAGES:
            raise ValueError("digits_samples")
        if self.n_samples < 4 * self.n_classes:
            raise ValueError("too_few_samples")
        return self

    @property
    def n_samples(self) -> int:
        """Examples actually used: the explicit count, or the data set's default."""
        return self.samples or (DIGITS_IMAGES if self.dataset == "digits" else 1000)

    @property
    def n_classes(self) -> int:
        """Classes of the data set: 10 digits, `classes` for spiral and blobs, else 2."""
        if self.dataset == "digits":
            return 10
        if self.dataset in ("spiral", "blobs"):
            return self.classes or (2 if self.dataset == "spiral" else 3)
        return 2

    def changed(self, **changes: Any) -> "ExperimentConfig":
        """A validated copy with some fields replaced."""
        return make_config({**self.model_dump(), **changes})

    def diff(self, other: "ExperimentConfig") -> dict[str, tuple[Any, Any]]:
        """Fields whose values differ: name -> (self's, other's)."""
        a, b = self.model_dump(), other.model_dump()
        return {k: (a[k], b[k]) for k in a if a[k] != b[k]}


# The fields of an experiment that a search or a lesson may vary: the config's, but the device (it changes speed,
# not results), and two shapes of the hidden layers: width (the units of every one) and layers (how many).
CONFIG_FIELDS: tuple[str, ...] = tuple(ExperimentConfig.model_fields)
SHAPES: dict[str, tuple[int, int]] = {"width": (1, MAX_WIDTH), "layers": (0, MAX_LAYERS)}  # and their ranges
SHAPE_FIELDS = ("hidden", *SHAPES)  # the fields that set the hidden layers
SEARCHABLE: tuple[str, ...] = (*(f for f in CONFIG_FIELDS if f != "device"), *SHAPES)
INTEGERS: tuple[str, ...] = (*(f for f, info in ExperimentConfig.model_fields.items()
                               if info.annotation in (int, int | None)), *SHAPES)  # fields of whole numbers
# The fields a student changes by name, in conversation and lessons (`tutor ask`'s contract): the searchable
# ones but the data set's classes, the validation share and the seed, which the tutor leaves alone.
Setting = Literal["lr", "batch_size", "epochs", "hidden", "layers", "width", "activation", "optimizer", "momentum",
                  "weight_decay", "dataset", "samples", "noise"]
SETTINGS: tuple[str, ...] = Setting.__args__


def config_field(setting: str) -> str:
    """The config field a setting changes: `hidden` for width and layers (its shapes), else the setting itself."""
    return "hidden" if setting in SHAPE_FIELDS else setting


def shaped(hidden: tuple[int, ...], layers: int | None = None, width: int | None = None) -> tuple[int, ...]:
    """`hidden` made `layers` deep (a new layer as wide as the last, or DEFAULT_WIDTH), then each `width` wide."""
    if layers is not None:
        hidden = (hidden + (hidden[-1] if hidden else DEFAULT_WIDTH,) * layers)[:layers]
    return hidden if width is None else (width,) * len(hidden)


def parse_widths(text: str) -> tuple[int, ...]:
    """'32,32', '32 32' or '[32, 32]' -> (32, 32); '' or 'none' -> () (no hidden layer). Raises
    ValueError on anything else. Spaces separate widths: "8 8" is two layers of 8, never one of 88."""
    text = text.strip().lower()
    if text in ("", "none", "0", "[]"):
        return ()
    parts = re.split(r"\s*,\s*|\s+", text.strip("[]()").strip())
    if not all(p.isdigit() and len(p) <= 6 for p in parts):
        raise ValueError("bad layer widths")
    return tuple(int(p) for p in parts)


def accepted(field: str, lang: Lang = "en") -> str:
    """The accepted range of a field or a shape of the hidden layers, in words ("must be > 0 and ≤ 1000")."""
    if field in SHAPES:
        return t("config.range.int", lang, lo=f"≥ {SHAPES[field][0]}", hi=f"≤ {SHAPES[field][1]}")
    if field == "hidden":
        return t("config.range.hidden", lang, layers=MAX_LAYERS, width=MAX_WIDTH)
    if field == "device":
        return t("config.range.device", lang)
    info = ExperimentConfig.model_fields[field]
    choices = getattr(info.annotation, "__args__", None)
    if choices and all(isinstance(c, str) for c in choices):
        return t("config.range.choice", lang, choices=", ".join(choices))
    bound = {type(m): m for m in info.metadata}
    lo = f"> {exact(bound[Gt].gt)}" if Gt in bound else f"≥ {exact(bound[Ge].ge)}"
    hi = f"< {exact(bound[Lt].lt)}" if Lt in bound else f"≤ {exact(bound[Le].le)}"
    key = "config.range.int" if info.annotation in (int, int | None) else "config.range.number"
    return t(key, lang, lo=lo, hi=hi)


def make_config(values: dict[str, Any], lang: Lang = "en", named: Callable[[str], str] | None = None
                ) -> ExperimentConfig:
    """Validate raw values into a config; a ConfigError names the first bad field as the reader knows it
    (`named`; default: its command-line flag), its value and the accepted range."""
    named = named or flag
    try:
        return ExperimentConfig(**values)
    except ValidationError as err:
        first = err.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else ""
        if first.get("msg", "").endswith("digits_samples"):
            raise ConfigError(t("config.digits_samples", lang, field=named("samples"), value=values.get("samples"),
                                max=DIGITS_IMAGES)) from None
        if first.get("msg", "").endswith("too_few_samples"):
            classes = values.get("classes") or (10 if values.get("dataset") == "digits" else 3)
            raise ConfigError(t("config.too_few_samples", lang, field=named("samples"), value=values.get("samples"),
                                min=4 * int(classes))) from None
        if field not in ExperimentConfig.model_fields:
            raise ConfigError(t("config.unknown_field", lang, field=shown(field or "?"),
                                fields=", ".join(map(named, ExperimentConfig.model_fields)))) from None
        value = values.get(field)
        raise ConfigError(f"{named(field)} {shown(value)}: {accepted(field, lang)}") from None


def shown(value: Any, limit: int = 40) -> str:
    """A value as the user typed it, on one line of at most `limit` characters (control characters escaped)."""
    if isinstance(value, (tuple, list)):
        text = ",".join(map(str, value))
    else:  # a number the tutor computed as it is written: 5000, not 5000.0
        text = exact(value) if isinstance(value, float) and math.isfinite(value) else str(value)
    text = text if text.isprintable() else repr(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def short_name(field: str, lang: Lang) -> str:
    """A setting by its short name, as tables show it: 'batch', 'weight decay', 'validación', 'nº capas'."""
    return t(f"ui.field.{field}", lang)


def flag(field: str) -> str:
    """The command-line flag of a config field."""
    return "--" + field.replace("_", "-")


def argument(value: Any, sep: str = ",") -> str:
    """A config value as its command-line argument: layer widths joined by `sep` (none: no hidden
    layer), floats in their shortest form."""
    if isinstance(value, (tuple, list)):
        return sep.join(map(str, value)) or "none"
    return f"{value:g}" if isinstance(value, float) else str(value)
