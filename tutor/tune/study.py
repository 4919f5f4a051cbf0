"""One search shared by processes on any number of hosts, through Optuna's own storage.

The coordinator (`tutor sweep --storage URL`) creates the study with its plan in the study's attributes
(tutor's version, the method, the space, the base config, the planned trials) and enqueues every trial
up front, numbered: a grid's points and a random search's draws (seeded as in one process, so the trials
are the same), or, for a Bayesian search, empty trials that TPE fills when a process takes one (with a
constant liar, so that processes asking at once are sent to different points). Optuna hands each waiting
trial to one process. The coordinator then trains like any `tutor worker`, and it alone saves finished
trials into the local store (its search is `tutor.tune.sweep`'s; this module is the study's side).

Each process takes up to PULL waiting trials of one network shape at a time (one batched model),
sends each run back in its trial's attributes and leaves when every planned trial is done (or given up).
Running trials beat a heartbeat (Optuna's on a database; on a journal, which Optuna gives none, the time in
the trial's attributes): the trials of a process killed mid-way are failed after GRACE seconds of silence
and enqueued again, up to RETRIES times.
"""

import hashlib
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import optuna
from optuna.distributions import distribution_to_json, json_to_distribution
from optuna.exceptions import ExperimentalWarning, StorageInternalError, UpdateFinishedTrialError
from optuna.storages import BaseStorage, JournalStorage, RDBStorage, RetryHeartbeatStaleTrialCallback, fail_stale_trials
from optuna.storages.journal import JournalFileBackend
from optuna.trial import FrozenTrial, TrialState
from pydantic import BaseModel

from tutor import __version__
from tutor.config import ExperimentConfig, argument, short_name
from tutor.engine import RunResult
from tutor.errors import TutorError
from tutor.i18n import Lang, t
from tutor.tune.results import Method
from tutor.tune.space import Param, Space
from tutor.tune.trials import here, median, random_points, tell, tpe, train_pruned

HEARTBEAT = 2  # seconds between heartbeats of a running trial (databases)
GRACE = 10  # a running trial silent this long is failed and enqueued again
RETRIES = 3  # times one trial is enqueued again after its process died
PULL = 4  # trials one process takes at a time (a grid or random search)
POLL = 0.05  # seconds between the coordinator's looks at the study while others train its last trials (it saves them)
IDLE = 1.0  # seconds between a worker's looks while nothing waits: a class of workers polling a server costs it
FINISHED = (TrialState.COMPLETE, TrialState.PRUNED)
BEAT = "tutor:beat"  # a journal's running trial: when its process last beat (seconds since the epoch)


class StudyError(TutorError):
    """A storage that cannot be used, a study that is not there, or one made by another version of tutor."""


class Plan(BaseModel):
    """What every process of a study needs to train its trials, kept in the study's attributes."""

    version: str
    method: Method
    base: ExperimentConfig
    params: list[dict[str, Any]]  # field, distribution (Optuna's JSON), grid points
    planned: int

    @classmethod
    def of(cls, space: Space, method: Method, planned: int) -> "Plan":
        params = [{"field": p.field, "distribution": distribution_to_json(p.distribution), "grid": list(p.grid)}
                  for p in space.params]
        return cls(version=__version__, method=method, base=space.base, params=params, planned=planned)

    def space(self, lang: Lang) -> Space:
        return Space(self.base, tuple(Param(p["field"], json_to_distribution(p["distribution"]), tuple(p["grid"]))
                                      for p in self.params), lang)

    def difference(self, other: "Plan", lang: Lang) -> str:
        """What `other` (a search asked for here) changes of this plan (the study's), in words: 'data moons
        in the study, digits here; lr over other values'."""
        said = [t("tune.study.differs", lang, field=short_name(field, lang), theirs=argument(theirs),
                  ours=argument(ours)) for field, (theirs, ours) in self.base.diff(other.base).items()]
        if self.method != other.method:
            said.append(t("tune.study.differs_method", lang, theirs=t(f"tune.name.{self.method}", lang),
                          ours=t(f"tune.name.{other.method}", lang)))
        if self.planned != other.planned:
            said.append(t("tune.study.differs_planned", lang, theirs=self.planned, ours=other.planned))
        mine, yours = ({p["field"]: p for p in plan.params} for plan in (self, other))
        if mine.keys() != yours.keys():
            said.append(t("tune.study.differs_fields", lang, theirs=", ".join(short_name(f, lang) for f in mine),
                          ours=", ".join(short_name(f, lang) for f in yours)))
        else:
            said += [t("tune.study.differs_range", lang, field=short_name(f, lang))
                     for f in mine if mine[f] != yours[f]]
        return "; ".join(said)

    def name(self) -> str:
        """A name that one search always gets: the same command again resumes its study."""
        return "tutor-" + hashlib.sha256(self.model_dump_json(exclude={"version"}).encode()).hexdigest()[:10]


