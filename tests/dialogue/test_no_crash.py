"""No sentence crashes the conversation: generated utterances (both languages, numbers in every
notation, every field and operation) go through `Tutor.handle(..., run=False)` from any starting
config, and each gets a reply in words."""

import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.config import ExperimentConfig
from tutor.dialogue.lexicon import FIELDS, GRAMMAR, KINDS, OPTIONS
from tutor.dialogue.tutor import Tutor, apply
from tutor.errors import ConfigError
from tutor.settings import Settings
from tutor.store import Store


def phrases(*columns: str) -> list[str]:
    return [p.strip() for column in columns for p in column.split("|") if p.strip()]


FIELD_NAMES = [p for names in FIELDS.values() for p in phrases(*names)]
OPTION_NAMES = [p for names in OPTIONS.values() for p in phrases(*names)]
OPERATORS = [p for tag, *names in GRAMMAR if tag.type in ("mul", "times", "order", "div", "mult", "dir", "add",
                                                           "pct", "neg", "prep", "sep") for p in phrases(*names)]
OPENERS = [p for kind in ("whatif", "change", "why", "compare", "next", "back", "reset", "answer", "hint")
           for p in phrases(*KINDS[kind])]
ONLY = ["nada más", "y nada más", "solo", "solamente", "only", "just", "nothing more"]
NUMBERS = st.one_of(
    st.integers(-5, 100_000).map(str),
    st.floats(1e-9, 1e6, allow_nan=False).map(lambda x: f"{x:g}"),  # 3e-05 too
    st.floats(0, 10, allow_nan=False).map(lambda x: f"{x:.3f}".replace(".", ",")),  # decimal comma
    st.integers(-9, 9).map(lambda e: f"10^{e}"),
    st.sampled_from(["10⁻³", ".5", "2,000", "1.000,5", "+5", "-0.5", "1e999", "9" * 30, "32,32", "64-32", "64x64",
                     "128 y 64", "three", "veinticinco", "two thousand", "cero coma cinco", "one and a half", "mil",
                     "la mitad", "un tercio", "a quarter of", "el triple", "ten times", "50%", "0",
                     "ten to the minus three", "10 a la -400", "2 thousand", "1e300 mil", "de cero coma uno",
                     "la segunda", "the first one"]),
)
WORD = st.one_of(st.sampled_from(FIELD_NAMES), st.sampled_from(OPTION_NAMES), st.sampled_from(OPERATORS),
                 st.sampled_from(OPENERS), st.sampled_from(ONLY), NUMBERS)
UTTERANCE = st.lists(WORD, min_size=1, max_size=10).map(" ".join)

CONFIG = st.builds(
    ExperimentConfig,
    dataset=st.sampled_from(["moons", "circles", "spiral", "xor", "blobs", "digits"]),
    samples=st.one_of(st.none(), st.integers(40, 1797)),
    noise=st.floats(0, 2), hidden=st.lists(st.integers(1, 1024), max_size=16).map(tuple),
    activation=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu"]),
    optimizer=st.sampled_from(["sgd", "momentum", "adam"]), lr=st.floats(1e-6, 1000),
    momentum=st.floats(0, 0.99), weight_decay=st.floats(0, 1), batch_size=st.integers(1, 100_000),
    epochs=st.integers(1, 10_000))


STUDENTS = itertools.count()


def check_turns(store: Store, course, cfg: ExperimentConfig, texts: list[str]) -> None:
    tutor = Tutor(store, f"fuzz{next(STUDENTS)}", course=course)  # a new student: nothing left by other examples
    tutor.config = cfg
    for text in texts:
        reply = tutor.handle(text, run=False)
        assert reply.text.strip() and reply.run is None, (text, reply)


FUZZ = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
SENTENCES = 10_000 if os.environ.get("FUZZ") == "full" else 2_000  # FUZZ=full: the nightly count (README)


@settings(max_examples=400, **FUZZ)
@given(cfg=CONFIG, texts=st.lists(UTTERANCE, min_size=1, max_size=3))
def test_no_sentence_crashes_the_tutor(store, course, cfg, texts) -> None:
    check_turns(store, course, cfg, texts)


@pytest.mark.slow
@settings(max_examples=SENTENCES, **FUZZ)
@given(cfg=CONFIG, text=UTTERANCE)
def test_thousands_of_sentences_crash_nothing(store, course, cfg, text) -> None:
    check_turns(store, course, cfg, [text])


@pytest.mark.parametrize("field", ["lr", "batch_size", "epochs", "hidden", "layers", "width", "activation",
                                   "optimizer", "momentum", "weight_decay", "dataset", "samples", "noise"])
@pytest.mark.parametrize("op", ["set", "mul", "add"])
@pytest.mark.parametrize("value", [0, 2, 0.5, -3, 1e308, "tanh", [64, 32]])
def test_every_op_on_every_field_applies_or_is_refused_in_words(field, op, value) -> None:
    from tutor.dialogue.intent import Change

    for lang in ("es", "en"):
        try:
            cfg = apply(ExperimentConfig(), {field: Change(op=op, value=value)}, lang)
        except ConfigError as err:
            assert "--" not in str(err) and "Error" not in str(err)
        else:
            assert isinstance(cfg, ExperimentConfig)


@pytest.mark.parametrize("text,lang", [("con 300 ejemplos nada más", "es"), ("300 ejemplos, solo eso", "es"),
                                       ("only 300 samples", "en"), ("just 300 examples and nothing more", "en")])
def test_only_means_only(isolated_home, text, lang) -> None:
    reply = Tutor(Store(Settings.from_env().store), "ana", lang).handle(text, run=False)
    assert reply.intent.changes["samples"].model_dump() == {"op": "set", "value": 300}
