"""Usage errors argparse finds (a wrong choice, a missing value or argument, an unknown word): one line in the
reader's language, exit 2, naming the argument and what it accepts."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tutor.cli import main
from tutor.cli.usage import lang_in
from tutor.i18n import catalogue, t


@pytest.mark.parametrize(("argv", "es", "en"), [
    (["runs", "--format", "xml"], "tutor runs: --format 'xml': debe ser uno de: 'csv', 'jsonl'",
     "tutor runs: --format 'xml': must be one of: 'csv', 'jsonl'"),
    (["run", "--lr"], "tutor run: --lr necesita un valor", "tutor run: --lr needs a value"),
    (["sweep", "--grid"], "tutor sweep: --grid necesita al menos un valor",
     "tutor sweep: --grid needs at least one value"),
    (["class", "add-student"], "tutor class add-student: falta: nombre", "tutor class add-student: missing: name"),
    (["bogus"], "tutor: orden 'bogus': debe ser uno de: 'run',", "tutor: command 'bogus': must be one of: 'run',"),
    (["run", "--epochs", "3", "extra"], "tutor: argumentos desconocidos: extra", "tutor: unknown arguments: extra"),
])
def test_a_usage_error_is_one_line_of_the_readers_language(capsys, argv, es, en):
    for lang, said in (("es", es), ("en", en)):
        assert main(["--lang", lang, *argv]) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith(said) and len(err.strip().splitlines()) == 1, err


def test_the_language_is_the_settings_one_when_the_command_line_asks_for_none(capsys, monkeypatch):
    monkeypatch.setenv("TUTOR_LANG", "es")
    assert main(["runs", "--format", "xml"]) == 2
    assert "debe ser uno de" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "lang"), [(["--lang", "es", "run"], "es"), (["run", "--lang=en"], "en"),
                                            (["--lang", "es", "run", "--lang", "en"], "en"), (["--lang", "fr"], None),
                                            (["--lang"], None), ([], None)])
def test_the_language_asked_is_found_before_argparse_reads_it(argv, lang):
    assert lang_in(argv) == lang


@given(st.lists(st.text(max_size=8), max_size=6))
def test_any_command_line_yields_a_language_or_none(argv):
    assert lang_in(argv) in ("es", "en", None)


COMMANDS = [[], ["run"], ["ask"], ["sweep"], ["worker"], ["lr-find"], ["lessons"], ["runs"], ["class"],
            ["class", "add-student"], ["class", "remove-student"], ["class", "list"], ["class", "export"], ["serve"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_in_the_readers_language(capsys, monkeypatch, command):
    """Every command's --help, argparse's own words too, in the language asked for (or the settings' one);
    none of the other language's help."""
    for lang, other in (("es", "en"), ("en", "es")):
        monkeypatch.setenv("TUTOR_LANG", lang)
        for argv in (["--lang", lang, *command, "--help"], [*command, "--help"]):
            assert main(argv) == 0
            said = capsys.readouterr().out
            assert said.startswith(t("help.usage", lang)) and t("help.help", lang) in said, said
            foreign = {text for key, text in catalogue(other).items()
                       if key.startswith("help.") and len(text) > 8 and text != catalogue(lang)[key]}
            assert not [text for text in foreign if text in said], said
