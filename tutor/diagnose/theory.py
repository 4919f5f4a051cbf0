"""The rules of thumb behind the diagnoses, with where each comes from.

Every threshold a rule crosses is named here, so a diagnosis can quote it. Losses are compared in
units of the chance loss ln(classes) unless said otherwise, so one threshold fits 2 or 10 classes.
"""

import math

from tutor.diagnose.signals import MIN_EPOCHS_FOR_TREND, Signals

# Karpathy, CS231n "Neural Networks Part 3": one update should change the weights by about 1e-3 of
# their size. Ten times below, the weights barely move; a hundred times above, one step rewrites a
# tenth of the network and throws it out of the region where the gradient was measured.
UPDATE_RATIO_GOOD = 1e-3
UPDATE_RATIO_LOW = 1e-4
UPDATE_RATIO_HIGH = 1e-1

# The descent lemma: with a learning rate below 2/L (L, the curvature) every gradient step lowers
# the loss. The loss on the whole training set climbing back by a tenth of the chance loss cannot be
# mini-batch noise: the steps overshoot (Google's tuning playbook: instability above the best lr).
LOSS_RISE = 0.1

# Just above that edge the steps overshoot only along the sharpest directions: the loss wobbles
# back up around the minimum it found but the network still fits (Cohen et al. 2021, "edge of
# stability"); far above, the steps undo what was learned and the loss climbs back to chance or past
# it. A climb that stays under half the chance loss, in a run whose first steps were not huge and
# whose units are alive, is the first kind: a third of the lr is below the edge, a tenth crawls.
NEAR_EDGE_LOSS = 0.5

# A loss curve that has flattened gains almost nothing in its last third; one that still gives a
# tenth of all its progress there, and at least 2% of the chance loss, has more to give. Whether a
# curve has flattened can only be read from a curve: with fewer epochs than this, it is too early.
STILL_FALLING_SHARE = 0.1
STILL_FALLING_DROP = 0.02
MIN_EPOCHS_TO_JUDGE = MIN_EPOCHS_FOR_TREND

# Steps add up: once their sizes sum to the weights' own size, the optimiser has had room to move
# anywhere near its start. Steps below the ~1e-3 rule that never got that far mean a crawl (the lr);
# steps of healthy size whose loss has flattened, or not even halved after that far, mean the model.
PATH_LENGTH_ENOUGH = 1.0
PROGRESS_SLOW = 0.5

# Accuracy short of the k-NN reference by this much (or by two standard errors of the reference on
# this many validation examples, if larger) is a real shortfall: high bias (Ng, "bias and variance").
ACC_MARGIN = 0.05
SE_FACTOR = 2.0

# Overfitting (Prechelt, "Early stopping, but when?"): the gap between validation and training loss
# widening by 0.1 nats after the best epoch (the model gives the right class ~10% less probability on
# unseen examples), with the training loss still falling and the validation loss itself up by half
# that (a gap that widens only because the training loss keeps falling is the network still learning);
# or a memorised training set: training loss under a tenth of the validation loss, a gap of at least
# 0.05 nats, and the room to memorise: Zhang et al. (2017) saw networks fit random labels from about
# 24 parameters per training example (an MLP of one 512 layer on CIFAR-10). With fewer, a training
# loss near zero says the classes are separable, not that the examples were learned by heart.
GAP_GROWTH = 0.1
VAL_RISE = GAP_GROWTH / 2
# A validation loss is itself measured on n examples: per-example cross-entropy spreads about twice its
# mean (most examples cost little, the few misclassified most of it), so its standard error is about
# 2·loss/√n. A rise within two of those is noise: on 20 examples a best of 0.15 nats may read 0.28.
LOSS_SPREAD = 2.0
MEMORISED_RATIO = 0.1
MEMORISED_GAP = 0.05
MEMORISING_CAPACITY = 24

# Each sigmoid layer multiplies the backward signal by its derivative, at most 1/4 (tanh: at most 1,
# far less when saturated), so deep stacks fade (Hochreiter 1991; Glorot & Bengio 2010). A first
# layer getting a hundredth of the last layer's gradient learns a hundred times slower.
VANISHING_RATIO = 1e-2
MIN_DEPTH_VANISHING = 3

# Weight decay that pins the weights near zero: the loss stays within a tenth of chance, ln(classes),
# while every step is a hundredth of the weights or more (they are that small). Below 1e-4 no decay
# of these runs' length can do that.
DECAY_MIN = 1e-4
STUCK_AT_CHANCE = 0.9

# More than half of the ReLU units never firing on any training example (Lu et al., "Dying ReLU"). Steps
# within ten times the ~1e-3 rule did not kill them: in layers this narrow a unit whose weighted sum turns
# negative for every example stays off by itself (the fewer units, the likelier a whole layer goes off).
DEAD_FRACTION = 0.5
NARROW = 16

# Gradient noise shrinks as 1/sqrt(batch): at 8 it is twice that of the usual 32, at 1 nearly six
# times; the lr that batch can bear shrinks with it (Goyal et al. 2017, linear scaling rule).
SMALL_BATCH = 8
USUAL_BATCH = 32

# An epoch of 4 updates or fewer: progress is counted in updates, not epochs (Masters & Luschi 2018).
FEW_STEPS_PER_EPOCH = 4


def acc_margin(s: Signals) -> float:
    """The accuracy shortfall against the reference that is more than measurement noise."""
    return beyond_noise(s.reference_se)


def beyond_noise(se: float) -> float:
    """An accuracy change that is more than measurement noise, for an accuracy of standard error `se`."""
    return max(ACC_MARGIN, SE_FACTOR * se)


def val_rise_margin(s: Signals) -> float:
    """The rise of the validation loss above its best that is more than measurement noise."""
    return max(VAL_RISE, SE_FACTOR * LOSS_SPREAD * (s.best_val_loss or 0) / math.sqrt(max(1, s.n_val)))


def short_of_reference(s: Signals) -> bool:
    """Training accuracy clearly below what the k-NN reference reaches on the same data."""
    return s.train_deficit is not None and s.train_deficit > acc_margin(s)


def still_falling(s: Signals) -> bool:
    """The training loss was still going down at the end of the run."""
    return (s.recent_drop is not None and s.recent_drop >= STILL_FALLING_DROP
            and s.recent_share is not None and s.recent_share >= STILL_FALLING_SHARE)


def strength(value: float | None, threshold: float, saturation: float) -> float:
    """0 at the threshold, 1 at saturation, on a log scale (either direction); clipped to [0, 1]."""
    if value is None or value <= 0 or threshold <= 0 or saturation <= 0 or threshold == saturation:
        return 0.0
    x = math.log(value / threshold) / math.log(saturation / threshold)
    return min(1.0, max(0.0, x))