class Done(BaseModel):
    """A trained trial as its process sends it back: one JSON string in the trial's attributes, written with
    the run (each write costs a journal an fsync, and Optuna copies a trial's attributes at every tell)."""

    worker: str  # host:pid
    run: RunResult


def open_storage(url: str, lang: Lang) -> BaseStorage:
    """`journal:PATH` (Optuna's journal file) or a database URL, with heartbeats and retries."""
    optuna.logging.set_verbosity(optuna.logging.ERROR)  # a server gone away is one line of tutor's, not Optuna's log
    try:
        if url.startswith("journal:"):
            path = Path(url.removeprefix("journal:")).expanduser()
            if not path.parent.is_dir():
                raise FileNotFoundError(f"{path.parent}: no such folder")
            if path.exists() and not path.is_file():  # a device or a pipe: appending to it fails, or waits forever
                raise OSError(t("files.special", lang))
            return JournalStorage(JournalFileBackend(str(path)))
        from sqlalchemy.exc import IntegrityError

        for tries_left in reversed(range(3)):
            try:
                with _quiet():
                    return RDBStorage(url, engine_kwargs=_connect(url), heartbeat_interval=HEARTBEAT,
                                      grace_period=GRACE,
                                      heartbeat_stale_trial_callback=RetryHeartbeatStaleTrialCallback(RETRIES))
            except IntegrityError:  # a new database: another process is creating Optuna's tables at this moment
                if not tries_left:
                    raise
                time.sleep(0.2)
    except (ImportError, ValueError, *_failures(url)) as err:
        raise StudyError(t("tune.storage.unusable", lang, url=shown(url), reason=_reason(err))) from None


def _connect(url: str) -> dict[str, Any]:
    """PostgreSQL's connection: a server that does not answer in 5 s is unusable, and a connection whose host
    vanished (a cable, a switched-off machine) is given up after GRACE seconds, not TCP's quarter of an hour."""
    if not url.startswith("postgresql"):
        return {}
    return {"connect_args": {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": HEARTBEAT,
                             "keepalives_interval": HEARTBEAT, "keepalives_count": 3, "tcp_user_timeout": GRACE * 1000}}


def _failures(url: str) -> tuple[type[Exception], ...]:
    """What a storage raises when it cannot be reached or written: a journal, an OSError; a database, SQLAlchemy's
    errors (imported for a database only: a journal's processes start sooner)."""
    if url.startswith("journal:"):
        return OSError, StorageInternalError
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError, StorageInternalError


def _reason(err: BaseException) -> str:
    """The first line of the deepest cause: the driver's own words ('connection refused'), not the SQL."""
    while err.__cause__ is not None:
        err = err.__cause__
    return next((line for line in str(err).splitlines() if line.strip()), type(err).__name__).strip()


class StorageLost(StudyError):
    """The storage stopped answering in the middle of a search."""


@contextmanager
def reachable(url: str, lang: Lang) -> Iterator[None]:
    """Turn a storage that stops answering (a server stopped, a network gone, a journal's disk) into one line."""
    try:
        yield
    except _failures(url) as err:
        raise StorageLost(t("tune.storage.lost", lang, url=shown(url), reason=_reason(err))) from None


