"""Searches on small moons: each method finishes and stores every trial; batching changes no result;
budgets, stop requests and Ctrl+C keep what finished. Shapes are few: captures cost seconds."""

import os
import socket

import numpy as np
import pytest

from tutor.engine.training import padded, train
from tutor.tune import sweep as sweep_module
from tutor.tune.results import Trial
from tutor.tune.space import parse_grid, parse_space
from tutor.tune.sweep import edge, sweep

GRID = ["lr=0.001,0.01,0.1", "weight_decay=0,0.01"]
SPACE = ["lr=log:1e-4:1", "weight_decay=float:0:0.1"]


def stored(store) -> list:
    return store.runs(limit=1000)


@pytest.mark.slow
def test_a_3x2_grid_finds_the_best_lr_at_the_edge(base, store):
    seen = []
    result = sweep(parse_grid(GRID, base), "grid", store=store, on_trial=lambda tr, n: seen.append((tr.number, n)))
    assert len(result.trials) == 6 and sorted(seen) == [(i, 6) for i in range(6)]
    assert all(tr.status == "completed" and tr.epochs_run == 3 and not tr.pruned for tr in result.trials)
    assert sorted(tr.run_id for tr in result.trials) == sorted(r.id for r in stored(store))
    assert all(run.diagnoses and run.result["config"]["samples"] == 200 for run in stored(store))
    assert result.best.params["lr"] == 0.1 and result.best.val_loss == min(tr.val_loss for tr in result.trials)
    assert result.importances["lr"] > result.importances["weight_decay"]
    assert result.edge.field == "lr" and result.edge.side == "high"
    doc = result.to_json()
    assert [tr["val_loss"] for tr in doc["trials"]] == sorted(tr.val_loss for tr in result.trials)
    assert doc["edge_warning"] == "lr" and doc["best"]["config"]["lr"] == 0.1 and doc["method"] == "grid"


@pytest.mark.slow
def test_batched_grid_trials_equal_the_same_configs_alone(base, store):
    result = sweep(parse_grid(GRID, base), "grid", store=store)
    for tr in result.trials:
        alone = train(tr.config)
        together = store.run(tr.run_id).result["history"]
        np.testing.assert_allclose([e["val_loss"] for e in together], [e.val_loss for e in alone.history], rtol=1e-4)


@pytest.mark.slow
def test_random_search_of_12_is_seeded_and_batched(base, store):
    first = sweep(parse_space(SPACE, base), "random", 12, store=store)
    again = sweep(parse_space(SPACE, base), "random", 12, store=store)
    assert len(first.trials) == 12 and len(stored(store)) == 24
    assert [tr.params for tr in first.trials] == [tr.params for tr in again.trials]
    assert all(1e-4 <= tr.params["lr"] <= 1 and tr.status == "completed" for tr in first.trials)
    assert first.best and set(first.importances) == {"lr", "weight_decay"}


@pytest.mark.slow
def test_bayesian_search_of_12_learns_and_prunes(base, store):
    result = sweep(parse_space([*SPACE, "activation=choice:relu,tanh"], base), "bayes", 12, store=store)
    assert len(result.trials) == 12 and len(stored(store)) == 12
    assert {tr.status for tr in result.trials} <= {"completed", "pruned", "diverged"}
    assert all(tr.pruned == (tr.status == "pruned") for tr in result.trials)
    assert all(tr.epochs_run < 3 for tr in result.trials if tr.pruned)
    assert result.best.val_loss < 0.3 and set(result.importances) == {"lr", "weight_decay", "activation"}


@pytest.mark.slow
def test_a_budget_stops_launching_trials(base, store):
    result = sweep(parse_space(SPACE, base), "bayes", 12, budget=1e-6, store=store)
    assert result.stopped == "budget" and len(result.trials) == 1 and len(stored(store)) == 1


@pytest.mark.slow
def test_a_stop_request_keeps_the_finished_trials(base, store):
    seen = []
    result = sweep(parse_space(SPACE, base), "bayes", 12, store=store, should_stop=lambda: len(seen) >= 3,
                   on_trial=lambda tr, n: seen.append(tr))
    assert result.stopped == "interrupted" and len(result.trials) == 3 and len(stored(store)) == 3


@pytest.mark.slow
def test_ctrl_c_keeps_the_finished_trials(base, store):
    def interrupt(trial: Trial, planned: int) -> None:
        if trial.number == 1:
            raise KeyboardInterrupt

    result = sweep(parse_space(SPACE, base), "bayes", 12, store=store, on_trial=interrupt)
    assert result.stopped == "interrupted" and [tr.number for tr in result.trials] == [0, 1]


@pytest.mark.slow
def test_groups_train_in_worker_processes_with_the_same_results(base, store):
    space = parse_grid([*GRID, "seed=0,1"], base)  # two batch keys of one captured shape
    pooled = sweep(space, "grid", store=store, workers=2)
    local = sweep(space, "grid", store=store, workers=1)
    assert [tr.val_loss for tr in pooled.trials] == [tr.val_loss for tr in local.trials]
    assert len(pooled.trials) == 12 and len(stored(store)) == 24
    assert {tr.worker for tr in local.trials} == {f"{socket.gethostname()}:{os.getpid()}"}  # who trained each
    assert f"{socket.gethostname()}:{os.getpid()}" not in {tr.worker for tr in pooled.trials}


def test_the_pool_has_a_worker_per_core_this_process_may_run_on(base, store, monkeypatch):
    """Under taskset or a container's CPU limit the machine's count would oversubscribe the cores given."""
    pools = []
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3})
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    monkeypatch.setattr(sweep_module, "_in_workers", lambda todo, control, keep, workers: pools.append(workers))
    sweep(parse_grid(["seed=0,1,2"], base), "grid", store=store)  # three batch keys: three chunks
    assert pools == [2]


def test_chunks_pad_to_a_power_of_two(base):
    assert [len(padded([base] * n)) for n in (1, 2, 3, 5, 9, 16)] == [1, 2, 4, 8, 16, 16]


@pytest.mark.parametrize(("lr", "side"), [(1.2e-4, "low"), (0.9, "high"), (0.01, None)])
def test_edge_warning_near_the_ends_of_a_sampled_range(base, lr, side):
    space = parse_space(SPACE, base)
    best = Trial(number=0, params={"lr": lr, "weight_decay": 0.05}, config=base, status="completed", val_loss=0.1,
                 val_acc=0.9, epochs_run=3, pruned=False, run_id=1, worker="lab:1")
    found = edge(space, best, {"lr": 0.9, "weight_decay": 0.1})
    assert (found and found.side) == side and (found is None or found.field == "lr")
