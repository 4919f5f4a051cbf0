"""The store keeps every run, and a process killed mid-write leaves every earlier run readable."""

import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import get_args

from tutor.classroom.exercise import Exercise
from tutor.config import ExperimentConfig
from tutor.diagnose import Diagnosis
from tutor.engine import Epoch, Metrics, RunResult
from tutor.engine.training import train
from tutor.settings import Settings
from tutor.store import Store


def test_runs_round_trip_per_student(isolated_home):
    store = Store(Settings.from_env().store)
    run = train(ExperimentConfig(epochs=2))
    a = store.add_run("ana", run, [{"code": "healthy"}])
    store.add_run("bea", run, [])
    assert [r.id for r in store.runs("ana")] == [a]
    stored = store.run(a)
    assert stored.result["history"] == run.model_dump(mode="json")["history"]
    assert stored.diagnoses == [{"code": "healthy"}] and stored.status == "completed"
    assert len(store.runs()) == 2


def test_state_is_per_student_and_survives_reopening(isolated_home):
    Store(Settings.from_env().store).set_state("ana", "dialogue", {"lr": 0.1})
    Store(Settings.from_env().store).set_state("ana", "dialogue", {"lr": 0.2})
    assert Store(Settings.from_env().store).get_state("ana", "dialogue") == {"lr": 0.2}
    assert Store(Settings.from_env().store).get_state("bea", "dialogue", "none") == "none"


WRITER = textwrap.dedent("""
    import sys, itertools
    from pydantic import BaseModel
    from tutor.settings import Settings
    from tutor.store import Store
    class Fake(BaseModel):
        config: dict
        status: str
        history: list
    store = Store(Settings.from_env().store)
    big = [{"epoch": i, "val_loss": 0.5} for i in range(2000)]
    for i in itertools.count():
        store.add_run("ana", Fake(config={"lr": i}, status="completed", history=big), [])
        if i == 20:
            print("ready", flush=True)
""")


def test_version_changes_with_any_write_by_anyone(isolated_home):
    """What the teacher's view polls each second instead of reading the class again."""
    store, other = Store(Settings.from_env().store), Store(Settings.from_env().store)
    before = store.version()
    store.students(), store.connected(), other.progress("ana")
    assert store.version() == before  # reads change nothing
    other.record("ana", "training", 0, "done")  # another process
    assert store.version() != before
    before = store.version()
    store.set_state("ana", "dialogue", {"lesson": "training"})  # this connection
    assert store.version() != before


def test_kill_9_mid_write_leaves_the_database_intact(isolated_home):
    writer = subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    store = Store(Settings.from_env().store)
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = store.runs("ana", limit=10**6)
    assert len(runs) > 20
    assert sorted(r.result["config"]["lr"] for r in runs) == list(range(len(runs)))
    assert all(len(r.result["history"]) == 2000 for r in runs)


def test_progress_and_mastery_count_first_tries(isolated_home):
    from tutor.progress import GradedItem, mastery, steps_done

    store = Store(Settings.from_env().store)
    store.record("ana", "lr", 1, "done")
    store.record("ana", "lr", 2, "quiz", "b", False)
    store.record("ana", "lr", 2, "quiz", "a", True)  # a second try does not raise mastery
    store.record("ana", "lr", 3, "predict", "diverges", True)
    items = [GradedItem("lr", 2, ("lr",)), GradedItem("lr", 3, ("lr", "training")),
             GradedItem("bs", 1, ("batch_size",))]
    m = mastery(store, "ana", items)
    assert (m["lr"].right_first, m["lr"].attempted, m["lr"].items) == (1, 2, 2) and m["lr"].score == 0.5
    assert m["training"].score == 1.0 and m["batch_size"].score == 0.0
    assert steps_done(store, "ana") == {"lr": {1, 2, 3}}
    assert store.students() == ["ana"]


def test_the_class_queries_read_the_run_fields_by_their_names(isolated_home):
    """The board's and the exercise's queries reach into the stored JSON by field name: a renamed field of
    RunResult, Epoch, Diagnosis or the config fails here instead of silently emptying the leaderboard."""
    store = Store(Settings.from_env().store)
    cfg = ExperimentConfig(dataset="spiral", epochs=2)
    history = [Epoch(epoch=i, step=10 * i, train_loss=0.5, val_loss=0.7 - 0.1 * i, train_acc=0.8, val_acc=0.7 + 0.1 * i,
                     grad_norm=0.1, update_ratio=1e-3, dead_fraction=0.0, layer_grad_norms=[0.1, 0.2]) for i in (1, 2)]
    run = RunResult(config=cfg, status="completed", history=history, step_losses=[0.5] * 20, steps_per_epoch=10,
                    init=Metrics(train_loss=0.7, val_loss=0.7, train_acc=0.5, val_acc=0.5), batch_size_used=32,
                    n_train=800, n_val=200, n_params=1218, device="CPU", seconds=1.0, train_seconds=0.5)
    diagnoses = [Diagnosis(code=code, confidence=0.8, evidence={}, message="", suggestion={})
                 for code in ("too_few_epochs", "underfitting")]
    run_id = store.add_run("ana", run, [d.model_dump(mode="json") for d in diagnoses])
    assert store.latest_run_id() == run_id and store.run_ids("ana") == [run_id]
    assert store.last_runs() == {"ana": (1, run.status, diagnoses[0].code)}
    assert store.diagnosed() == [("ana", d.code, cfg.model_dump(mode="json")) for d in diagnoses]
    for metric in get_args(Exercise.model_fields["metric"].annotation):
        value = getattr(run.history[-1], metric)
        assert store.completed(metric, {"dataset": "spiral"}) == [(run_id, "ana", run.n_params, value)]
    assert store.completed("val_acc", {"dataset": "moons"}) == []
    newer = store.add_run("ana", run, [{"code": "healthy"}])
    store.add_run("ana", run, [{"code": "overfitting"}], by="tutor")  # the tutor's runs are not the student's
    assert store.recent_codes(3) == {"ana": ["healthy", "too_few_epochs"]} and store.recent_codes(1) == {
        "ana": ["healthy"]}
    assert store.diagnosed(latest=True) == [("ana", "healthy", cfg.model_dump(mode="json"))]
    assert store.last_active()["ana"] == store.run(newer).created
    assert store.last_runs()["ana"][0] == 2
