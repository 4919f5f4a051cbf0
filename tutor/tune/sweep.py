"""Hyperparameter searches: grid, random and Bayesian (Optuna's TPE with median pruning).

Grid and random searches know every trial up front, so trials sharing a `batch_key` train together as
one batched model (`train_batch`), in chunks of up to 16 (padded to a power of two there, so that a few
captured steps serve every search); chunks of different shapes run in worker processes. A Bayesian
search runs one trial at a time so that each result informs the next suggestion.
Every trial is stored as a run, with its diagnoses, and names the process that trained it (`host:pid`).
A budget stops launching trials; a stop request keeps finished ones. Worker processes end, with whatever
they started, when the sweep's process ends, however it ends (SIGKILL included).
The engine and the diagnoses load when a search first trains or stores: a shared study (tutor.tune.study)
exists, for its workers to join, before tinygrad has loaded.
"""

import importlib
import math
import multiprocessing
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Literal

import optuna
from optuna.trial import TrialState, create_trial

from tutor.config import ExperimentConfig
from tutor.engine import RunResult
from tutor.i18n import Lang, t
from tutor.priority import cores
from tutor.settings import Settings
from tutor.store import Store
from tutor.tune.results import Edge, Method, SweepResult, Trial
from tutor.tune.space import Space
from tutor.tune.study import Done, Plan, StorageLost, StudyError, begin, finished, reachable, settled, work
from tutor.tune.trials import here, median, random_points, tell, tpe, train_pruned

MAX_BATCH = 16  # trials per batched model; chunks are padded to 1, 2, 4, 8 or 16
EDGE = 0.05  # a sampled best within this share of its range (log scale for log) from an end is at the edge


def trial_of(number: int, params: dict[str, Any], run: RunResult, pruned: bool, run_id: int | None,
             worker: str) -> Trial:
    """A finished trial as its run ended; a cancelled run cut short by pruning counts as pruned."""
    last = run.history[-1] if run.history else None
    return Trial(number=number, params=params, config=run.config, status="pruned" if pruned else run.status,
                 val_loss=last and last.val_loss, val_acc=last and last.val_acc, epochs_run=len(run.history),
                 pruned=pruned, run_id=run_id, worker=worker)


def stored(store: Store, student: str, run: RunResult, lang: Lang) -> int:
    """The run saved with its diagnoses: its id."""
    from tutor.diagnose import explain

    return store.add_run(student, run, [d.model_dump(mode="json") for d in explain(run, lang)])


class Control:
    """When to stop launching trials (budget, request) and whether running ones must stop too."""

    def __init__(self, budget: float | None, should_stop: Callable[[], bool] | None) -> None:
        self.start, self.budget, self.requested = time.perf_counter(), budget, should_stop or (lambda: False)
        self.stopped: Literal["budget", "interrupted"] | None = None
        self.launched = False

    def interrupt(self) -> None:
        self.stopped = "interrupted"

    def halt(self) -> bool:
        """Running trials must stop (a request or Ctrl+C)."""
        if self.stopped != "interrupted" and self.requested():
            self.interrupt()
        return self.stopped == "interrupted"

    def may_launch(self) -> bool:
        """Whether to start another trial (or chunk): the first always starts, the budget stops the rest."""
        if self.halt():
            return False
        if self.launched and self.budget is not None and time.perf_counter() - self.start >= self.budget:
            self.stopped = "budget"
        self.launched = self.launched or self.stopped is None
        return self.stopped is None


def sweep(
    space: Space,
    method: Method,
    n_trials: int = 0,
    *,
    budget: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_trial: Callable[[Trial, int], None] | None = None,
    store: Store,
    student: str = "",
    workers: int | None = None,
    storage: str | None = None,
    study: str | None = None,
    on_join: Callable[[str], None] | None = None,
    on_wait: Callable[[int], None] | None = None,
) -> SweepResult:
    """Run a search over `space` (n_trials for random and bayes); `on_trial(trial, planned)` sees each
    trial as it ends. Ctrl+C (KeyboardInterrupt) or `should_stop` ends it early, keeping finished trials.
    With a `storage` URL the search is an Optuna study that `tutor worker`s join (tutor.tune.study);
    `on_join(name)` hears its name, `on_wait(running)` how many trials others train while this process waits."""
    control = Control(budget, should_stop)
    points = space.points() if method == "grid" else []
    planned = len(points) or n_trials
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    if storage:
        return _coordinate(space, method, planned, storage, study, control=control, store=store, student=student,
                          on_trial=on_trial, on_join=on_join, on_wait=on_wait)
    trials: list[Trial] = []

    def record(number: int, params: dict[str, Any], run: RunResult, pruned: bool = False, worker: str = "") -> None:
        trial = trial_of(number, params, run, pruned, stored(store, student, run, space.lang), worker or here())
        trials.append(trial)
        if on_trial:
            on_trial(trial, planned)

    try:
        if method == "bayes":
            _bayes(space, n_trials, control, record)
        else:
            points = points or random_points(space, n_trials)
            _batched(space, points, control, record, workers or cores())
    except KeyboardInterrupt:
        control.interrupt()
    return summed(space, method, trials, control.stopped, time.perf_counter() - control.start)