@contextmanager
def _quiet() -> Iterator[None]:
    """Optuna marks its heartbeat and retries experimental: tutor relies on them, and its users need no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        yield


def shown(url: str) -> str:
    """The URL as a message may show it: without its password (a TutorError escapes what a terminal cannot show)."""
    if url.startswith("journal:"):
        return url
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


@dataclass(frozen=True)
class Shared:
    """A study this process takes part in: the study, the storage under it, the plan and its space."""

    study: optuna.Study
    storage: BaseStorage
    plan: Plan
    space: Space


def join(url: str, name: str, lang: Lang, storage: BaseStorage | None = None) -> Shared:
    """An existing study of tutor's, made by this version of tutor."""
    storage = storage or open_storage(url, lang)
    try:
        study = optuna.load_study(study_name=name, storage=storage)
    except KeyError:
        raise StudyError(t("tune.study.unknown", lang, name=name, url=shown(url))) from None
    if "plan" not in study.user_attrs:
        raise StudyError(t("tune.study.foreign", lang, name=name))
    plan = Plan.model_validate(study.user_attrs["plan"])
    if plan.version != __version__:
        raise StudyError(t("tune.study.version", lang, name=name, theirs=plan.version, ours=__version__))
    sampler = tpe(None, plan.planned, parallel=True) if plan.method == "bayes" else optuna.samplers.RandomSampler()
    study = optuna.load_study(study_name=name, storage=storage, sampler=sampler, pruner=median(plan.planned))
    return Shared(study, storage, plan, plan.space(lang))


def begin(url: str, name: str, plan: Plan, lang: Lang) -> Shared:
    """The study of `plan`: created with every trial enqueued, or resumed as it was left."""
    storage = open_storage(url, lang)
    raw = optuna.create_study(study_name=name, storage=storage, direction="minimize", load_if_exists=True)
    if "plan" not in raw.user_attrs and not raw.trials:
        raw.set_user_attr("plan", plan.model_dump(mode="json"))
        space = plan.space(lang)
        points = space.points() if plan.method == "grid" else random_points(space, plan.planned)
        for n in range(plan.planned):
            raw.enqueue_trial(points[n] if plan.method != "bayes" else {}, user_attrs={"n": n})
    shared = join(url, name, lang, storage)
    if shared.plan.model_dump(exclude={"version"}) != plan.model_dump(exclude={"version"}):
        raise StudyError(t("tune.study.other", lang, name=name, difference=shared.plan.difference(plan, lang)))
    return shared


def _requeue(shared: Shared, trial: FrozenTrial | optuna.Trial) -> None:
    """A trial that did not finish, failed and enqueued again under its number."""
    try:
        shared.study.tell(trial.number, state=TrialState.FAIL)
    except UpdateFinishedTrialError:  # failed as stale meanwhile, and enqueued again by the storage
        return
    params = trial.params if shared.plan.method != "bayes" else {}
    shared.study.enqueue_trial(params, user_attrs={"n": trial.user_attrs["n"]})


def finished(study: optuna.Study) -> dict[int, FrozenTrial]:
    """Each planned trial that finished, by number (a trial enqueued again finishes once)."""
    trials = study.get_trials(deepcopy=False, states=FINISHED)
    return {tr.user_attrs["n"]: tr for tr in trials if "done" in tr.user_attrs}


def given_up(study: optuna.Study) -> set[int]:
    """The planned trials that no process will train: their process died RETRIES + 1 times (a trial that kills
    whoever trains it, such as one that runs out of memory), so Optuna enqueued no retry."""
    failed = study.get_trials(deepcopy=False, states=(TrialState.FAIL,))
    return {tr.user_attrs["n"] for tr in failed if len(tr.system_attrs.get("retry_history", ())) >= RETRIES}


def settled(study: optuna.Study, planned: int) -> bool:
    """Whether every planned trial finished or was given up: nothing is left to wait for."""
    return len(finished(study).keys() | given_up(study)) >= planned


def work(shared: Shared, halt: Callable[[], bool], may_launch: Callable[[], bool] = lambda: True,
         between: Callable[[], None] = lambda: None,
         on_trained: Callable[[int, dict[str, Any], RunResult, bool], None] = lambda *_: None,
         poll: float = POLL) -> None:
    """Take waiting trials and train them until every planned trial is done or given up (or `halt`, or no more
    launches); `between` runs after each round and each look at the study, looks `poll` seconds apart."""
    worker, most = here(), 1 if shared.plan.method == "bayes" else PULL
    while not halt():
        _fail_stale(shared)
        taken = _take(shared, most) if may_launch() else []
        if taken:
            with _beating(shared.storage, taken):
                for trial, run, pruned in _train(shared, taken, halt, worker):
                    on_trained(trial.user_attrs["n"], trial.params, run, pruned)
        between()
        if not taken:
            if not may_launch() or settled(shared.study, shared.plan.planned):
                return
            time.sleep(poll)


