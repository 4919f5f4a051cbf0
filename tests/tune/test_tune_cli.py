"""`tutor sweep` and `tutor lr-find` as tutor.cli.main will call them: exit codes, one-line errors, JSON, tables."""

import json
import re
import subprocess
import sys

import pytest

from tutor.cli.main import Parser
from tutor.cli.tune import add_parsers, run_command
from tutor.errors import TutorError
from tutor.i18n import LANGS
from tutor.settings import Settings
from tutor.store import Store

SMALL = ["--samples", "200", "--hidden", "16", "--epochs", "3"]


def invoke(*argv: str) -> int:
    """What tutor.cli.main.main does for these commands: parse, run, a TutorError is one line and exit 2."""
    root = Parser(prog="tutor")
    root.add_argument("--lang", choices=LANGS)
    add_parsers(root.add_subparsers(dest="command", parser_class=Parser))
    try:
        args = root.parse_args(argv)
        return run_command(args, Settings.from_env(), args.lang or "en")
    except TutorError as err:
        print(f"tutor: {err}", file=sys.stderr)
        return 2
    except SystemExit as done:
        return int(done.code)


@pytest.mark.parametrize("args", [
    ["--grid", "foo=1"], ["--grid", "lr="], ["--grid", "lr=abc"], ["--space", "lr=log:1:0.1", "--random", "5"],
    ["--space", "lr=log:0:1", "--bayes", "3"], ["--random", "3"], ["--grid", "lr=1", "--random", "3"],
    ["--random", "x", "--space", "lr=log:1e-3:1"], ["--random", "0", "--space", "lr=log:1e-3:1"], [],
    ["--grid", "lr=0.1", "--budget", "-1"], ["--grid", "lr=0.1", "--lr", "-1"], ["--grid", "lr=0.1\nx"],
    ["--grid", "lr=" + ",".join(map(str, range(1, 102))), "seed=" + ",".join(map(str, range(100)))],
])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_bad_specs_exit_2_with_one_line(capsys, args, lang):
    assert invoke("--lang", lang, "sweep", *args) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and err.startswith("tutor")


@pytest.mark.slow
def test_grid_json_follows_the_contract_and_stores_every_trial(capsys, isolated_home):
    assert invoke("sweep", *SMALL, "--grid", "lr=0.001,0.01,0.1", "weight_decay=0,0.01", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"base", "method", "trials", "best", "importances", "edge_warning", "seconds"} <= set(doc)
    assert set(doc["trials"][0]) >= {"config", "status", "val_loss", "val_acc", "epochs_run", "pruned"}
    assert [t["val_loss"] for t in doc["trials"]] == sorted(t["val_loss"] for t in doc["trials"])
    assert doc["best"] == doc["trials"][0] and doc["edge_warning"] == "lr" and doc["base"]["epochs"] == 3
    assert len(Store(isolated_home / "tutor.db").runs(student="test")) == 6


@pytest.mark.slow
def test_human_output_has_table_best_importances_plots_and_edge(capsys):
    assert invoke("--lang", "en", "sweep", *SMALL, "--grid", "lr=0.001,0.01,0.1", "weight_decay=0,0.01") == 0
    out = capsys.readouterr().out
    for part in ("val loss", "Best: lr 0.1", "tutor run", "Importance", "val loss against lr (log scale)",
                 "upper edge"):
        assert part in out, part
    assert re.search(r"Best: .* val acc \d+(\.\d)?% ", out) and re.search(r"lr +█*░* \d+(\.\d)?%\n", out), out
    assert any("\u2800" < ch <= "\u28ff" for ch in out)


@pytest.mark.slow
def test_lr_find_json(capsys):
    assert invoke("lr-find", "--optimizer", "adam", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["suggestions"]) == {"valley", "steepest", "min_div_10"}
    assert len(doc["lrs"]) == len(doc["losses"]) and len(doc["explanation"]) == 2
    assert 1e-3 <= doc["suggestions"]["valley"] <= 1e-1


@pytest.mark.slow
def test_the_parsers_load_light_and_the_package_without_the_ui():
    code = ("import sys; import tutor.cli.tune; light = not {'optuna', 'tinygrad'} & set(sys.modules); "
            "import tutor.tune.sweep, tutor.tune.lrfind, tutor.tune.report; print(light, 'textual' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "False"]


def test_shared_search_problems_exit_2_with_one_line(capsys, tmp_path):
    import optuna

    journal = f"journal:{tmp_path / 'study.log'}"
    old = optuna.create_study(study_name="old", storage=optuna.storages.JournalStorage(
        optuna.storages.journal.JournalFileBackend(str(tmp_path / "study.log"))))
    old.set_user_attr("plan", {"version": "0.0.1", "method": "grid", "base": {}, "params": [], "planned": 1})
    capsys.readouterr()
    cases = {
        ("sweep", *SMALL, "--grid", "lr=0.1", "--study", "x"): "--study goes with --storage",
        ("sweep", *SMALL, "--grid", "lr=0.1", "--storage", f"journal:{tmp_path}/no/such/folder"): "cannot be used",
        ("sweep", *SMALL, "--grid", "lr=0.1", "--storage", "postgresql+psycopg://tutor:secret@127.0.0.1:1/x"):
            "postgresql+psycopg://tutor:***@127.0.0.1:1/x: cannot be used",
        ("sweep", *SMALL, "--grid", "lr=0.1", "--storage", "nosuchdb://x"): "cannot be used",
        ("sweep", *SMALL, "--grid", "lr=0.1", "--storage", journal, "--study", "old"): "tutor 0.0.1",
        ("worker", "--storage", journal, "--study", "nobody"): "no such study",
        ("worker", "--storage", journal, "--study", "old"): "tutor 0.0.1",
    }
    for argv, part in cases.items():
        assert invoke("--lang", "en", *argv) == 2, argv
        err = capsys.readouterr().err
        assert part in err and len(err.strip().splitlines()) == 1 and "secret" not in err, err
    assert invoke("--lang", "es", "worker", "--storage", journal, "--study", "nobody") == 2
    assert "no hay ningún estudio" in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "parts"), [
    ("en", ["data moons in the study, circles here", "2 trials in the study, 3 here", "lr over other values"]),
    ("es", ["datos moons en el estudio, circles aquí", "2 pruebas en el estudio, 3 aquí", "lr en otros valores"]),
])
def test_a_search_unlike_its_study_is_refused_naming_the_difference(capsys, tmp_path, lang, parts):
    """A late machine started with another data set or space joins no study: one line says what differs."""
    from tutor.config import ExperimentConfig
    from tutor.tune.space import parse_grid
    from tutor.tune.study import Plan, begin

    journal = f"journal:{tmp_path / 'study.log'}"
    base = ExperimentConfig(samples=200, hidden=(16,), epochs=3)
    begin(journal, "lab", Plan.of(parse_grid(["lr=0.1,0.01"], base), "grid", 2), "en")
    capsys.readouterr()
    assert invoke("--lang", lang, "sweep", *SMALL, "--dataset", "circles", "--grid", "lr=0.1,0.01,0.001",
                  "--storage", journal, "--study", "lab") == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1, err
    for part in parts:
        assert part in err, err
