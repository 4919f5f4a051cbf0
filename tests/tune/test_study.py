"""Searches shared through Optuna storage, on a journal file and on a real PostgreSQL: a coordinating
sweep and a `tutor worker` process share the trials, each runs once, and a killed worker's trials are
retried; an interrupted coordinator resumes its study."""

import os
import signal
import socket
import subprocess
import sys
import time

import optuna
import pytest
from optuna.trial import TrialState

from tutor.store import Store
from tutor.tune.space import parse_grid, parse_space
from tutor.tune.study import FINISHED, PULL, RETRIES, Plan, _take, begin, open_storage, settled, work
from tutor.tune.sweep import sweep

SPACE = ["lr=log:1e-3:1"]
GRID = ["lr=0.001,0.01,0.1", "weight_decay=0,0.01"]


@pytest.fixture(params=["journal", "postgres"])
def url(request, tmp_path) -> str:
    return f"journal:{tmp_path / 'study.log'}" if request.param == "journal" else request.getfixturevalue("postgres")


def worker(url: str, name: str) -> subprocess.Popen:
    """`tutor worker` in its own process, once it has joined the study (it then competes for trials)."""
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "--lang", "en", "worker",
                             "--storage", url, "--study", name],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().startswith(f"Study {name}:"), proc.communicate()
    return proc


def test_a_process_on_a_journal_starts_without_the_libraries_it_does_not_use(tmp_path):
    """A worker's start-up delays its first trial: a journal needs no SQLAlchemy, and the importances that
    only the coordinator computes, at the end, load scikit-learn (for fANOVA, unused) not even then."""
    probe = f"""
import sys
from tutor.tune.study import PULL, Plan, _take, begin, open_storage
from tutor.tune import sweep
open_storage("journal:{tmp_path / 'study.log'}", "en")
print(sorted({{"sqlalchemy", "optuna.importance"}} & set(sys.modules)))
sweep._importance()
print("sklearn" in sys.modules, sweep._importance().PedAnovaImportanceEvaluator.__name__)
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["[]", "False PedAnovaImportanceEvaluator"]


def trials_of(url: str, name: str) -> list[optuna.trial.FrozenTrial]:
    return optuna.load_study(study_name=name, storage=open_storage(url, "en")).trials


@pytest.mark.slow
@pytest.mark.parametrize(("method", "specs", "n"), [("random", SPACE, 8), ("grid", GRID, 6)])
def test_a_coordinator_and_a_worker_share_a_search(base, store, url, tmp_path, method, specs, n):
    # a round (400 epochs: ~10 000 steps, a fraction of a second on a cached shape) outlasts the other process's
    # take; at 20 epochs the worker trained both rounds of the grid before the coordinator took one
    space = (parse_grid if method == "grid" else parse_space)(specs, base.changed(samples=1000, epochs=400))
    name = f"{method}-{time.monotonic_ns()}"  # the session's PostgreSQL serves every test
    procs = []

    def joined(_: str) -> None:
        """The coordinator, its engine loaded, trains once the worker has taken its first round (PULL trials, fewer
        than planned): on a loaded machine, either process could otherwise take every round before the other took
        one."""
        import tutor.engine.training  # noqa: F401

        procs.append(worker(url, name))
        study = optuna.load_study(study_name=name, storage=open_storage(url, "en"))
        while len(study.get_trials(states=(TrialState.RUNNING, *FINISHED))) < PULL:
            time.sleep(0.02)

    result = sweep(space, method, n, store=store, storage=url, study=name, on_join=joined)
    out, err = procs[0].communicate(timeout=300)
    assert procs[0].returncode == 0 and err == "", err
    assert sorted(tr.number for tr in result.trials) == list(range(n))
    here, there = f"{socket.gethostname()}:{os.getpid()}", f"{socket.gethostname()}:{procs[0].pid}"
    by = [tr.worker for tr in result.trials]
    assert set(by) == {here, there} and sum(line.startswith("trial ") for line in out.splitlines()) == by.count(there)
    assert sorted(tr.run_id for tr in result.trials) == sorted(r.id for r in store.runs(limit=100))  # saved once, here
    assert [tr.state for tr in trials_of(url, name)] == [TrialState.COMPLETE] * n  # each trial ran exactly once
    alone = sweep(space, method, n, store=Store(tmp_path / "alone.db"))
    assert sorted(map(str, (tr.params for tr in result.trials))) == sorted(map(str, (tr.params for tr in alone.trials)))
    assert result.best.params == alone.best.params


@pytest.mark.slow
def test_a_worker_killed_mid_trial_has_its_trials_retried(base, store, url):
    """On a database by Optuna's heartbeat, on a journal by tutor's: failed after the grace period, trained again."""
    space, name = parse_space(SPACE, base.changed(samples=1000, epochs=30)), f"killed-{time.monotonic_ns()}"
    killed = []

    def joined(_: str) -> None:
        """The coordinator trains once this returns: a trial running now is the worker's."""
        proc, study = worker(url, name), optuna.load_study(study_name=name, storage=open_storage(url, "en"))
        while not any(tr.params for tr in study.get_trials(states=(TrialState.RUNNING,))):  # taken, about to train
            time.sleep(0.05)
        proc.kill()
        killed.append(proc.wait())

    result = sweep(space, "random", 8, store=store, storage=url, study=name, on_join=joined)
    assert killed == [-signal.SIGKILL]
    assert sorted(tr.number for tr in result.trials) == list(range(8)) and len(store.runs(limit=100)) == 8
    assert all(tr.status == "completed" and tr.epochs_run == 30 for tr in result.trials)
    trials = trials_of(url, name)
    failed = [tr.number for tr in trials if tr.state == TrialState.FAIL]
    retried = [tr.system_attrs.get("failed_trial") for tr in trials if tr.state == TrialState.COMPLETE]  # set by
    # Optuna's RetryHeartbeatStaleTrialCallback on each retry: the number of the trial it repeats
    assert failed and sorted(n for n in retried if n is not None) == failed


