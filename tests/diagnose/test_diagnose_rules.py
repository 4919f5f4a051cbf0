"""Each rule on a synthetic history built by hand: what it fires on, what it quotes, what it proposes."""

import math

import pytest

from tutor.diagnose import explain
from tutor.diagnose.explain import Advice, firing, fixes
from tutor.diagnose.signals import signals_of
from tutor.engine import Divergence


def decay(a: float, b: float, n: int) -> list[float]:
    """n losses falling exponentially from a to b."""
    return [a * (b / a) ** (i / max(n - 1, 1)) for i in range(n)]


def line(a: float, b: float, n: int) -> list[float]:
    return [a + (b - a) * i / max(n - 1, 1) for i in range(n)]


def codes(run) -> list[str]:
    return [d.code for d in explain(run, "en")]


def candidates(run, code: str) -> list[dict]:
    """The fixes the rule that found `code` would try, likeliest first."""
    s = signals_of(run)
    rule = next(r for r in firing(s) if r.code == code)
    return fixes(rule, s, run.config)


def only(run, code: str):
    found = explain(run, "en")
    assert [d.code for d in found] == [code], [(d.code, d.message) for d in found]
    return found[0]


def test_a_smooth_run_near_the_reference_is_exactly_healthy(run_of):
    d = only(run_of(decay(0.6, 0.02, 30)), "healthy")
    assert d.suggestion == {"lr": 0.03}  # look for the edge: three times the lr
    assert "0.72" in d.message and "98%" in d.message


def test_divergence_is_the_whole_story(run_of):
    run = run_of([0.6, 50.0], train_acc=0.5, diverged_at=Divergence(epoch=2, step=50, reason="loss"),
                 optimizer="sgd", lr=50)
    d = only(run, "diverged")
    assert d.confidence == 1.0 and d.suggestion == {"lr": 5.0}
    assert d.evidence["diverged_epoch"] == 2 and d.evidence["diverged_step"] == 50
    assert "playbook" in d.message and "50" in d.message


def test_a_whole_set_loss_that_climbs_back_means_the_lr_is_too_high(run_of):
    losses = decay(0.7, 0.3, 12) + [0.6, 0.45, 0.62, 0.5, 0.58, 0.52, 0.6, 0.55]
    found = explain(run_of(losses, train_acc=0.7, optimizer="sgd", lr=2.0), "en")
    high = next(d for d in found if d.code == "lr_too_high")
    assert high.evidence["rise_epoch"] == 15 and high.evidence["thresholds"] == {"max_rise": 0.1}
    assert high.suggestion == {"lr": 0.2}
    assert "lr_too_low" not in [d.code for d in found] and "underfitting" not in [d.code for d in found]


def test_huge_first_steps_mean_the_lr_is_too_high(run_of):
    run = run_of([0.69] * 10, train_acc=0.5, update_ratio=[0.3] + [2e-3] * 9, lr=1.0)
    assert codes(run)[0] == "lr_too_high"
    assert "underfitting" not in codes(run)


def test_tiny_steps_mean_the_lr_is_too_low_and_the_fix_aims_at_the_1e3_rule(run_of):
    run = run_of(line(0.72, 0.719, 15), train_acc=0.5, update_ratio=1e-7, optimizer="sgd", lr=1e-6)
    d = only(run, "lr_too_low")
    assert d.suggestion == {"lr": 0.03}  # 1e-6 × min(1e-3 / 1e-7, 1e4) × 3: a few times the rule, past the edge
    assert d.evidence["update_ratio_early"] == 1e-7 and d.evidence["thresholds"] == {"update_ratio_early": 1e-4}
    assert "0.001" in d.message


def test_small_steps_that_never_added_up_mean_the_lr_is_a_little_low(run_of):
    losses = decay(0.6, 0.3, 10) + [0.3 - 1e-4 * i for i in range(10)]
    d = only(run_of(losses, train_acc=0.85, update_ratio=2e-4, lr=1e-4), "lr_too_low")
    assert d.evidence["path_length"] == 0.1 and d.suggestion == {"lr": 0.002}  # ×5 brings 2e-4 to 1e-3, ×3 past it


def test_a_flat_loss_with_healthy_steps_is_underfitting_even_after_a_short_path(run_of):
    d = only(run_of([0.693] * 10, train_acc=0.5, update_ratio=3e-3, hidden=()), "underfitting")
    assert d.suggestion == {"hidden": (64, 64)} and "50%" in d.message


