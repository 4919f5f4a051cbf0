"""The real tinygrad engine on small data: accuracy, divergence, determinism, batching, cancelling."""

import numpy as np
import pytest

from tutor.config import DATASETS, ExperimentConfig
from tutor.engine.training import train, train_batch

MOONS = ExperimentConfig(dataset="moons", samples=1000, hidden=(32, 32), optimizer="adam", lr=0.01, batch_size=32,
                         epochs=20, seed=0)


@pytest.mark.slow
def test_moons_reaches_95_percent_and_repeats_exactly():
    a, b = train(MOONS), train(MOONS)
    assert a.status == "completed" and len(a.history) == 20
    assert a.history[-1].val_acc >= 0.95
    assert a.history == b.history and a.step_losses == b.step_losses
    assert len(a.step_losses) == 20 * a.steps_per_epoch == 500


def test_history_rows_carry_every_signal():
    run = train(MOONS.changed(epochs=3))
    e = run.history[0]
    assert e.epoch == 1 and e.step == run.steps_per_epoch
    assert 0 < e.grad_norm and 0 < e.update_ratio < 1 and 0 <= e.dead_fraction <= 1
    assert len(e.layer_grad_norms) == 3 and all(g > 0 for g in e.layer_grad_norms)
    assert run.init.val_loss == pytest.approx(np.log(2), abs=0.3)


def test_sgd_lr_50_diverges_in_the_first_epoch_without_raising():
    run = train(MOONS.changed(optimizer="sgd", lr=50, epochs=5))
    assert run.status == "diverged"
    assert run.diverged_at.epoch == 1 and 1 <= run.diverged_at.step <= run.steps_per_epoch
    assert len(run.history) == 1 and run.history[0].step == run.diverged_at.step


@pytest.mark.slow
@pytest.mark.parametrize("dataset", DATASETS)
def test_every_dataset_beats_chance(dataset):
    cfg = ExperimentConfig(dataset=dataset, epochs=10, hidden=(32, 32) if dataset != "digits" else (64,))
    run = train(cfg)
    chance = 1 / cfg.n_classes
    assert run.status == "completed"
    assert run.history[-1].val_acc > chance + 0.25, (dataset, run.history[-1].val_acc)


@pytest.mark.slow
def test_batched_trials_equal_the_same_configs_alone():
    cfgs = [MOONS.changed(lr=lr, epochs=e) for lr, e in ((0.001, 4), (0.03, 3), (0.2, 4))]
    seen = set()
    batched = train_batch(cfgs, on_epoch=lambda j, _: seen.add(j))  # trains padded to four trials
    assert len(batched) == 3 and seen == {0, 1, 2}
    for cfg, together in zip(cfgs, batched):
        alone = train(cfg)
        assert len(together.history) == cfg.epochs
        got = [e.val_loss for e in together.history]
        want = [e.val_loss for e in alone.history]
        np.testing.assert_allclose(got, want, rtol=1e-4)


@pytest.mark.slow
def test_a_diverging_trial_leaves_its_batch_mates_alone():
    calm, wild = train_batch([MOONS.changed(optimizer="sgd", lr=0.1, epochs=3),
                              MOONS.changed(optimizer="momentum", lr=80, epochs=3)])
    assert wild.status == "diverged" and calm.status == "completed"
    assert calm.history == train(calm.config).history


def test_streams_epochs_and_cancels_between_steps():
    seen = []
    run = train(MOONS, on_epoch=seen.append, should_stop=lambda: len(seen) >= 3)
    assert run.status == "cancelled"
    assert [e.epoch for e in seen] == [1, 2, 3] and run.history == seen


def test_optimisers_and_weight_decay_change_the_run():
    base = MOONS.changed(epochs=2, optimizer="momentum", lr=0.05)
    variants = (base, base.changed(optimizer="sgd"), base.changed(weight_decay=0.1))
    finals = {train(c).history[-1].val_loss for c in variants}
    assert len(finals) == 3


@pytest.mark.slow
def test_batch_larger_than_the_data_is_full_batch():
    run = train(MOONS.changed(batch_size=5000, epochs=2))
    assert run.batch_size_used == run.n_train and run.steps_per_epoch == 1


@pytest.mark.slow
def test_no_hidden_layer_is_a_linear_model():
    run = train(MOONS.changed(hidden=(), epochs=3))
    assert run.n_params == 2 * 2 + 2 and run.history[-1].dead_fraction == 0