def test_a_process_takes_trials_of_one_shape_at_a_time(base, tmp_path):
    space = parse_grid(["lr=0.001,0.01,0.1", "width=8,16"], base)  # points alternate between the two widths
    shared = begin(f"journal:{tmp_path / 'study.log'}", "shapes", Plan.of(space, "grid", 6), "en")
    assert [shared.space.config(p).hidden for p in space.points()[:2]] == [(8,), (16,)]
    first, second, third = (_take(shared, PULL) for _ in range(3))
    assert [len(first), len(second), third] == [3, 3, []]
    for taken in first, second:
        assert len({shared.space.config(trial.params).hidden for trial in taken}) == 1


CLAIMS_AND_DIES = """
import os, signal, sys
from tutor.tune.study import _take, join
shared = join(sys.argv[1], sys.argv[2], "en")
claim = shared.storage.set_trial_state_values

def claim_and_die(*args, **kwargs):
    claim(*args, **kwargs)
    os.kill(os.getpid(), signal.SIGKILL)  # the worst moment: the trial is running, nothing else is done yet

shared.storage.set_trial_state_values = claim_and_die
_take(shared, 1)
"""


@pytest.mark.slow
def test_a_worker_killed_as_it_takes_a_trial_leaves_none_stuck(base, store, url):
    """Optuna fails a silent running trial only once it has beaten: the heartbeat comes before the trial runs."""
    name, deadline = f"claimed-{time.monotonic_ns()}", time.monotonic() + 300  # a guard against a hang
    died = []

    def joined(_: str) -> None:
        died.append(subprocess.run([sys.executable, "-c", CLAIMS_AND_DIES, url, name]).returncode)

    result = sweep(parse_space(SPACE, base), "random", 2, store=store, storage=url, study=name, on_join=joined,
                   should_stop=lambda: time.monotonic() > deadline)
    assert died == [-signal.SIGKILL] and result.stopped is None and len(result.trials) == 2
    assert [tr.state for tr in trials_of(url, name)].count(TrialState.FAIL) == 1


@pytest.mark.slow
def test_an_interrupted_coordinator_resumes_its_study(base, store, tmp_path):
    space, url, seen = parse_grid(GRID, base), f"journal:{tmp_path / 'study.log'}", []
    first = sweep(space, "grid", store=store, storage=url, should_stop=lambda: bool(seen),
                  on_trial=lambda tr, n: seen.append(tr))
    assert first.stopped == "interrupted" and 0 < len(first.trials) < 6
    names = []
    again = sweep(space, "grid", store=store, storage=url, on_join=names.append)  # the same search: the same study
    assert again.stopped is None and sorted(tr.number for tr in again.trials) == list(range(6))
    assert {tr.run_id for tr in first.trials} <= {tr.run_id for tr in again.trials}
    assert len(store.runs(limit=100)) == 6 and len(trials_of(url, names[0])) == 6