def test_a_curve_still_falling_at_the_end_wants_more_epochs(run_of):
    d = only(run_of(line(0.7, 0.45, 10), train_acc=0.75), "too_few_epochs")
    assert d.suggestion == {"epochs": 30}
    assert d.evidence["recent_share"] > 0.1


def test_two_epochs_are_too_few_to_judge(run_of):
    d = only(run_of([0.6, 0.59], train_acc=0.7), "too_few_epochs")
    assert d.evidence["epochs_run"] == 2 and d.suggestion == {"epochs": 10}


def test_validation_loss_rising_while_training_loss_falls_is_overfitting(run_of):
    train = decay(0.6, 1e-4, 100)
    val = decay(0.6, 0.2, 20) + line(0.2, 0.6, 81)[1:]
    d = only(run_of(train, val, train_acc=1.0, val_acc=0.85), "overfitting")
    assert d.evidence["best_epoch"] == 20 and d.suggestion == {"epochs": 20}  # stop where validation was best
    # decoupled decay pulls once lr · wd · updates ≈ 1: 1 / (0.01 × 2500) = 0.04, not adam's customary 0.01
    assert {"weight_decay": 0.04} in candidates(run_of(train, val, train_acc=1.0, val_acc=0.85), "overfitting")
    assert "20" in d.message and "early stopping" in d.message


def test_a_validation_loss_rising_within_its_measurement_noise_is_not_overfitting(run_of):
    """0.15 to 0.24 nats is noise on 20 validation examples (standard error ~2 × 0.15 / √20 = 0.07), not on 200."""
    train, val = decay(0.4, 0.2, 50), decay(0.3, 0.15, 5) + line(0.15, 0.24, 46)[1:]
    assert "overfitting" not in codes(run_of(train, val, train_acc=0.9, val_acc=0.9, samples=100, n_params=67_074))
    assert "overfitting" in codes(run_of(train, val, train_acc=0.9, val_acc=0.9, samples=1000, n_params=67_074))


def test_an_accuracy_that_peaked_and_fell_is_also_stopped_at_its_peak(run_of):
    train = decay(0.6, 1e-4, 100)
    val = decay(0.6, 0.2, 20) + line(0.2, 0.6, 81)[1:]
    acc = [0.8] * 39 + [0.9] + [0.8] * 60
    assert candidates(run_of(train, val, train_acc=1.0, val_acc=acc), "overfitting")[:2] == [{"epochs": 20},
                                                                                             {"epochs": 40}]


def test_a_memorised_training_set_is_overfitting_even_if_val_loss_still_falls(run_of):
    memorised = dict(train_acc=1.0, val_acc=0.95, optimizer="momentum", lr=0.05, hidden=(256, 256))
    d = only(run_of(decay(0.6, 1e-5, 100), decay(0.6, 0.1, 100), n_params=67_074, **memorised), "overfitting")
    assert d.suggestion == {"weight_decay": 8e-4}  # 1 / (0.05 / (1 - 0.9) × 2500)
    assert d.evidence["params_per_example"] == 83.84 and "about 24 per example" in d.message
    # the network without the room: one layer of at most (24 × 800 - 2) / (2 + 1 + 2) = 3839 → 2048 units,
    # and no wider than the widest it had
    assert {"hidden": (256,)} in candidates(run_of(decay(0.6, 1e-5, 100), decay(0.6, 0.1, 100), n_params=67_074,
                                                    **memorised), "overfitting")


def test_a_training_loss_near_zero_without_room_to_memorise_is_separable_data_not_overfitting(run_of):
    # 1218 parameters for 800 examples: far below the ~24 per example that memorise random labels
    assert codes(run_of(decay(0.6, 1e-5, 100), decay(0.6, 0.1, 100), train_acc=1.0, val_acc=0.95)) == ["healthy"]


def test_a_gap_that_widens_only_because_training_loss_falls_is_not_overfitting(run_of):
    # the validation loss turned up by 0.01 nats while the training loss fell by 0.12: still learning
    val = decay(0.6, 0.42, 6) + line(0.42, 0.43, 95)[1:]
    assert "overfitting" not in codes(run_of(decay(0.6, 0.24, 100), val, train_acc=0.97, n_params=67_074))