def _coordinate(space: Space, method: Method, planned: int, url: str, name: str | None, *, control: Control,
               store: Store, student: str, on_trial: Callable[[Trial, int], None] | None = None,
               on_join: Callable[[str], None] | None = None,
               on_wait: Callable[[int], None] | None = None) -> SweepResult:
    """The coordinator's search: begin or resume the study, train its trials alongside the workers, and
    save each finished trial (by whichever process) into the local store, once; `on_wait(running)` hears, at
    each look while this process has nothing to train, how many trials other processes are training.

    A study that others completed before this coordinator met it (none of its runs is in this store) is only
    reported: nothing is trained, and its runs stay in the store of whoever coordinated it."""
    plan, lang = Plan.of(space, method, planned), space.lang
    name = name or plan.name()
    trials: dict[int, Trial] = {}
    try:
        with reachable(url, lang):
            shared = begin(url, name, plan, lang)
            study = shared.study
            if on_join:
                on_join(name)
            mine = f"runs {here().partition(':')[0]}:{store.path.resolve()}"  # this store's run ids, by number
            saved: dict[str, int] = study.user_attrs.get(mine, {})
            elsewhere = not saved and settled(study, planned)

            def save() -> None:
                new = {}
                for n, frozen in sorted(finished(study).items()):
                    if n in trials:
                        continue
                    done = Done.model_validate_json(frozen.user_attrs["done"])
                    run_id = saved.get(str(n))
                    if run_id is None and not elsewhere:  # not saved by an earlier coordinator with this store
                        run_id = new[str(n)] = stored(store, student, done.run, lang)
                    pruned = frozen.state == TrialState.PRUNED
                    trials[n] = trial_of(n, frozen.params, done.run, pruned, run_id, done.worker)
                    if on_trial:
                        on_trial(trials[n], planned)
                if new:  # one write a round (each costs the journal an fsync)
                    saved.update(new)
                    study.set_user_attr(mine, saved)

            def look() -> None:
                save()
                if on_wait and len(trials) < planned:
                    on_wait(len(study.get_trials(deepcopy=False, states=(TrialState.RUNNING,))))

            if not elsewhere:
                work(shared, control.halt, control.may_launch, between=look)
            save()
    except StorageLost as lost:
        ids = [tr.run_id for tr in trials.values() if tr.run_id is not None]
        if not ids:  # nothing of this search is here to keep
            raise
        raise StudyError(t("tune.storage.kept", lang, lost=str(lost), kept=len(ids), planned=planned,
                           first=min(ids, default="—"), last=max(ids, default="—"))) from None
    return summed(space, method, list(trials.values()), control.stopped if len(trials) < planned else None,
                  time.perf_counter() - control.start)


def summed(space: Space, method: Method, trials: list[Trial], stopped: Literal["budget", "interrupted"] | None,
           seconds: float) -> SweepResult:
    """The search's result from its trials: the best, the importances, the edge warning."""
    trials = sorted(trials, key=lambda tr: tr.number)
    done = [tr for tr in trials if tr.status == "completed" and tr.val_loss is not None]
    best = min(done, key=lambda tr: tr.val_loss) if done else None
    found = importances(space, done)
    return SweepResult(base=space.base, method=method, trials=trials, best=best, importances=found,
                       edge=edge(space, best, found), stopped=stopped, seconds=round(seconds, 3))


# -- grid and random: batched chunks, in this process or in workers ---------------------------------


Chunk = list[tuple[int, dict[str, Any], ExperimentConfig]]


def chunks(space: Space, points: list[dict[str, Any]]) -> list[Chunk]:
    """Trials grouped by batch_key (in order of first appearance), cut into chunks of MAX_BATCH."""
    from tutor.engine.training import batch_key

    groups: dict[tuple, Chunk] = {}
    for number, params in enumerate(points):
        cfg = space.config(params)
        groups.setdefault(batch_key(cfg), []).append((number, params, cfg))
    return [g[i : i + MAX_BATCH] for g in groups.values() for i in range(0, len(g), MAX_BATCH)]


def _batched(space: Space, points: list[dict[str, Any]], control: Control, record: Callable, workers: int) -> None:
    from tutor.engine.training import batch_key, train_batch

    todo = chunks(space, points)

    def keep(chunk: Chunk, runs: list[RunResult], worker: str = "") -> None:
        for (number, params, _), run in zip(chunk, runs):
            record(number, params, run, worker=worker)

    if workers < 2 or len({batch_key(c[0][2]) for c in todo}) < 2:
        for chunk in todo:
            if not control.may_launch():
                return
            keep(chunk, train_batch([c for _, _, c in chunk], should_stop=control.halt))
        return
    _in_workers(todo, control, keep, min(workers, len(todo)))