def _take(shared: Shared, most: int) -> list[optuna.Trial]:
    """Up to `most` waiting trials of one network shape (one batched model), now running here; on a database
    each has a heartbeat before it runs, so that a process killed at any moment leaves no trial stuck.

    Near the end too: taking fewer, to even out the processes' last rounds, would train batches of 1 or 2, sizes
    that a host captures for seconds the first time it meets them (more than a round of PULL trials costs)."""
    from tutor.engine.training import batch_key  # the engine loads once the study exists (workers join sooner)

    taken: list[optuna.Trial] = []
    shape = None
    for waiting in shared.study.get_trials(deepcopy=False, states=(TrialState.WAITING,)):
        if len(taken) == most:
            break
        key = batch_key(shared.space.config(waiting.system_attrs.get("fixed_params", {})))  # as enqueued
        if taken and key != shape:
            continue
        try:
            _beat(shared.storage, waiting._trial_id)  # before it runs: Optuna never fails a running trial without one
            # Optuna's own pop (`ask` without its fallback to a new, unplanned trial): one process wins
            if not shared.storage.set_trial_state_values(waiting._trial_id, state=TrialState.RUNNING):
                continue
        except UpdateFinishedTrialError:
            continue
        trial = optuna.Trial(shared.study, waiting._trial_id)
        for name, distribution in shared.space.distributions().items():
            trial._suggest(name, distribution)  # as `ask` does: enqueued values, or the sampler's
        taken.append(trial)
        shape = key
    return taken


def _train(shared: Shared, taken: list[optuna.Trial], halt: Callable[[], bool],
           worker: str) -> Iterator[tuple[optuna.Trial, RunResult, bool]]:
    """Train the trials (a Bayesian one alone, pruned; the others, of one shape, as one batched model) and tell
    each how it ended."""
    from tutor.engine.training import train_batch

    space = shared.space
    if shared.plan.method == "bayes":
        run, pruned = train_pruned(space, taken[0], halt)
        results = [(taken[0], run, pruned)]
    else:
        runs = train_batch([space.config(trial.params) for trial in taken], should_stop=halt)
        results = [(trial, run, False) for trial, run in zip(taken, runs)]
    for trial, run, pruned in results:
        if run.status == "cancelled" and not pruned:  # stopped, not finished: back in the queue
            _requeue(shared, trial)
            continue
        try:
            trial.set_user_attr("done", Done(worker=worker, run=run).model_dump_json())
            tell(shared.study, trial, run, pruned)
        except UpdateFinishedTrialError:  # taken as stale meanwhile: its retry is the one that counts
            continue
        yield trial, run, pruned


def _beat(storage: BaseStorage, trial_id: int) -> None:
    """One heartbeat of a trial: Optuna's own on a database; on a journal (Optuna has none there), the time in the
    trial's system attributes."""
    if isinstance(storage, RDBStorage):
        storage.record_heartbeat(trial_id)
    else:
        storage.set_trial_system_attr(trial_id, BEAT, time.time())


def _fail_stale(shared: Shared) -> None:
    """Fail the running trials silent for GRACE seconds and enqueue each again, up to RETRIES times: Optuna's own
    on a database; on a journal, the same from the beats in the trials' attributes (a trial left running by an
    older tutor counts from its start)."""
    with _quiet():
        if isinstance(shared.storage, RDBStorage):
            fail_stale_trials(shared.study)
            return
        retry, now = RetryHeartbeatStaleTrialCallback(RETRIES), time.time()
        for trial in shared.study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            if now - trial.system_attrs.get(BEAT, trial.datetime_start.timestamp()) < GRACE:
                continue
            try:
                shared.storage.set_trial_state_values(trial._trial_id, state=TrialState.FAIL)
            except UpdateFinishedTrialError:  # failed by another process, or finished meanwhile
                continue
            retry(shared.study, shared.storage.get_trial(trial._trial_id))


@contextmanager
def _beating(storage: BaseStorage, trials: list[optuna.Trial]) -> Iterator[None]:
    """A heartbeat for each running trial, as Optuna's `optimize` beats one."""
    done = threading.Event()
    failures = _failures(storage.url if isinstance(storage, RDBStorage) else "journal:")

    def beat() -> None:
        while True:
            try:
                for trial in trials:
                    _beat(storage, trial._trial_id)  # Optuna's own heartbeat uses the same id
            except UpdateFinishedTrialError:  # told meanwhile (a journal): the round ends
                pass
            except failures:  # a storage gone away: the next call of the trial's process says so
                pass
            if done.wait(HEARTBEAT):
                return

    thread = threading.Thread(target=beat, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