def test_a_flat_loss_far_below_the_reference_is_underfitting(run_of):
    losses = decay(0.6, 0.3, 10) + [0.3 - 1e-4 * i for i in range(40)]
    d = only(run_of(losses, train_acc=0.85, hidden=(3,)), "underfitting")
    assert d.suggestion == {"hidden": (64, 64)}
    assert "85%" in d.message and "98%" in d.message


def test_a_loss_creeping_down_after_plenty_of_healthy_steps_is_underfitting_too(run_of):
    found = codes(run_of(line(0.72, 0.62, 50), train_acc=0.62, update_ratio=4e-3, hidden=(3,)))
    assert "underfitting" in found and "too_few_epochs" in found


def test_batch_of_one_with_an_unstable_loss(run_of):
    found = codes(run_of([0.69, 0.69, 0.85, 0.7], train_acc=0.5, batch_size=1,
                         optimizer="sgd", lr=0.8))
    assert "batch_too_small" in found and "lr_too_high" in found and "batch_too_large" not in found


def test_one_update_per_epoch_is_a_batch_too_large(run_of):
    run = run_of(line(0.78, 0.59, 15), train_acc=0.6, batch_size=800, optimizer="sgd", lr=0.1)
    d = next(d for d in explain(run, "en") if d.code == "batch_too_large")
    assert d.suggestion == {"batch_size": 32}
    assert "25 updates per epoch" in d.message and "a batch of 32" in d.message


def test_a_fading_gradient_in_a_deep_sigmoid_stack_is_vanishing(run_of):
    grads = [10.0 ** -k for k in range(7, -1, -1)] + [0.3]
    d = only(run_of([0.693] * 15, train_acc=0.5, layer_grads=grads, dead=0.0, hidden=(32,) * 8,
                    activation="sigmoid", optimizer="sgd", lr=0.1), "vanishing_gradients")
    assert d.suggestion == {"activation": "relu"}
    assert d.evidence["grad_ratio"] < 1e-2


def test_dead_relus_explain_a_stuck_network_and_silence_vanishing(run_of):
    run = run_of([0.69] * 15, train_acc=0.5, dead=0.8, layer_grads=(0.0, 0.0, 0.4))
    d = only(run, "dead_relu")
    assert d.suggestion == {"lr": 0.001} and "80%" in d.message  # steps too large killed them
    assert {"activation": "leaky_relu"} in candidates(run, "dead_relu")


def test_units_dead_in_narrow_layers_after_ordinary_steps_are_revived_not_slowed(run_of):
    narrow = run_of([0.69] * 15, train_acc=0.5, dead=0.7, update_ratio=3e-3, hidden=(3,) * 6, n_params=77)
    d = only(narrow, "dead_relu")
    assert d.route == "dead_relu_narrow" and d.suggestion == {"activation": "leaky_relu"}, d.message
    assert {"hidden": (16,) * 6} in candidates(narrow, "dead_relu")
    assert not any("lr" in c for c in candidates(narrow, "dead_relu"))  # a smaller step would not save them
    assert "3,3,3,3,3,3" in d.message and "70%" in d.message
    killed = run_of([0.69] * 15, train_acc=0.5, dead=0.7, update_ratio=0.05, hidden=(3,) * 6, n_params=77)
    assert [d.route for d in explain(killed, "en")] == ["dead_relu"]  # steps 50x the rule: the lr comes first


def test_units_killed_by_huge_steps_put_the_lr_first_even_when_surer_of_the_dead_units(run_of):
    run = run_of([0.69] * 15, train_acc=0.5, dead=0.95, update_ratio=0.2, optimizer="sgd", lr=5.0)
    found = explain(run, "en")
    assert [d.code for d in found] == ["lr_too_high", "dead_relu"]
    assert found[1].confidence > found[0].confidence  # the symptom is surer, the cause still comes first
    assert found[0].suggestion["lr"] < 5.0


def test_weight_decay_that_pins_the_weights_is_the_cause_not_the_lr(run_of):
    run = run_of([0.69] * 20, train_acc=0.5, update_ratio=0.3, weight_decay=1.0, lr=0.01)
    d = only(run, "underfitting")
    assert d.suggestion == {"weight_decay": 0.01} and "1" in d.message
    assert {"weight_decay": 0.0} in candidates(run, "underfitting")


def test_validation_loss_climbing_as_training_loss_vanishes_is_overfitting_even_with_large_steps(run_of):
    train = decay(0.6, 1e-4, 60)
    train[30] = 0.4  # one spike of the whole-set loss, as adam's large steps give
    val = decay(0.6, 0.2, 15) + line(0.2, 0.9, 46)[1:]
    found = codes(run_of(train, val, train_acc=1.0, val_acc=0.85, update_ratio=0.2))
    assert "overfitting" in found and "lr_too_high" not in found


