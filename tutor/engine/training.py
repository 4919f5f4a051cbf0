"""The training loop: one run, or several runs of one shape trained together as one batched model.

Each epoch shuffles the training set once on the host and sends it to the device as one tensor; every
step is one call of a captured TinyJit that picks its mini-batch by a bound Variable, updates all
parameters in one fused expression and writes its statistics (loss, gradient norms, update size) into
an epoch buffer. The host reads that buffer once per epoch, so steps never wait on each other.
"""

import math
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext

import numpy as np
from tinygrad import Tensor, TinyJit, Variable, dtypes
from tinygrad.device import Buffer
from tinygrad.engine.jit import JitError
from tinygrad.helpers import PARALLEL, SPEC

from tutor.config import ExperimentConfig
from tutor.data import Split, load, rng
from tutor.engine import jitcache, kernelopts, program
from tutor.engine.device import resolve
from tutor.engine.fpmode import subnormals_flushed
from tutor.engine.gate import turn
from tutor.engine.model import Layout, cross_entropy, dead_fraction, forward, layout_of, unit_extremes, views
from tutor.engine.optim import ALIVE, STEPS, family, hyperparameters, update
from tutor.engine.result import Divergence, Epoch, Metrics, RunResult, Status

# A captured step's kernels reach tinygrad's compiler a few at a time, so its pool of compiling processes
# (each importing tinygrad, renewed every 16 kernels) costs more than it saves: a new shape is captured
# sooner by this process alone (a cold 16-trial sweep on 2 cores: 12-15 s with the pool, 7-12 s without).
PARALLEL.value = 0
SPEC.value = 0  # tinygrad's checks of its own graphs, ~3% of a capture: they change nothing they pass
kernelopts.install()
jitcache.install()

# A run has diverged when a loss is not finite or absurd (a probability of e^-1000 on the right
# class), or when the weights' root mean square has grown past this (they start below ~1).
MAX_LOSS, MAX_WEIGHT_RMS = 1e3, 1e3
LANES = 16  # partial sums a norm keeps: 16 independent additions in one vector register, not one chain
MAX_KEPT_PARAMS = 20_000  # a run keeps its trained weights (for pictures of what it learnt) up to this size
EVAL_CHUNK = 4096  # examples evaluated at once: 100 000 examples through wide layers fit in memory
TRAIN, VAL = 1, 2  # the role column of the evaluated examples (0: padding up to whole chunks)


def train(cfg: ExperimentConfig, on_epoch: Callable[[Epoch], None] | None = None,
          should_stop: Callable[[], bool] | None = None) -> RunResult:
    """Train one config; `on_epoch` sees each epoch as it ends, `should_stop` is polled between steps."""
    return train_batch([cfg], on_epoch and (lambda _, e: on_epoch(e)), should_stop)[0]


def batch_key(cfg: ExperimentConfig) -> tuple:
    """Configs with equal keys share data and network shape, so they can train as one batched model."""
    return (cfg.dataset, cfg.n_samples, cfg.noise, cfg.n_classes, cfg.hidden, cfg.activation,
            family(cfg.optimizer), cfg.batch_size, cfg.val_fraction, cfg.seed, cfg.device)


def train_batch(cfgs: Sequence[ExperimentConfig], on_epoch: Callable[[int, Epoch], None] | None = None,
                should_stop: Callable[[], bool] | None = None) -> list[RunResult]:
    """Train configs of one `batch_key` together; results equal those of each config trained alone.

    They train `padded` to a power of two, so that a few captures of a shape serve every batch of it.
    Training waits for its turn (`gate.turn`); a stop while waiting gives runs cancelled before epoch 1.
    """
    if len({batch_key(c) for c in cfgs}) != 1:
        raise ValueError("train_batch needs configs that share a batch_key")
    n = len(cfgs)
    should_stop = should_stop or (lambda: False)
    shown = on_epoch and (lambda j, e: on_epoch(j, e) if j < n else None)
    with turn(should_stop) as granted:
        return _Batch(padded(list(cfgs))).run(shown, should_stop if granted else lambda: True)[:n]


def padded(cfgs: list[ExperimentConfig]) -> list[ExperimentConfig]:
    """The configs plus copies of the last, up to a power of two (1, 2, 4, 8, 16...)."""
    return cfgs + cfgs[-1:] * (2 ** math.ceil(math.log2(len(cfgs))) - len(cfgs))


