"""Search specs: what they parse to, and a one-line ConfigError (es and en) for anything malformed."""

import optuna
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from optuna.distributions import CategoricalDistribution, FloatDistribution, IntDistribution

from tutor.config import ExperimentConfig
from tutor.errors import ConfigError
from tutor.tune.space import MAX_POINTS, SpecError, from_request, parse_grid, parse_space, searchable


def test_a_grid_is_every_combination(base):
    space = parse_grid(["lr=0.001,0.01,0.1", "batch_size=16,64"], base)
    points = space.points()
    assert len(points) == 6 and points[1] == {"lr": 0.001, "batch_size": 64}
    assert space.config(points[1]).batch_size == 64 and space.config(points[1]).lr == 0.001
    lr, batch = space.params
    assert lr.distribution == FloatDistribution(0.001, 0.1, log=True) and lr.grid == (0.001, 0.01, 0.1)
    assert batch.distribution == IntDistribution(16, 64)


def test_bounds_asked_in_words_are_a_range_in_either_order_linear_from_zero(base):
    """"lr between 1 and 0.1" is the range 0.1 to 1; "weight decay between 0 and 0.1" cannot be a log range."""
    d = from_request("random", ["lr", "weight_decay"], {}, {"lr": (1, 0.1), "weight_decay": (0, 0.1)}, base)
    assert d.distributions() == {"lr": FloatDistribution(0.1, 1, log=True),
                                 "weight_decay": FloatDistribution(0, 0.1)}


def test_ranges_become_optuna_distributions(base):
    space = parse_space(["lr=log:1e-4:1", "width=int:4:256", "batch_size=log:8:256", "momentum=float:0.8:0.99",
                         "activation=choice:relu,tanh", "hidden=choice:16-16,32"], base)
    d = space.distributions()
    assert d["lr"] == FloatDistribution(1e-4, 1, log=True) and d["width"] == IntDistribution(4, 256)
    assert d["batch_size"] == IntDistribution(8, 256, log=True) and d["momentum"] == FloatDistribution(0.8, 0.99)
    assert d["activation"] == CategoricalDistribution(("relu", "tanh"))
    assert d["hidden"] == CategoricalDistribution(("16-16", "32"))


def test_width_keeps_depth_and_layers_keep_width(base):
    two = base.changed(hidden=(32, 16))
    assert parse_grid(["width=8"], two).config({"width": 8}).hidden == (8, 8)
    layers = parse_grid(["layers=0,1,3"], two)
    assert [layers.config({"layers": n}).hidden for n in (0, 1, 3)] == [(), (32,), (32, 16, 16)]
    both = parse_grid(["width=64", "layers=3"], two)
    assert both.config({"width": 64, "layers": 3}).hidden == (64, 64, 64)
    assert parse_space(["hidden=choice:16-16,none"], base).config({"hidden": "16-16"}).hidden == (16, 16)


BAD = [
    ("grid", ["foo=1"], "foo"), ("grid", ["lr="], "lr="), ("grid", ["lr=0.1,,0.2"], "lr"),
    ("grid", ["lr=abc"], "abc"), ("grid", ["lr=nan"], "nan"), ("grid", ["lr=0.1", "lr=0.2"], "lr"),
    ("grid", ["epochs=0,3"], "--epochs 0"), ("grid", ["width=0,8"], "width 0"), ("grid", ["batch_size=1.5"], "1.5"),
    ("grid", ["lr"], "lr"), ("grid", ["=0.1"], "=0.1"), ("grid", ["activation=relu,softmax"], "softmax"),
    ("grid", ["hidden=8--8"], "hidden"), ("grid", ["device=CPU"], "device"),
    ("grid", ["lr=" + ",".join(str(i) for i in range(1, 101)), "seed=" + ",".join(map(str, range(101)))], "10100"),
    ("space", ["lr=log:1:0.1"], "1"), ("space", ["lr=log:0:1"], "lr=log:0:1"), ("space", ["lr=log:-1:1"], "-1"),
    ("space", ["lr=int:1:2"], "lr"), ("space", ["epochs=int:1.5:3"], "1.5"), ("space", ["lr=log:1e-4"], "lr"),
    ("space", ["lr=0.1,0.2"], "lr"), ("space", ["activation=choice:"], "activation"),
    ("space", ["activation=log:1:2"], "activation"), ("space", ["width=int:4:2000"], "2000"),
    ("space", ["momentum=float:0.5:1"], "--momentum 1"), ("space", ["lr=log:1e-4:inf"], "inf"),
    ("space", ["dataset=choice:moons,digits", "samples=int:100:5000"], "digits"),
]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(("kind", "items", "named"), BAD)
def test_bad_specs_raise_one_line_naming_the_problem(base, kind, items, named, lang):
    parse = parse_grid if kind == "grid" else parse_space
    with pytest.raises(SpecError) as err:
        parse(items, base, lang)
    message = str(err.value)
    assert "\n" not in message and named in message


def test_width_needs_a_hidden_layer(base):
    with pytest.raises(SpecError, match="layers"):
        parse_grid(["width=8,16"], base.changed(hidden=()))


FIELDS = st.sampled_from([*searchable(), "device", "foo", "", " lr", "LR"])
NUMBER = st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10, 10**10).map(str),
                   st.sampled_from(["", "1e-4", "0", "-1", "abc", "1_0", "٣", "1e400", "relu", "16-16", "none"]))
SPEC = st.one_of(
    st.text(max_size=30),
    st.builds(lambda f, vs: f"{f}={','.join(vs)}", FIELDS, st.lists(NUMBER, max_size=4)),
    st.builds(lambda f, k, a, b: f"{f}={k}:{a}:{b}", FIELDS, st.sampled_from(["log", "int", "float", "x", ""]), NUMBER,
              NUMBER),
    st.builds(lambda f, vs: f"{f}=choice:{','.join(vs)}", FIELDS, st.lists(NUMBER, max_size=3)),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(SPEC, min_size=1, max_size=3), grid=st.booleans(), lang=st.sampled_from(["es", "en"]))
def test_any_spec_parses_to_valid_configs_or_raises_one_config_error(base, items, grid, lang):
    try:
        space = (parse_grid if grid else parse_space)(items, base, lang)
    except ConfigError as err:
        assert str(err).strip() and "\n" not in str(err)
        return
    if grid:
        points = space.points()
        assert len(points) <= MAX_POINTS
    else:
        study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
        points = [study.ask(space.distributions()).params for _ in range(5)]
    for point in points[:50]:
        assert isinstance(space.config(point), ExperimentConfig)
