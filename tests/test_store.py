"""The store keeps every run, and a process killed mid-write leaves every earlier run readable."""

import os
import signal
import subprocess
import sys
import textwrap
import time

from tutor.config import ExperimentConfig
from tutor.engine.training import train
from tutor.store import Store


def test_runs_round_trip_per_student(isolated_home):
    store = Store()
    run = train(ExperimentConfig(epochs=2))
    a = store.add_run("ana", run, [{"code": "healthy"}])
    store.add_run("bea", run, [])
    assert [r.id for r in store.runs("ana")] == [a]
    stored = store.run(a)
    assert stored.result["history"] == run.model_dump(mode="json")["history"]
    assert stored.diagnoses == [{"code": "healthy"}] and stored.status == "completed"
    assert len(store.runs()) == 2


def test_state_is_per_student_and_survives_reopening(isolated_home):
    Store().set_state("ana", "dialogue", {"lr": 0.1})
    Store().set_state("ana", "dialogue", {"lr": 0.2})
    assert Store().get_state("ana", "dialogue") == {"lr": 0.2}
    assert Store().get_state("bea", "dialogue", "none") == "none"


WRITER = textwrap.dedent("""
    import sys, itertools
    from pydantic import BaseModel
    from tutor.store import Store
    class Fake(BaseModel):
        config: dict
        status: str
        history: list
    store = Store()
    big = [{"epoch": i, "val_loss": 0.5} for i in range(2000)]
    for i in itertools.count():
        store.add_run("ana", Fake(config={"lr": i}, status="completed", history=big), [])
        if i == 20:
            print("ready", flush=True)
""")


def test_kill_9_mid_write_leaves_the_database_intact(isolated_home):
    writer = subprocess.Popen([sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert writer.stdout.readline().strip() == "ready"
    time.sleep(0.3)
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    store = Store()
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    runs = store.runs("ana", limit=10**6)
    assert len(runs) > 20
    assert sorted(r.result["config"]["lr"] for r in runs) == list(range(len(runs)))
    assert all(len(r.result["history"]) == 2000 for r in runs)


def test_progress_and_mastery_count_first_tries(isolated_home):
    from tutor.progress import GradedItem, mastery, steps_done

    store = Store()
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
