"""Two runs side by side: the config diff and what it did, with numbers, in both languages."""

from tutor.diagnose import compare
from tutor.engine import Divergence


def test_doubling_the_batch_reports_the_updates_and_the_loss(run_of):
    a = run_of([0.6, 0.3, 0.2, 0.21], [0.6, 0.3, 0.21, 0.22], batch_size=32)
    b = run_of([0.6, 0.4, 0.35, 0.3], [0.6, 0.42, 0.36, 0.34], batch_size=64)
    c = compare(a, b, "en")
    assert c.changes == {"batch_size": [32, 64]}
    assert c.metrics["steps_per_epoch"] == [25, 13] and c.metrics["best_val_loss"] == [0.21, 0.34]
    assert c.lines[0] == "Doubling the batch size (32 → 64) took the best validation loss from 0.21 to 0.34 (worse)."
    assert "25 → 13" in c.message and "100 → 52" in c.message
    es = compare(a, b, "es")
    assert es.lines[0].startswith("Duplicar el tamaño de batch (32 → 64)") and "(peor)" in es.lines[0]


def test_a_run_that_diverges_changes_the_outcome(run_of):
    a = run_of([0.6, 0.3, 0.2], lr=0.01)
    b = run_of([0.6], lr=1.0, epochs=3, diverged_at=Divergence(epoch=1, step=3, reason="nan"))
    c = compare(a, b, "en")
    assert c.lines[0] == ("Multiplying the learning rate by 100 (0.01 → 1) changed the outcome: "
                          "completed → diverged at epoch 1.")
    assert c.metrics["diagnoses"][1] == ["diverged"]
    assert "divergió en la época 1" in compare(a, b, "es").message


def test_epochs_to_a_shared_accuracy_and_the_same_settings(run_of):
    slow = run_of([0.6, 0.5, 0.4, 0.3], val_acc=[0.6, 0.8, 0.9, 0.95], lr=0.001)
    fast = run_of([0.6, 0.3, 0.2, 0.1], val_acc=[0.9, 0.95, 0.96, 0.97], lr=0.01)
    c = compare(slow, fast, "en")
    assert c.metrics["target_val_acc"] == [0.95, 0.95] and c.metrics["epochs_to_target"] == [4, 2]
    assert "Multiplying the learning rate by 10" in c.lines[0] and "95% validation accuracy: 4 → 2" in c.message
    same = compare(fast, fast, "es")
    assert same.changes == {} and same.lines[0].startswith("Las dos ejecuciones tienen la misma configuración")


def test_two_runs_that_diverged_alike_are_said_once(run_of):
    """Same epoch, same updates: one number each, not 'at epoch 1 and at epoch 1 (after 2 and 2 updates)'."""
    blew_up = Divergence(epoch=1, step=2, reason="loss")
    a = run_of([0.6], lr=5.0, epochs=20, steps_per_epoch=2, diverged_at=blew_up)
    b = run_of([0.6], lr=10.0, epochs=20, steps_per_epoch=2, diverged_at=blew_up)
    en, es = compare(a, b, "en"), compare(a, b, "es")
    assert en.lines[0] == ("Doubling the learning rate (5 → 10) did not save the run: both diverged at epoch 1, "
                           "after 2 updates. Its steps are still too large for this network.")
    assert "los dos divergieron en la época 1, tras 2 actualizaciones." in es.lines[0]
    assert "Best validation accuracy 97% in both; final validation loss 0.67 in both." in en.lines
    assert "Mejor exactitud de validación 97% en las dos; pérdida de validación final 0.67 en las dos." in es.lines
    def per_epoch(run, steps):  # the run blew up after 2 updates of an epoch of `steps`
        return run.model_copy(update={"steps_per_epoch": steps})

    smaller = run_of([0.6], lr=5.0, epochs=20, batch_size=16, steps_per_epoch=2, diverged_at=blew_up)
    lines = compare(per_epoch(a, 25), per_epoch(smaller, 50), "en").lines
    assert "Updates per epoch went 25 → 50." in lines and not any("made" in line for line in lines)
    later = run_of([0.6, 0.5, 0.4], lr=10.0, epochs=20, diverged_at=Divergence(epoch=3, step=75, reason="loss"))
    assert "both diverged at epoch 1 → 3, after 2 → 75 updates." in compare(a, later, "en").lines[0]


def test_training_times_too_short_to_measure_get_no_ratio(run_of):
    def timed(seconds: float, **config):
        return run_of([0.6, 0.3, 0.2], **config).model_copy(update={"train_seconds": seconds})

    quick = compare(timed(0.001, batch_size=64), timed(0.031, batch_size=32), "en").message
    assert "Training time: under 0.05 s in both." in quick and "×" not in quick
    quick_es = compare(timed(0.001), timed(0.02, lr=0.1), "es").message
    assert "Tiempo de entrenamiento: menos de 0.05 s en las dos." in quick_es
    one_quick = compare(timed(0.01), timed(2.345, lr=0.1), "en").message
    assert "Training time: under 0.05 s → 2.3 s." in one_quick and "×" not in one_quick
    measured = compare(timed(0.3), timed(2.345, lr=0.1), "en").message
    assert "Training time: 0.3 s → 2.3 s (7.8×)." in measured  # rounded as fmt.seconds rounds every duration
    assert "Training time: 0.3 s in both." in compare(timed(0.3), timed(0.301, lr=0.1), "en").message


def test_an_unchanged_loss_and_named_settings(run_of):
    a = run_of([0.6, 0.3, 0.2], optimizer="adam", lr=0.01)
    b = run_of([0.6, 0.3, 0.2], optimizer="sgd", lr=0.01)
    c = compare(a, b, "en")
    assert c.lines[0] == "Changing the optimiser from Adam to SGD left the best validation loss where it was, at 0.23."
    assert compare(a, b, "es").lines[0].startswith("Cambiar el optimizador de Adam a SGD dejó la mejor pérdida")