def test_a_far_divergence_cuts_the_lr_by_more_than_ten(run_of):
    run = run_of([0.6], train_acc=0.5, diverged_at=Divergence(epoch=1, step=3, reason="nan"), optimizer="sgd", lr=100)
    lrs = [c["lr"] for c in candidates(run, "diverged")]
    assert lrs[0] == 3.0 and 1.0 in lrs and all(lr <= 10 for lr in lrs)



def test_a_loss_that_wobbles_back_up_while_the_network_still_fits_is_cut_by_three(run_of):
    """Just above the edge a tenth of the lr crawls; a climb back to chance, or units killed, is further above."""
    fitted = decay(0.7, 0.02, 14)
    near = run_of([*fitted, 0.18], train_acc=0.93, optimizer="sgd", lr=1.0, activation="tanh")
    assert candidates(near, "lr_too_high")[:2] == [{"lr": 0.3}, {"lr": 0.1}]
    assert "just above the edge: a third" in only(near, "lr_too_high").message  # why a third, in words
    lost = run_of([*fitted, 0.6], train_acc=0.7, optimizer="sgd", lr=1.0, activation="tanh")
    assert candidates(lost, "lr_too_high")[:2] == [{"lr": 0.1}, {"lr": 0.3}]
    assert "a small cut will not do" in next(d for d in explain(lost, "en") if d.code == "lr_too_high").message
    dead = run_of([*fitted, 0.18], train_acc=0.93, optimizer="sgd", lr=1.0, dead=0.8)
    assert candidates(dead, "lr_too_high")[0] == {"lr": 0.1}


    run = run_of([0.6], train_acc=0.5, update_ratio=5.0, diverged_at=Divergence(epoch=1, step=2, reason="loss"),
                 optimizer="sgd", lr=50)
    lrs = [c["lr"] for c in candidates(run, "diverged")]
    assert lrs[0] == 0.5 and lrs[-1] == 2.0  # /100 leaves a first step of 5% of the weights, /30 of 17%

def test_a_crawling_adam_lr_is_raised_to_one_that_trains(run_of):
    run = run_of(line(0.72, 0.719, 15), train_acc=0.5, update_ratio=1e-7, lr=1e-7)
    lrs = [c["lr"] for c in candidates(run, "lr_too_low")]
    assert lrs[0] == 3e-3 and 1e-3 in lrs  # ×1e4 to the 1e-3 rule, ×3 past its edge (adam's usual lr too)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_every_message_quotes_at_least_two_numbers(run_of, lang):
    runs = [run_of(decay(0.6, 0.02, 30)), run_of([0.69] * 15, train_acc=0.5, dead=0.8),
            run_of(line(0.72, 0.719, 15), train_acc=0.5, update_ratio=1e-7, lr=1e-6)]
    for run in runs:
        for d in explain(run, lang):
            numbers = [x for x in d.message.replace("%", " ").split() if any(c.isdigit() for c in x)]
            assert len(numbers) >= 2, d.message


def test_a_run_cancelled_before_its_first_epoch_has_nothing_to_diagnose(run_of):
    run = run_of([0.5]).model_copy(update={"history": [], "step_losses": [], "status": "cancelled"})
    assert explain(run, "en") == []


def test_contract_shape(run_of):
    d = explain(run_of(decay(0.6, 0.02, 30)), "es")[0]
    dumped = d.model_dump()
    assert set(dumped) == {"code", "confidence", "evidence", "message", "suggestion", "verified", "lang", "route",
                           "advice"}
    assert dumped["lang"] == "es" and dumped["advice"] == Advice().model_dump()  # untried: nothing tried yet
    assert 0 < dumped["confidence"] <= 1 and math.isfinite(dumped["confidence"])


def test_a_network_memorised_already_at_its_best_epoch_is_not_stopped_there(run_of):
    val = decay(0.6, 0.1, 60) + line(0.1, 0.15, 41)[1:]
    run = run_of(decay(0.6, 1e-5, 100), val, train_acc=1.0, val_acc=0.95, hidden=(256, 256), n_params=67_074)
    assert codes(run) == ["overfitting"] and {"epochs": 60} not in candidates(run, "overfitting")
