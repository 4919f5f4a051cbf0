"""`tutor --version` and `tutor runs`: a student's own runs listed, shown and exported per epoch (JSONL
that round-trips every stored epoch, CSV that Python's csv module reads); a roster teacher's, anyone's."""

import csv
import errno
import io
import json
import os
import re
from functools import cache

import pytest

from tutor import __version__
from tutor import export as export_module
from tutor.classroom.roster import Roster, User, save
from tutor.cli import main
from tutor.config import make_config
from tutor.diagnose import explain
from tutor.engine import RunResult
from tutor.engine.training import train
from tutor.settings import Settings
from tutor.store import Store


@cache
def trained(lr: float) -> RunResult:
    return train(make_config({"epochs": 3, "samples": 100, "optimizer": "sgd", "lr": lr}, "en"))


@pytest.fixture
def store(isolated_home) -> Store:
    """Runs of `test` (the student running the CLI): a healthy one and a diverged one; and one of ana."""
    store = Store(Settings.from_env().store)
    for student, lr in (("test", 0.1), ("ana", 0.1), ("test", 50)):
        result = trained(lr)
        store.add_run(student, result, [d.model_dump(mode="json") for d in explain(result, "en")])
    return store


def export(capsys, *args: str) -> tuple[int, str]:
    code = main(["--lang", "en", "runs", "export", *args])
    return code, capsys.readouterr().out


def test_version(capsys):
    assert main(["--version"]) == 0 and capsys.readouterr().out.strip() == f"tutor {__version__}"


def test_jsonl_round_trips_every_epoch_of_every_run(store, capsys):
    code, out = export(capsys, "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    mine = [run for run in store.runs() if run.student == "test"]
    assert code == 0 and {row["run"] for row in rows} == {run.id for run in mine}  # not ana's
    for run in mine:
        epochs = [row for row in rows if row["run"] == run.id]
        assert [{k: v for k, v in row.items() if k not in ("run", "student", "created", "status", "config")}
                for row in epochs] == run.result["history"]
        assert all(row["config"] == run.result["config"] and row["status"] == run.status for row in epochs)
    assert {row["status"] for row in rows} == {"completed", "diverged"}


def test_csv_opens_with_the_csv_module(store, capsys, tmp_path):
    out = tmp_path / "runs.csv"
    assert main(["--lang", "en", "runs", "export", "-o", str(out)]) == 0
    history = {(run.id, e["epoch"]): e for run in store.runs("test") for e in run.result["history"]}
    assert f"2 runs, {len(history)} epochs" in capsys.readouterr().err
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(history) > 3
    for row in rows:
        stored = history[(int(row["run"]), int(row["epoch"]))]
        assert row["val_loss"] == ("" if stored["val_loss"] is None else str(stored["val_loss"]))
        assert json.loads(row["layer_grad_norms"]) == stored["layer_grad_norms"]
        assert json.loads(row["hidden"]) == [32, 32] and row["optimizer"] == "sgd"


def test_an_export_that_fails_leaves_the_old_file_whole(store, capsys, tmp_path, monkeypatch):
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "runs.csv"
    out.write_text("yesterday's export\n")
    rows = export_module.epoch_rows

    def killed_midway(runs):  # ctrl+c (or a kill) after the first epoch's row
        yield next(rows(runs))
        raise KeyboardInterrupt

    def disk_full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    for fmt in ("csv", "jsonl"):
        with monkeypatch.context() as patch:
            patch.setattr(export_module, "epoch_rows", killed_midway)
            with pytest.raises(KeyboardInterrupt):
                main(["--lang", "en", "runs", "export", "--format", fmt, "-o", str(out)])
    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["--lang", "en", "runs", "export", "-o", str(out)]) == 2
    assert capsys.readouterr().err.strip() == f"tutor: {out}: No space left on device"
    assert out.read_text() == "yesterday's export\n" and os.listdir(out.parent) == ["runs.csv"]  # no temporary left
    missing = tmp_path / "no" / "such" / "runs.csv"
    assert main(["--lang", "en", "runs", "export", "-o", str(missing)]) == 2
    assert capsys.readouterr().err.strip() == f"tutor: {missing}: No such file or directory"


def test_ids_pick_runs_even_after_the_options(store, capsys):
    first = min(run.id for run in store.runs("test"))
    code, out = export(capsys, "--format", "jsonl", str(first))
    assert code == 0 and {json.loads(line)["run"] for line in out.splitlines()} == {first}


def test_list_and_show(store, capsys):
    assert main(["--lang", "en", "runs"]) == 0
    listed = capsys.readouterr().out
    assert listed.count("· test ·") == 2 and "ana" not in listed and "3 epochs" in listed
    diverged = max(run.id for run in store.runs("test"))
    assert main(["--lang", "en", "runs", "show", str(diverged)]) == 0
    shown = capsys.readouterr().out
    assert shown.startswith(f"#{diverged} · test") and "diverged" in shown and "val loss" in shown