def test_a_trial_given_up_after_its_retries_leaves_nobody_waiting(base, tmp_path):
    """A trial whose process died RETRIES + 1 times is enqueued no more: the processes stop waiting for it."""
    space = parse_grid(["lr=0.1"], base)
    shared = begin(f"journal:{tmp_path / 'study.log'}", "given-up", Plan.of(space, "grid", 1), "en")
    [trial] = _take(shared, PULL)
    assert not settled(shared.study, 1)
    shared.storage.set_trial_system_attr(trial._trial_id, "retry_history", list(range(RETRIES)))  # Optuna's record
    shared.storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL)
    assert settled(shared.study, 1)
    work(shared, halt=lambda: False)  # returns: nothing is left to wait for


@pytest.mark.slow
def test_a_study_finished_elsewhere_is_reported_not_trained_again(base, store, tmp_path):
    """`tutor sweep` on a study already complete trains nothing: it reports the study's trials, saved in the store
    of whoever coordinated it (the same runs, when that is this store); a worker joining late leaves at once."""
    space, url = parse_grid(GRID, base), f"journal:{tmp_path / 'study.log'}"
    first = sweep(space, "grid", store=store, storage=url, study="done")
    elsewhere = Store(tmp_path / "elsewhere.db")
    late = sweep(space, "grid", store=elsewhere, storage=url, study="done")
    assert elsewhere.runs(limit=100) == [] and [tr.run_id for tr in late.trials] == [None] * 6
    assert [tr.val_loss for tr in late.ranked()] == [tr.val_loss for tr in first.ranked()]
    assert late.best.params == first.best.params and late.stopped is None
    again = sweep(space, "grid", store=store, storage=url, study="done")
    assert sorted(tr.run_id for tr in again.trials) == sorted(tr.run_id for tr in first.trials)
    assert len(store.runs(limit=100)) == 6 and len(trials_of(url, "done")) == 6  # nothing trained twice
    joined = subprocess.run([sys.executable, "-m", "tutor", "--lang", "en", "worker", "--storage", url, "--study",
                             "done"], capture_output=True, text=True, timeout=120)
    assert joined.returncode == 0 and joined.stderr == "", joined.stderr
    assert joined.stdout.splitlines()[-1] == "The study is complete (6 trials): 0 were trained here."


@pytest.mark.slow
def test_a_server_gone_mid_search_is_one_line_and_keeps_the_trials_saved(isolated_home, doomed_postgres):
    """PostgreSQL stopped as soon as a first round is saved, while the other process's round trains (the study
    cannot be complete then, whichever process is faster): the coordinator and the worker each say so in one line
    (no traceback), exit 2, and the coordinator's line counts the trials saved, which stay in the local store."""
    url, stop = doomed_postgres
    # rounds of seconds (6 000 epochs of 100 steps): the round in flight is far from done when the server stops
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "--lang", "en", "sweep", "--samples", "1000", "--hidden",
                             "16", "--epochs", "6000", "--batch-size", "8", "--random", "12", "--space",
                             "lr=log:1e-3:1", "--storage", url, "--study", "gone"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    joined = proc.stderr.readline()  # the line that joins the study
    helper, store = worker(url, "gone"), Store(isolated_home / "tutor.db")
    deadline = time.monotonic() + 240
    while len(store.runs(limit=20)) < PULL and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # a first round is saved: at most 2 of the 3 rounds can end before the server is gone
    stop()
    out, err = proc.communicate(timeout=120)
    [lost] = err.strip().splitlines()
    assert proc.returncode == 2 and joined.startswith("Study gone.") and "Traceback" not in err, err
    assert lost.startswith("tutor: --storage postgresql+psycopg://tutor@/postgres") and "stopped answering (" in lost
    kept = len(store.runs(limit=20))
    assert kept >= PULL and lost.endswith(f"{kept} of 12 trials are saved here (runs 1–{kept}), and the same "
                                              "command continues the study once it answers again"), lost
    assert helper.wait(60) == 2, helper.communicate()
    said = helper.stderr.read()
    assert len(said.splitlines()) == 1 and said.startswith("tutor: --storage postgresql+psycopg://tutor@/postgres?")
    assert "stopped answering (" in said, said
