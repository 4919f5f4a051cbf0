"""The class exercise: its model, its leaderboard, and how a student's tutor keeps its locked settings."""

import pytest
from trained_runs import add, trained

from tutor.classroom.exercise import (
    Exercise,
    current_exercise,
    leaderboard,
    locked_text,
    parse_locked,
    set_exercise,
)
from tutor.config import make_config
from tutor.dialogue.tutor import Tutor
from tutor.errors import ConfigError
from tutor.fmt import pct
from tutor.settings import Settings
from tutor.store import Store

SPIRAL = {"dataset": "spiral"}


def test_set_read_and_clear(store):
    assert current_exercise(store) is None
    exercise = Exercise(title="Smallest", threshold=0.8, locked=parse_locked("dataset=spiral --hidden=8,8 noise=0"))
    assert exercise.locked == {"dataset": "spiral", "hidden": [8, 8], "noise": 0.0}  # as stored configs have them
    set_exercise(store, exercise)
    assert current_exercise(Store(Settings.from_env().store)) == exercise  # every student's process sees it
    assert parse_locked(locked_text(exercise.locked)) == exercise.locked
    assert exercise.describe("en") == ("Smallest: reach val acc ≥ 80% with as few parameters as possible · "
                                       "fixed: data spiral, hidden 8,8, noise 0")
    set_exercise(store, None)
    assert current_exercise(store) is None


def test_fixed_settings_are_named_in_words_not_keys():
    """A student reads 'batch 16', not the key batch_size, in either language."""
    exercise = Exercise(locked=parse_locked("batch_size=16 weight-decay=0.01 val_fraction=0.3"))
    assert exercise.describe("en").endswith("fixed: batch 16, weight decay 0.01, validation 0.3")
    assert exercise.describe("es").endswith("fijo: batch 16, weight decay 0.01, validación 0.3")


@pytest.mark.parametrize(("text", "message"), [
    ("lr=-1", "--lr -1: debe ser > 0 y ≤ 1000"),
    ("colour=red", "ajuste desconocido 'colour'"),
    ("spiral", "'spiral': escribe cada ajuste fijo como campo=valor"),
])
def test_bad_locked_settings_are_named(text, message):
    with pytest.raises(ConfigError, match=message):
        parse_locked(text, "es")


def final(name: str, metric: str = "val_acc") -> float:
    return getattr(trained(name).history[-1], metric)


@pytest.mark.slow
def test_leaderboard_ranks_fewest_parameters_then_metric_keeping_locked_fields(store):
    ana = add(store, "ana", "spiral4")  # 22 parameters
    add(store, "bob", "spiral16")  # 82
    bob = add(store, "bob", "spiral4b")  # 22 (another seed): bob's best
    add(store, "carl", "healthy")  # moons, 1218: breaks the lock
    dave = add(store, "dave", "spiral16")
    first, second = sorted([(-final("spiral4"), ana, "ana"), (-final("spiral4b"), bob, "bob")])  # better, then earlier
    board = leaderboard(store, Exercise(threshold=0.0, locked=SPIRAL))
    assert [(e.place, e.student, e.run_id, e.n_params, e.value) for e in board] == [
        (1, first[2], first[1], 22, -first[0]), (2, second[2], second[1], 22, -second[0]),
        (3, "dave", dave, 82, final("spiral16"))]
    assert [e.student for e in leaderboard(store, Exercise(threshold=0.0))] == [first[2], second[2], "dave", "carl"]


@pytest.mark.slow
@pytest.mark.parametrize("metric", ["val_acc", "val_loss"])
def test_the_target_is_met_at_the_last_epoch(store, metric):
    add(store, "ana", "spiral4")
    at, past = final("spiral4", metric), final("spiral4", metric) * (1.001 if metric == "val_acc" else 0.999)
    assert [e.student for e in leaderboard(store, Exercise(metric=metric, threshold=at))] == ["ana"]
    assert leaderboard(store, Exercise(metric=metric, threshold=past)) == []


@pytest.mark.slow
def test_diverged_runs_do_not_qualify(store):
    add(store, "ana", "lr50")
    assert leaderboard(store, Exercise(threshold=0.0)) == []


def test_a_locked_setting_cannot_change(store):
    set_exercise(store, Exercise(locked=SPIRAL))
    tutor = Tutor(store, "ana", "en")
    reply = tutor.handle("what if the dataset were moons?")
    assert reply.run is None and store.runs("ana") == []
    assert "The exercise fixes the data set at spiral" in reply.text
    reply = Tutor(store, "ana", "es").handle("¿y si el dataset fuera lunas?", run=False)
    assert "El ejercicio fija el conjunto de datos en spiral" in reply.text
    assert "spiral" in tutor.handle("what if the dataset were spiral?", run=False).text  # no change: fine


@pytest.mark.slow
def test_runs_use_the_locked_values(store):
    set_exercise(store, Exercise(locked={"dataset": "spiral", "noise": 0.1}))
    tutor = Tutor(store, "ana", "en")
    tutor.config = make_config({"epochs": 2, "samples": 100}, "en")  # moons
    reply = tutor.handle("what if the learning rate were 0.05?")
    cfg = reply.run.config
    assert (cfg.dataset, cfg.noise, cfg.lr, cfg.epochs) == ("spiral", 0.1, 0.05, 2)
    assert tutor.config == cfg


@pytest.mark.slow
def test_exercise_text_shows_the_place(store):
    tutor = Tutor(store, "ana", "en")
    assert tutor.exercise_text() == "There is no class exercise right now."
    add(store, "ana", "spiral4")
    add(store, "bob", "spiral16")
    set_exercise(store, Exercise(title="Tiny", threshold=0.0, locked=SPIRAL))
    ana_run = store.runs("ana")[0]
    value = pct(trained("spiral4").history[-1].val_acc)
    assert tutor.exercise_text() == (
        "Exercise: Tiny: reach val acc ≥ 0% with as few parameters as possible · fixed: data spiral\n\n"
        f"You are number 1 of 2 on the leaderboard: 22 parameters, val acc {value} (run #{ana_run.id}).")
    assert "Aún no vale ninguna de tus ejecuciones" in Tutor(store, "carl", "es").exercise_text()
