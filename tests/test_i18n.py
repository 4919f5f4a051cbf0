"""Message catalogues: both languages have the same keys, and plural forms agree with their count."""

import pytest

from tutor.config import CONFIG_FIELDS, SEARCHABLE
from tutor.i18n import _PLURALS, LANGS, catalogue


def test_both_languages_have_the_same_messages():
    assert catalogue("es").keys() == catalogue("en").keys()


@pytest.mark.parametrize(("n", "expected"), [(1, "1 época"), (0, "0 épocas"), (3, "3 épocas"), ("1", "1 época"),
                                             ("1,5", "1,5 épocas"), (2.0, "2.0 épocas"), ("—", "— épocas")])
def test_a_plural_form_agrees_with_its_count(n, expected):
    assert _PLURALS.format("{n} {n:época|épocas}", n=n) == expected


@pytest.mark.parametrize("lang", LANGS)
def test_every_setting_has_its_words(lang):
    """A setting is never shown by its key: each has a short name (tables) and a name for sentences."""
    words = catalogue(lang)
    for field in {*CONFIG_FIELDS, *SEARCHABLE}:
        assert f"ui.field.{field}" in words and f"dialogue.field.{field}" in words, field


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_formats_with_its_own_placeholders(lang):
    """A malformed plural spec (or brace) in any message fails here, not in front of a student."""
    for key, message in catalogue(lang).items():
        names = {name.split(".")[0].split("[")[0] for _, name, _, _ in _PLURALS.parse(message) if name}
        _PLURALS.format(message, **{name: 1 for name in names}), key
