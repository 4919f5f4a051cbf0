"""A search's summary in the reader's language: settings by their short names in the header, the table,
the best line, the importances, the plots and the edge warning; no config key."""

import pytest

from tutor.tune.report import SweepPrinter
from tutor.tune.results import Edge, SweepResult, Trial
from tutor.tune.space import parse_grid, parse_space


def trial(space, number: int, lr: float, batch: int, loss: float) -> Trial:
    params = {"lr": lr, "batch_size": batch}
    return Trial(number=number, params=params, config=space.config(params), status="completed", val_loss=loss,
                 val_acc=0.9, epochs_run=3, pruned=False, run_id=number + 1, worker="here")


@pytest.mark.parametrize(("lang", "words"), [
    ("es", ["lr 0.001, 0.1; batch 8, 32", "batch", "estado", "Mejor: lr 0.1, batch 8 →", "El mejor valor de lr (0.1)",
            "pérdida val. frente a batch"]),
    ("en", ["lr 0.001, 0.1; batch 8, 32", "batch", "status", "Best: lr 0.1, batch 8 →", "The best lr (0.1)",
            "val loss against batch"]),
])
def test_a_grid_summary_names_settings_in_words(base, capsys, lang, words):
    space = parse_grid(["lr=0.001,0.1", "batch_size=8,32"], base, lang)
    printer = SweepPrinter(space, "grid", 4, lang)
    printer.start()
    trials = [trial(space, 0, 0.001, 8, 0.6), trial(space, 1, 0.001, 32, 0.65), trial(space, 2, 0.1, 8, 0.2),
              trial(space, 3, 0.1, 32, 0.3)]
    printer.summary(SweepResult(base=base, method="grid", trials=trials, best=trials[2],
                                importances={"lr": 0.8, "batch_size": 0.2}, stopped=None, seconds=1.0,
                                edge=Edge(field="lr", side="high", value=0.1, low=0.001, high=0.1)))
    out = capsys.readouterr().out
    for part in words:
        assert part in out, part
    assert "batch_size" not in out and "lr=" not in out
    assert any(line.split()[:2] == ["batch", "█" * 5 + "░" * 19] for line in out.splitlines())  # the importances


@pytest.mark.parametrize(("lang", "header"), [
    ("es", "lr de 0.0001 a 1 (escala logarítmica); nº capas de 1 a 3 (enteros)"),
    ("en", "lr 0.0001 to 1 (log scale); layers 1 to 3 (whole numbers)"),
])
def test_a_range_reads_as_words(base, capsys, lang, header):
    SweepPrinter(parse_space(["lr=log:1e-4:1", "layers=int:1:3"], base, lang), "random", 5, lang).start()
    assert header in " ".join(capsys.readouterr().out.split())  # wrapped at 80 columns


@pytest.mark.parametrize(("lang", "words"), [
    ("es", ["Mejor: lr 0.1, batch 8 → pérdida val. 0.200, exact. val. 90% →", "aquí no se entrenó ni se guardó nada",
            "sus 2 pruebas las entrenaron ana:1, bea:2"]),
    ("en", ["Best: lr 0.1, batch 8 → val loss 0.200, val acc 90% →", "nothing was trained or saved here",
            "its 2 trials were trained by ana:1, bea:2"]),
])
def test_a_study_complete_before_the_sweep_reads_as_such(base, capsys, lang, words):
    """Trials trained and saved elsewhere (no run here): the best names no run, the last line says whose."""
    space = parse_grid(["lr=0.001,0.1", "batch_size=8,32"], base, lang)
    printer = SweepPrinter(space, "grid", 2, lang)
    trials = [trial(space, 0, 0.1, 8, 0.2).model_copy(update={"run_id": None, "worker": "bea:2"}),
              trial(space, 1, 0.001, 8, 0.6).model_copy(update={"run_id": None, "worker": "ana:1"})]
    printer.summary(SweepResult(base=base, method="grid", trials=trials, best=trials[0], importances={},
                                stopped=None, seconds=0.1, edge=None))
    out = " ".join(capsys.readouterr().out.split())  # wrapped at 80 columns
    for part in words:
        assert part in out, out
    assert "None" not in out and "ids" not in out


def test_the_live_bar_says_what_others_train_while_this_process_waits(base):
    space = parse_grid(["lr=0.001,0.1"], base, "en")
    printer = SweepPrinter(space, "grid", 2, "en")
    printer.trial(trial(space, 0, 0.1, 32, 0.25).model_copy(update={"worker": "ana:1"}), 2)
    printer.waiting(1)
    task = printer.bar.tasks[0]
    assert (task.description, task.completed) == ("trial 1/2", 1)
    assert task.fields["status"] == "best val loss 0.250 (lr 0.1, batch 32) · 1 trial training on other machines"