def prepare(cfgs: Sequence[ExperimentConfig]) -> None:
    """Capture and compile the shape of configs that train together (nothing to do for a cached one), so
    that their first run starts at once."""
    _Batch(padded(list(cfgs)))


class _Batch:
    """The device state of `trials` networks of one shape, and the compiled program or captured steps
    that train them."""

    def __init__(self, cfgs: list[ExperimentConfig]) -> None:
        self.start = time.perf_counter()
        self.cfgs, cfg = cfgs, cfgs[0]
        self.device = resolve(cfg.device)
        self.data: Split = load(cfg)
        self.layout: Layout = layout_of(cfg, self.data.n_features)
        self.n_train, self.n_val = len(self.data.y_train), len(self.data.y_val)
        self.batch = min(cfg.batch_size, self.n_train)
        self.steps = math.ceil(self.n_train / self.batch)
        self.rows = max(self.steps, 2)  # a Variable needs a range of at least two values
        self.kind = family(cfg.optimizer)
        trials, n_params = len(cfgs), self.layout.n_params

        total = self.n_train + self.n_val
        self.chunk = min(total, EVAL_CHUNK)
        self.chunks = math.ceil(total / self.chunk)
        examples = np.zeros((max(self.chunks, 2) * self.chunk, self.data.n_features + 2), np.float32)
        examples[:total, :-1] = _with_labels(np.concatenate([self.data.x_train, self.data.x_val]),
                                             np.concatenate([self.data.y_train, self.data.y_val]))
        examples[:total, -1] = np.repeat([TRAIN, VAL], [self.n_train, self.n_val])
        self.units = sum(self.layout.sizes[1:-1])
        hp = [hyperparameters(c.optimizer, c.lr, c.momentum, c.weight_decay) + [0, 1] for c in cfgs]
        start = {  # every buffer the step and the evaluation work on, as it starts
            "theta": np.stack([self.layout.init(c.activation, rng(c.seed, "init")) for c in cfgs]),
            "state": np.zeros((2, trials, n_params)),  # adam's moments, or momentum's velocity
            "hp": np.array(hp),  # lr, momentum, weight decay, steps taken, 1 until diverged
            "batches": np.zeros((self.rows * self.batch, self.data.n_features + 1)),  # the epoch's examples in order
            "stats": np.zeros((self.rows, trials, 3 + len(self.layout.layers))),  # each step's statistics
            "examples": examples,
            "partials": np.zeros((max(self.chunks, 2), trials, 4 + self.units)),  # each evaluated chunk's sums
        }
        start = {name: np.ascontiguousarray(a, dtype=np.float32) for name, a in start.items()}
        self.train_rows = np.ascontiguousarray(start["examples"][: self.n_train, :-1])  # features and label
        self.shuffle = rng(cfg.seed, "shuffle")
        self.stride = 1  # steps between two looks at should_stop

        shape = (self.device, trials, self.layout.sizes, cfg.activation, self.n_train, self.n_val)
        step_key = jitcache.key_of("step", self.kind, self.batch, self.rows, self.chunk, *shape)  # the program's too
        # a shape compiled before runs at once, without tinygrad; else capture it (and compile it, on the CPU)
        self.program = program.load(step_key, start) if program.applies(self.device) else None
        if self.program is None:
            self.capture(step_key, shape, start)

    def capture(self, step_key: str, shape: tuple, start: dict[str, np.ndarray]) -> None:
        """The buffers as tinygrad tensors, the captured step and evaluation, and their epoch program."""
        self.theta, self.state, self.hp, self.batches, self.stats, self.examples, self.partials = (
            Tensor(a, device=self.device).realize() for a in start.values())
        self.i = Variable("step", 0, self.rows - 1)
        self.c = Variable("chunk", 0, max(self.chunks, 2) - 1)
        keys = step_key, jitcache.key_of("eval", self.chunk, *shape)
        # for the epoch program, kernels are only rendered: it compiles them all at once
        with jitcache.rendering() if program.applies(self.device) else nullcontext():
            self.step_jit = self._captured(keys[0], self._step,
                                           lambda: (*self._scratch(), self.batches, self.stats, self.i.bind(0)))
            self.eval_jit = self._captured(keys[1], self._evaluate,
                                           lambda: (self.theta, self.examples, self.partials, self.c.bind(0)))
        names = list(start)
        self.program = program.build(step_key, (self.step_jit.captured, dict(zip(names[:5], self.step_inputs))),
                                     (self.eval_jit.captured, dict(zip(["theta", *names[5:]], self.eval_inputs))))
        if self.program is None:  # replayed: every kernel needs its own object
            for key, jit in zip(keys, (self.step_jit, self.eval_jit)):
                jitcache.put(key, jitcache.runnable(jit))

    @property
    def step_inputs(self) -> tuple[Tensor, ...]:
        return self.theta, self.state, self.hp, self.batches, self.stats

    @property
    def eval_inputs(self) -> tuple[Tensor, ...]:
        return self.theta, self.examples, self.partials

    def _tensor(self, a: np.ndarray) -> Tensor:
        return Tensor(np.ascontiguousarray(a, dtype=np.float32), device=self.device).realize()

    # -- the two captured functions ------------------------------------------------------------

    def _step(self, theta, state, hp, batches, stats, i) -> Tensor:
        rows = batches.shrink(((i * self.batch, (i + 1) * self.batch), None))
        x, y = rows[:, :-1], rows[:, -1].cast(dtypes.int32)
        params = views(theta, self.layout)
        logits, _ = forward(params, x, self.cfgs[0].activation)
        loss = cross_entropy(logits, y, self.data.n_classes).mean(-1)
        # the gradient of each layer on its own, packed into one flat buffer: asking for the flat buffer's
        # gradient directly fuses every layer's into one kernel that loops over all of them
        trials, n = theta.shape
        grad = Tensor.empty(trials, n, device=self.device)
        _packed(grad, [g.reshape(trials, -1) for g in loss.sum().gradient(*params)])
        layer_sq = Tensor.stack(*[_sum_sq(grad[:, o:o + a * b + b]) for o, a, b in self.layout.layers], dim=-1)
        norm = lambda a: _sum_sq(a).unsqueeze(-1).sqrt()  # noqa: E731
        weights = norm(theta.detach())
        # a trial that diverges stops here: its weights freeze as they were when it blew up
        ok = (loss.unsqueeze(-1) < MAX_LOSS) & (weights < MAX_WEIGHT_RMS * self.layout.n_params**0.5)
        alive = hp[:, ALIVE:ALIVE + 1] * ok.float()
        t = hp[:, STEPS:STEPS + 1] + alive
        delta = (alive > 0).where(update(self.kind, theta, grad, state[0], state[1], t.maximum(1), hp), 0)
        row = Tensor.cat(loss.unsqueeze(-1), norm(delta), weights, layer_sq.sqrt(), dim=-1)
        stats[i].assign(row)
        hp[:, STEPS:ALIVE + 1].assign(Tensor.cat(t, alive, dim=-1))
        theta.assign(theta.detach() - delta)
        return stats.realize(theta, state, hp)

    def _evaluate(self, theta, examples, partials, c) -> Tensor:
        """Chunk `c` of the examples: per trial, its sums of loss and of right answers over training
        and validation examples, and each hidden unit's extreme pre-activation on training examples."""
        rows = examples.shrink(((c * self.chunk, (c + 1) * self.chunk), None))
        y, role = rows[:, -2].cast(dtypes.int32), rows[:, -1]
        logits, hidden = forward(views(theta, self.layout), rows[:, :-2], self.cfgs[0].activation)
        losses = cross_entropy(logits, y, self.data.n_classes)
        right = (logits.argmax(-1) == y.unsqueeze(0)).float()
        train, val = role == TRAIN, role == VAL
        sums = Tensor.stack(*[m.where(v, 0).sum(-1) for m in (train, val) for v in (losses, right)], dim=-1)
        _packed(partials[c], [sums, *unit_extremes(hidden, train, self.cfgs[0].activation)])
        return partials.realize()

    def _scratch(self) -> tuple[Tensor, Tensor, Tensor]:
        """Copies of the trained state, for warming up a new capture without touching the real one."""
        theta, state, hp = (self._tensor(a.numpy()) for a in (self.theta, self.state, self.hp))
        return theta, state, hp

    def _captured(self, key: str, fn: Callable, warmup_args: Callable[[], tuple]) -> TinyJit:
        """The captured JIT for `key`. A cached one is first checked on `warmup_args`; a new one runs
        twice on them (TinyJit runs the first call eagerly and captures the second), so every real
        step of every run goes through the same compiled graph; then it is cached."""
        jit, ready = jitcache.get(key, fn)
        if ready:
            try:
                jit(*warmup_args())
                return jit
            except JitError:  # captured by other code, or for other inputs: capture it again
                jitcache.forget(key)
                jit = TinyJit(fn)
        jit.cnt = 1  # every input is realized and the function pure: capture on the first call, skip the eager one
        jit(*warmup_args())
        jitcache.put(key, jit)
        return jit

    # -- the loop ------------------------------------------------------------------------------

    def epoch_order(self) -> np.ndarray:
        """Each training example once, in a fresh order, padded from the next shuffle to whole batches."""
        need, parts = self.rows * self.batch, []
        while sum(map(len, parts)) < need:
            parts.append(self.shuffle.permutation(self.n_train))
        return np.concatenate(parts)[:need]

    @staticmethod
    def replayer(jit: TinyJit, inputs: tuple[Tensor, ...], var: Variable) -> Callable[[int], None]:
        """A function replaying a captured step or evaluation chunk `i`. The first call goes through
        TinyJit, which checks every input against the capture; later ones replay the captured graph."""
        checked = False

        def replay(i: int) -> None:
            nonlocal checked
            if not checked:
                jit(*inputs, var.bind(i))
                checked = True
            else:
                captured(buffers, {var.expr: i})

        captured, buffers = jit.captured, [t.uop.base for t in inputs]
        return replay

    def train_epoch(self, order: np.ndarray, replay: Callable[[int], None] | None,
                    should_stop: Callable[[], bool]) -> np.ndarray:
        """Trains on the examples in `order` until the epoch ends or `should_stop`; the steps' statistics.

        The epoch program runs the steps in chunks that double while one takes under 20 ms, so a stop
        waits for no more than that; a replay looks at `should_stop` before every step."""
        if self.program:
            np.take(self.train_rows, order, axis=0, out=self.program.arrays["batches"])
        else:
            _upload(self.batches, self.train_rows[order])
        done = 0
        with subnormals_flushed():
            while done < self.steps and not should_stop():
                last, start = min(self.steps, done + self.stride), time.perf_counter()
                if self.program:
                    self.program.steps(done, last)
                    self.stride = self.stride * 2 if time.perf_counter() - start < 0.02 else max(1, self.stride // 2)
                else:
                    replay(done)
                done = last
        stats = self.program.arrays["stats"] if self.program else self.stats.numpy()
        return stats[:done].astype(np.float64)

    def evaluate(self, replay: Callable[[int], None] | None) -> np.ndarray:
        """Per trial: training loss and accuracy, validation loss and accuracy, and the dead fraction."""
        with subnormals_flushed():
            if self.program:
                self.program.evaluate(self.chunks)
            else:
                for c in range(self.chunks):
                    replay(c)
        parts = self.program.arrays["partials"] if self.program else self.partials.numpy()
        parts = parts[: self.chunks].astype(np.float64)
        sums, extremes = parts[..., :4].sum(0), parts[..., 4:]
        extremes = extremes.max(0) if self.cfgs[0].activation in ("relu", "leaky_relu") else extremes.min(0)
        with np.errstate(all="ignore"):
            means = sums / np.array([self.n_train, self.n_train, self.n_val, self.n_val])
        return np.concatenate([means, dead_fraction(extremes, self.cfgs[0].activation)[:, None]], axis=1)

    def run(self, on_epoch, should_stop) -> list[RunResult]:
        trials = range(len(self.cfgs))
        started = time.perf_counter()
        replay = None if self.program else self.replayer(self.step_jit, self.step_inputs, self.i)
        replay_eval = None if self.program else self.replayer(self.eval_jit, self.eval_inputs, self.c)
        init = [Metrics(**_metrics(row)) for row in self.evaluate(replay_eval)]
        history: list[list[Epoch]] = [[] for _ in trials]
        losses: list[list[float | None]] = [[] for _ in trials]
        status: list[Status | None] = [None] * len(self.cfgs)
        diverged: list[Divergence | None] = [None] * len(self.cfgs)
        weight_rms_scale = 1 / math.sqrt(self.layout.n_params)
        for epoch in range(1, max(c.epochs for c in self.cfgs) + 1):
            stats = self.train_epoch(self.epoch_order(), replay, should_stop)
            done_steps = len(stats)
            metrics = self.evaluate(replay_eval)
            for j in trials:
                if status[j] is not None:
                    continue
                s = stats[:, j]
                bad = ~np.isfinite(s[:, 0]) | (s[:, 0] > MAX_LOSS) | (s[:, 2] * weight_rms_scale > MAX_WEIGHT_RMS)
                cut = int(np.argmax(bad)) + 1 if bad.any() else len(s)
                s = s[:cut]
                losses[j].extend(_finites(s[:, 0]))
                step = (epoch - 1) * self.steps + cut
                if cut:
                    history[j].append(_epoch(epoch, step, s, metrics[j]))
                    if on_epoch:
                        on_epoch(j, history[j][-1])
                if bad.any():
                    reason = "nan" if not np.isfinite(s[-1, 0]) else "loss" if s[-1, 0] > MAX_LOSS else "weights"
                    status[j], diverged[j] = "diverged", Divergence(epoch=epoch, step=step, reason=reason)
                elif done_steps < self.steps:
                    status[j] = "cancelled"
                elif epoch == self.cfgs[j].epochs:
                    status[j] = "completed"
            if all(s is not None for s in status):
                break
        now = time.perf_counter()
        theta = self.program.arrays["theta"] if self.program else self.theta.numpy()
        weights = theta.copy() if self.layout.n_params <= MAX_KEPT_PARAMS else None
        return [
            RunResult(config=c, status=status[j] or "cancelled", init=init[j], history=history[j],
                      step_losses=losses[j], diverged_at=diverged[j], steps_per_epoch=self.steps,
                      batch_size_used=self.batch, n_train=self.n_train, n_val=self.n_val,
                      n_params=self.layout.n_params, device=self.device, params=_kept(weights, j),
                      seconds=round(now - self.start, 3), train_seconds=round(now - started, 3))
            for j, c in enumerate(self.cfgs)
        ]


def _packed(dest: Tensor, parts: list[Tensor]) -> None:
    """Each part written into the next columns of `dest`'s last axis. Not a concatenation: that computes
    every part for every column and tests each element against every part's range."""
    at = 0
    for part in parts:
        dest[..., at:at + part.shape[-1]].assign(part)
        at += part.shape[-1]


def _sum_sq(a: Tensor) -> Tensor:
    """Each row's sum of squares (trials, n) -> (trials,): `LANES` partial sums over whole rows of lanes,
    then those and the rest."""
    whole = a.shape[-1] - a.shape[-1] % LANES
    lanes = (a[:, :whole] ** 2).reshape(a.shape[0], -1, LANES).sum(1).contiguous()
    return lanes.sum(-1) + (a[:, whole:] ** 2).sum(-1)


def _with_labels(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Features and label in one float32 array: one device buffer, one JIT input."""
    return np.concatenate([x, y[:, None]], axis=1).astype(np.float32)


def _upload(t: Tensor, a: np.ndarray) -> None:
    """Overwrite a realized device tensor in place (no new buffer, no graph)."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    t.uop.buffer.copy_from(Buffer("PYTHON", a.size, dtypes.float32, opaque=memoryview(a).cast("B")))


def _finite(x: float) -> float | None:
    """A float for JSON: six significant digits (float32 carries no more), None if not finite."""
    return float(f"{x:.6g}") if math.isfinite(x) else None


def _finites(a: np.ndarray, digits: int = 6) -> list[float | None]:
    """`_finite` of each value (to `digits` significant digits), formatted in one call when all are finite
    (a step's loss: 1 µs -> 0.2)."""
    if not np.isfinite(a).all():
        return [float(f"{x:.{digits}g}") if math.isfinite(x) else None for x in a]
    return list(map(float, (f"%.{digits}g " * len(a) % tuple(a.tolist())).split()))


def _kept(weights: np.ndarray | None, trial: int) -> list[float] | None:
    if weights is None or not np.isfinite(weights[trial]).all():
        return None
    return _finites(weights[trial].astype(np.float64), 7)


def _metrics(row: np.ndarray) -> dict[str, float | None]:
    return dict(zip(("train_loss", "train_acc", "val_loss", "val_acc"), _finites(row[:4])))


def _epoch(epoch: int, step: int, s: np.ndarray, row: np.ndarray) -> Epoch:
    """An epoch's record from its step statistics (loss, |step|, |weights|, layer grad norms...) and its
    evaluation row (whose dead fraction, a share of units, is always finite). Means are sums over counts,
    as NumPy's `mean` computes them, without its per-call overhead."""
    n = len(s)
    with np.errstate(all="ignore"):
        grad = np.sqrt(np.square(s[:, 3:]).sum(-1)).sum() / n
        ratio = (s[:, 1] / np.maximum(s[:, 2], 1e-12)).sum() / n
    return Epoch(epoch=epoch, step=step, **_metrics(row), grad_norm=_finite(grad), update_ratio=_finite(ratio),
                 dead_fraction=float(row[4]), layer_grad_norms=_finites(s[:, 3:].sum(0) / n))
