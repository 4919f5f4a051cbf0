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
