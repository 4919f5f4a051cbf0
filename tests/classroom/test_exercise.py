"""The class exercise: its model, its leaderboard, and how a student's tutor keeps its locked settings."""

import pytest
from trained_runs import add, trained

from tutor.classroom.exercise import Exercise, Form, current_exercise, leaderboard, parse_locked, set_exercise
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
    assert Form.of(exercise).exercise("en") == exercise  # the form shows what sets it again
    assert exercise.describe("en") == ("Smallest: reach val acc ≥ 80% with as few parameters as possible · "
                                       "fixed: data spiral, hidden 8,8, noise 0")
    set_exercise(store, None)
    assert current_exercise(store) is None


def test_fixed_settings_are_named_in_words_not_keys():
    """A student reads 'batch 16', not the key batch_size, in either language."""
    exercise = Exercise(locked=parse_locked("batch_size=16 weight-decay=0.01 val_fraction=0.3"))
    assert exercise.describe("en").endswith("fixed: batch 16, weight decay 0.01, validation 0.3")
    assert exercise.describe("es").endswith("fijo: batch 16, weight decay 0.01, validación 0.3")


@pytest.mark.parametrize(("text", "es", "en"), [
    ("lr=-1", "lr -1: debe ser > 0 y ≤ 1000", "lr -1: must be > 0 and ≤ 1000"),
    ("--batch-size=0", "batch-size 0: debe ser un número entero ≥ 1 y ≤ 100000",
     "batch-size 0: must be a whole number ≥ 1 and ≤ 100000"),
    ("dataset=digits samples=2000", "samples 2000: el conjunto digits tiene 1797 imágenes; debe ser ≤ 1797",
     "samples 2000: the digits data set has 1797 images; must be ≤ 1797"),
    ("colour=red", "ajuste desconocido 'colour'; los ajustes son: dataset, samples,",
     "unknown setting 'colour'; the settings are: dataset, samples,"),
    ("spiral", "'spiral': escribe cada ajuste fijo como campo=valor",
     "'spiral': write each fixed setting as field=value"),
])
def test_bad_locked_settings_are_named_as_typed_with_their_range(text, es, en):
    """The teacher reads the setting as they wrote it in the form, never a command-line flag."""
    for lang, message in (("es", es), ("en", en)):
        with pytest.raises(ConfigError) as err:
            parse_locked(text, lang)
        assert str(err.value).startswith(message) and "--" not in str(err.value)


@pytest.mark.parametrize(("metric", "text", "threshold"), [
    ("val_acc", "0,9", 0.9), ("val_acc", " 90% ", 0.9), ("val_acc", "1", 1.0), ("val_acc", "0", 0.0),
    ("val_loss", "0.25", 0.25), ("val_loss", "3", 3.0),
])
def test_a_target_is_read_as_typed(metric, text, threshold):
    assert Form(metric=metric, target=text).exercise("es").threshold == pytest.approx(threshold)


@pytest.mark.parametrize(("metric", "text"), [("val_acc", "90"), ("val_acc", "-0.1"), ("val_acc", "abc"),
                                              ("val_acc", "nan"), ("val_loss", "0"), ("val_loss", "inf"),
                                              ("val_loss", "5%"), ("val_acc", "")])
def test_a_bad_target_names_the_field_and_the_range_it_accepts(metric, text):
    with pytest.raises(ConfigError) as es:
        Form(metric=metric, target=text).exercise("es")
    with pytest.raises(ConfigError) as en:
        Form(metric=metric, target=text).exercise("en")
    accepted = {"val_acc": ("de 0 a 1", "from 0 to 1"), "val_loss": ("mayor que 0", "above 0")}[metric]
    assert str(es.value).startswith(f"Objetivo '{text.strip()}': ") and accepted[0] in str(es.value)
    assert str(en.value).startswith(f"Target '{text.strip()}': ") and accepted[1] in str(en.value)


def test_a_blank_title_takes_the_default_and_a_long_one_is_cut():
    assert Form(title="  ").exercise("en", untitled="The smallest network").title == "The smallest network"
    assert len(Form(title="x" * 200).exercise("en").title) == 80


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