@pytest.mark.parametrize("lang, best", [("en", "best val acc"), ("es", "mejor exact. val.")])
def test_accuracies_are_percentages_and_blown_up_losses_short(store, capsys, lang, best):
    """As everywhere else: '87.5%', not 0.88; a loss of 18616300 as 1.9e+07, no wider than 0.693 is."""
    assert main(["--lang", lang, "runs"]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("#")]
    assert len(listed) == 2 and all(re.search(rf" · {best} \d+(\.\d)?%$", line) for line in listed), listed
    diverged = max(run.id for run in store.runs("test"))
    assert main(["--lang", lang, "runs", "show", str(diverged)]) == 0
    table = capsys.readouterr().out.splitlines()[2:4]  # the header and the one epoch the run lasted
    cells = table[1].split()
    assert cells[0] == "1" and cells[3:5] == ["50%", "50%"], table  # train and val accuracy
    assert all(len(cell) <= 8 for cell in cells) and "e+07" in cells[1], table


def test_a_fix_the_tutor_tried_is_marked(store, capsys):
    tried = store.add_run("test", trained(0.1), [], by="tutor")
    assert main(["--lang", "es", "runs"]) == 0 and f"#{tried} " not in capsys.readouterr().out  # not listed
    assert main(["--lang", "es", "runs", "list", str(tried)]) == 0
    assert f"#{tried} · test · " in (out := capsys.readouterr().out) and " · completada (tutor) · " in out


@pytest.mark.parametrize("args", [["show", "x"], ["show"], ["show", "1", "2"], ["export", "0"], ["list", "999"],
                                  ["show", "9" * 5000], ["show", "-1"], ["export", "nan"], ["export", "1e3"],
                                  ["--student", "ana"], ["--all"]])
def test_other_students_runs_and_bad_ids_are_one_line_exit_2(store, capsys, args):
    assert main(["--lang", "en", "runs", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and len(err) < 200, err  # a 5000-digit id is shown cut


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("args", [["--student", ""], ["--student", "  "], ["export", "--student", ""],
                                  ["--student", "ana", "--all"]])
def test_an_empty_student_is_nobody_not_me(store, capsys, isolated_home, lang, args):
    """`--student ''` does not fall back to one's own runs, even for a teacher: one line, exit 2, nothing listed."""
    save(Roster(users=[User(name="test", role="teacher", keys=(), password=None)]), isolated_home / "roster.yaml")
    assert main(["--lang", lang, "runs", *args]) == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.strip().splitlines()) == 1 and "--student" in err and "--all" in err
    assert ("alumno" if lang == "es" else "student's") in err


@pytest.mark.parametrize(("args", "said"), [([], "Aún no hay ejecuciones"), (["--student", "bea"], "bea aún no tiene"),
                                            (["--all"], "Aún nadie tiene ejecuciones")])
def test_no_runs_says_whose(isolated_home, capsys, args, said):
    save(Roster(users=[User(name="test", role="teacher", keys=(), password=None)]), isolated_home / "roster.yaml")
    assert main(["--lang", "es", "runs", *args]) == 0 and capsys.readouterr().out.startswith(said)


def test_a_student_cannot_show_anothers_run(store, capsys):
    anas = store.runs("ana")[0].id
    assert main(["--lang", "en", "runs", "show", str(anas)]) == 2
    assert f"no run {anas} of yours" in capsys.readouterr().err


def test_a_roster_teacher_sees_anyones_runs(store, capsys, isolated_home):
    save(Roster(users=[User(name="test", role="teacher", keys=(), password=None)]), isolated_home / "roster.yaml")
    code, out = export(capsys, "--all", "--format", "jsonl")
    assert code == 0 and {json.loads(line)["student"] for line in out.splitlines()} == {"test", "ana"}
    code, out = export(capsys, "--student", "ana", "--format", "jsonl")
    assert code == 0 and {json.loads(line)["student"] for line in out.splitlines()} == {"ana"}


@pytest.mark.parametrize("written, reader", [("es", "en"), ("en", "es")])
def test_a_run_shows_its_diagnoses_in_the_readers_language(store, capsys, written, reader):
    """Diagnosed in one language, stored, and shown in the other: said again from its history; a run stored
    by an earlier version (its diagnoses as words only) too."""
    result = trained(50)
    found = [d.model_dump(mode="json") for d in explain(result, written)]
    old = [{k: v for k, v in d.items() if k not in ("lang", "route", "advice")} for d in found]
    wanted = explain(result, reader)[0].message
    for diagnoses in (found, old):
        run_id = store.add_run("test", result, diagnoses)
        assert main(["--lang", reader, "runs", "show", str(run_id)]) == 0
        shown = " ".join(capsys.readouterr().out.split())
        assert " ".join(wanted.split()) in shown and found[0]["message"] not in shown
