"""Config validation: every bad value is a one-line message naming the flag, the value and the range."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.config import SETTINGS, ExperimentConfig, config_field, make_config, parse_widths
from tutor.errors import ConfigError

BAD = {
    "lr": ["-1", "0", "nan", "inf", "1001", "abc", ""],
    "batch_size": ["0", "-3", "2.5", "x", "1e9"],
    "epochs": ["0", "10001", "ten"],
    "samples": ["7", "100001"],
    "noise": ["-0.1", "2.5", "nan"],
    "val_fraction": ["0", "0.01", "0.95"],
    "momentum": ["1", "-0.5"],
    "hidden": ["8,,8", "0,4", "1025", "a,b", ",".join(["4"] * 17), "-3"],
    "dataset": ["mnist", ""],
    "activation": ["softmax"],
    "optimizer": ["rmsprop"],
}


@pytest.mark.parametrize("field,value", [(f, v) for f, vs in BAD.items() for v in vs])
def test_bad_values_name_flag_value_and_range(field, value):
    with pytest.raises(ConfigError) as err:
        make_config({field: value})
    message = str(err.value)
    assert message.startswith(f"--{field.replace('_', '-')} {value}:") and "\n" not in message
    assert "must" in message


def test_the_message_speaks_spanish_too():
    with pytest.raises(ConfigError, match=r"^--lr -1: debe ser > 0 y ≤ 1000$"):
        make_config({"lr": "-1"}, "es")


def test_each_setting_changes_one_config_field():
    """A student's width and layers are shapes of the hidden layers; every other setting is its own field."""
    assert {s: config_field(s) for s in SETTINGS if config_field(s) != s} == {"width": "hidden", "layers": "hidden"}
    assert all(config_field(s) in ExperimentConfig.model_fields for s in SETTINGS)


def test_digits_has_1797_images():
    with pytest.raises(ConfigError, match="1797"):
        make_config({"dataset": "digits", "samples": "2000"})
    assert make_config({"dataset": "digits"}).n_samples == 1797


@given(st.lists(st.integers(1, 1024), max_size=16))
def test_widths_round_trip(widths):
    assert parse_widths(",".join(map(str, widths))) == tuple(widths)
    assert make_config({"hidden": ",".join(map(str, widths))}).hidden == tuple(widths)


@settings(max_examples=300, deadline=None)  # a loaded machine may take longer than the default 200 ms
@given(st.dictionaries(st.sampled_from(sorted(ExperimentConfig.model_fields)), st.one_of(
    st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**12, 10**12)), max_size=4))
def test_any_input_is_a_config_or_a_config_error(values):
    try:
        cfg = make_config(values)
    except ConfigError as err:
        assert "\n" not in str(err)
    else:
        assert 0 < cfg.lr <= 1000 and math.isfinite(cfg.noise) and 1 <= cfg.epochs <= 10_000
