"""`tutor run` as users and scripts call it: exit codes, one-line errors, the JSON contract."""

import json
import os
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tutor.cli import main

MOONS = "--dataset moons --samples 1000 --hidden 32,32 --optimizer adam --lr 0.01 --batch-size 32 --epochs 20 --seed 0"


def tutor(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=os.environ,
                          timeout=300)


@pytest.mark.slow
def test_json_run_is_deterministic_across_processes():
    first, second = tutor("run", *MOONS.split(), "--json"), tutor("run", *MOONS.split(), "--json")
    assert first.returncode == 0, first.stderr
    a, b = json.loads(first.stdout), json.loads(second.stdout)
    assert a["history"] == b["history"] and a["status"] == "completed"
    assert a["history"][-1]["val_acc"] >= 0.95
    assert {"config", "status", "history", "diagnoses", "seconds"} <= set(a)
    assert set(a["history"][0]) >= {"epoch", "step", "train_loss", "val_loss", "train_acc", "val_acc", "grad_norm",
                                     "update_ratio", "dead_fraction"}
    assert b["id"] == a["id"] + 1


@pytest.mark.slow
def test_divergence_is_a_result_with_exit_0():
    p = tutor("run", "--optimizer", "sgd", "--lr", "50", "--epochs", "3", "--json")
    doc = json.loads(p.stdout)
    assert p.returncode == 0 and doc["status"] == "diverged" and doc["diverged_at"]["epoch"] == 1
    assert "diverged" in {d["code"] for d in doc["diagnoses"]}


@pytest.mark.slow
def test_human_output_has_a_table_and_a_diagnosis():
    p = tutor("--lang", "en", "run", "--epochs", "2")
    assert p.returncode == 0 and "val loss" in p.stdout and "Diagnosis" in p.stdout


@pytest.mark.slow
@pytest.mark.parametrize("args", [["--lr", "-1"], ["--lr", "nan"], ["--hidden", "8,,8"], ["--dataset", "mnist"],
                                  ["--activation", "softmax"], ["--epochs", "1e9"], ["--batch-size", "zero"],
                                  ["--device", "NOPE"], ["--lr"], ["--bogus", "1"]])
def test_malformed_flags_exit_2_with_one_line(args):
    p = tutor("run", *args)
    assert p.returncode == 2 and p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1 and "Traceback" not in p.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(flag=st.sampled_from(["--lr", "--batch-size", "--epochs", "--samples", "--noise", "--hidden", "--momentum",
                             "--val-fraction", "--weight-decay", "--seed", "--dataset", "--activation"]),
       value=st.one_of(st.sampled_from(["-1", "0", "nan", "-inf", "1e400", "8,,8", "", "ten", "٣", "0x10",
                                        "1_000_000_000"]),
                       st.text(min_size=1, max_size=20).filter(lambda s: not s.startswith("-") or s[1:2].isdigit()),
                       st.floats(max_value=0).map(repr), st.integers(10**7, 10**15).map(str)))
def test_malformed_values_never_train_and_never_trace(capsys, flag, value):
    code = main(["run", flag, value, "--epochs", "0"])  # epochs 0 is itself invalid: nothing ever trains
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_lessons_list_json_has_seven_per_language_and_every_topic():
    doc = json.loads(tutor("lessons", "--json").stdout)
    langs = [item["lang"] for item in doc["lessons"]]
    assert langs.count("es") >= 7 and langs.count("en") >= 7
    assert {"training", "lr", "batch_size", "epochs", "architecture", "tuning"} <= {
        topic for item in doc["lessons"] for topic in item["topics"]}


@pytest.mark.parametrize(("lang", "tuning", "own"), [("es", "ajuste", "español"), ("en", "tuning", "English")])
def test_lessons_list_names_topics_in_words(capsys, lang, tuning, own):
    """The table's topics and languages read in the reader's language: never keys such as batch_size or es."""
    assert main(["--lang", lang, "lessons"]) == 0
    rows = {line.split()[0]: line.split() for line in capsys.readouterr().out.splitlines()[1:] if line.strip()}
    assert rows["batch-size"][-2] == "batch" and rows["tuning"][-2] == tuning  # topics, then steps
    assert rows["batch-size"][1] == own  # never es or en


@pytest.mark.slow
def test_lessons_show_and_check(tmp_path):
    shown = tutor("--lang", "en", "lessons", "show", "learning-rate")
    assert shown.returncode == 0 and "learning rate" in shown.stdout.lower()
    bad = tmp_path / "mine"
    bad.mkdir()
    (bad / "broken.md").write_text("---\nid: [unclosed\n---\n# Broken\n")
    checked = tutor("lessons", "check", str(bad))
    assert checked.returncode == 1 and "broken.md:" in checked.stderr
    assert tutor("lessons", "check", str(tmp_path / "missing")).returncode == 2


@pytest.mark.slow
def test_teacher_lessons_join_the_list(tmp_path):
    (tmp_path / "extra.md").write_text("---\nid: extra-note\nlang: es\n---\n# Nota del profe\n\nTexto.\n")
    doc = json.loads(tutor("--lessons", str(tmp_path), "lessons", "--json").stdout)
    assert "extra-note" in {item["id"] for item in doc["lessons"]}