def _in_workers(todo: list[Chunk], control: Control, keep: Callable, workers: int) -> None:
    """Chunks in worker processes (tinygrad's state is per process), at most `workers` at a time, so
    that a budget or a stop request holds back the rest."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["tutor.engine.training"])  # imported once, before workers fork
    stop = ctx.Event()
    queue, running = iter(todo), dict[Future, Chunk]()
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_worker_init,
                             initargs=(stop, os.getpid(), Settings.current())) as pool:
        try:
            while True:
                try:
                    while len(running) < workers and control.may_launch() and (chunk := next(queue, None)):
                        running[pool.submit(_train_chunk, [c for _, _, c in chunk])] = chunk
                    if not running:
                        return
                    finished, _ = wait(running, timeout=0.1, return_when=FIRST_COMPLETED)
                    for future in finished:
                        keep(running.pop(future), *future.result())
                    if control.halt():
                        stop.set()
                except KeyboardInterrupt:  # collect what the workers, told to stop, send back
                    control.interrupt()
                    stop.set()
        finally:
            stop.set()  # on an error too: no worker trains on while the pool shuts down


_stop_event: Any = None


def _worker_init(stop: Any, sweep_pid: int, settings: Settings) -> None:
    """Workers leave Ctrl+C to the parent, which tells them through `stop`, and die with it; they train
    with the sweep's `settings` (a fork server started earlier may hold another environment)."""
    global _stop_event
    Settings.use(settings)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _stop_event = stop
    _die_with(sweep_pid)


def _die_with(pid: int) -> None:
    """End this process and all it started (tinygrad's compiler pool) as soon as `pid` ends.

    A fork server's workers are its children, not the sweep's, so a parent-death signal
    (PR_SET_PDEATHSIG) would watch the wrong process; a pidfd of the sweep's process becomes readable
    when it exits, however it exits. The worker leads its own process group, so one kill takes all."""
    os.setpgid(0, 0)
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:  # gone before this worker started
        os._exit(1)

    def watch() -> None:
        select.select([pidfd], [], [])
        os.killpg(0, signal.SIGKILL)

    threading.Thread(target=watch, name="die-with-sweep", daemon=True).start()


def _train_chunk(cfgs: list[ExperimentConfig]) -> tuple[list[RunResult], str]:
    from tutor.engine.training import train_batch

    return train_batch(cfgs, should_stop=_stop_event.is_set), here()


# -- bayes: one trial at a time, TPE suggestions, median pruning -------------------------------------


def _bayes(space: Space, n: int, control: Control, record: Callable) -> None:
    study = optuna.create_study(direction="minimize", sampler=tpe(space.base.seed, n), pruner=median(n))
    for number in range(n):
        if not control.may_launch():
            return
        trial = study.ask(space.distributions())
        run, pruned = train_pruned(space, trial, control.halt)
        tell(study, trial, run, pruned)
        record(number, trial.params, run, pruned)


# -- what the finished trials say -------------------------------------------------------------------


def importances(space: Space, done: list[Trial]) -> dict[str, float]:
    """Optuna's parameter importances over completed trials, from a study rebuilt from them: PED-ANOVA
    (Optuna's default; fANOVA would need scikit-learn), its top set holding at least two trials."""
    dists = {p.field: p.distribution for p in space.params if not p.distribution.single()}
    if len(done) < 2 or not dists:
        return {}
    study = optuna.create_study(direction="minimize")
    study.add_trials([create_trial(params={k: tr.params[k] for k in dists}, distributions=dists, value=tr.val_loss)
                      for tr in done])
    importance = _importance()
    evaluator = importance.PedAnovaImportanceEvaluator(target_quantile=min(0.5, max(0.1, 2 / len(done))))
    try:
        found = importance.get_param_importances(study, evaluator=evaluator)
    except (RuntimeError, ValueError, ZeroDivisionError):
        return {}
    return {k: round(v, 3) for k, v in found.items() if math.isfinite(v)}


def _importance() -> Any:
    """`optuna.importance`, imported without scikit-learn: its fANOVA (unused here) would load it where it
    is installed, two seconds of every sweep's process."""
    saved = sys.modules.get("sklearn")
    sys.modules["sklearn"] = None  # type: ignore[assignment]  (an import of it raises ImportError)
    try:
        return importlib.import_module("optuna.importance")
    finally:
        if saved is None:
            del sys.modules["sklearn"]
        else:
            sys.modules["sklearn"] = saved


def edge(space: Space, best: Trial | None, found: dict[str, float]) -> Edge | None:
    """The tuning playbook's check: a best value at the edge of its range suggests the optimum lies
    beyond it. A grid's best counts when it is its smallest or largest point (of three or more);
    a sampled one within EDGE of an end. Among several, the most important parameter is named."""
    if best is None:
        return None
    edges = []
    for p in space.params:
        d = p.distribution
        if not p.numeric or d.single():
            continue
        v = best.params[p.field]
        if p.grid:
            side = None if len(p.grid) < 3 else "low" if v == d.low else "high" if v == d.high else None
        else:
            scale = math.log if p.log else float
            at = (scale(v) - scale(d.low)) / (scale(d.high) - scale(d.low))
            side = "low" if at <= EDGE else "high" if at >= 1 - EDGE else None
        if side:
            edges.append(Edge(field=p.field, side=side, value=v, low=d.low, high=d.high))
    return max(edges, key=lambda e: found.get(e.field, 0.0), default=None)
