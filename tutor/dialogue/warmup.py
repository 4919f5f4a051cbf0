"""The network shapes a course trains, captured ahead of time in a background process.

A new network shape costs seconds before its first step (tinygrad lowers and clang compiles each kernel);
a cached one starts at once. The shapes a student meets first are known before they ask: each lesson's
experiments, its sweeps' batches, its what-if questions applied to the experiment they follow, and the
same what-ifs asked of the default network (verified advice tries its fixes on the run's own shape first,
so they need no other). `Warmup` captures them, in course order, in a child process at the lowest
priority that shares only the disk cache with its parent: the parent trains meanwhile as usual, and
cancelling kills the child with whatever it was compiling.

    python -m tutor.dialogue.warmup [LESSON_DIR ...]   # the child: prints the count, then each one done
"""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from tutor import priority
from tutor.config import ExperimentConfig, argument
from tutor.errors import TutorError
from tutor.lessons import Course, Experiment, Predict, Sweep, WhatIf, load_lessons
from tutor.lessons.model import teaching_order
from tutor.settings import Settings

Batch = list[ExperimentConfig]  # configs trained together as one model (padded to a power of two): one shape
# fields that leave a network's shape as it is: a captured step takes them as data
FREE = {"lr", "momentum", "weight_decay", "epochs", "seed", "noise"}


def course_shapes(course: Course, start: ExperimentConfig | None = None) -> list[Batch]:
    """The batches whose shapes `course` trains, each once, in the order a student meets them: `start`
    (the default network) and the what-ifs asked of it, then lesson by lesson."""
    from tutor.dialogue.parse import parse
    from tutor.dialogue.tutor import apply
    from tutor.engine.training import padded

    start = start or ExperimentConfig()
    lessons = sorted(course.lessons, key=teaching_order)
    questions = [(q, lesson.lang) for lesson in lessons for b in lesson.blocks() if isinstance(b, WhatIf)
                 for q in b.questions]
    found: dict[tuple, Batch] = {}

    def add(batch: Batch) -> None:
        found.setdefault((len(padded(batch)), batch[0].model_dump_json(exclude=FREE)), batch)

    def asked(cfg: ExperimentConfig, question: str, lang: str) -> None:
        intent = parse(question, default_lang=lang)
        if intent.kind == "what_if":
            try:
                add([apply(cfg, intent.changes, intent.lang)])
            except TutorError:  # a change this config cannot take: the student would be told so, not train
                pass

    add([start])
    for question, lang in questions:
        asked(start, question, lang)
    for lesson in lessons:
        current = start
        for block in lesson.blocks():
            if isinstance(block, (Experiment, Predict)):
                current = block.config if isinstance(block, Experiment) else block.experiment.config
                add([current])
            elif isinstance(block, WhatIf):
                for question in block.questions:
                    asked(current, question, lesson.lang)
            elif isinstance(block, Sweep):
                for batch in _sweep_batches(block):
                    add(batch)
    return list(found.values())


def _sweep_batches(block: Sweep) -> list[Batch]:
    """The batches a lesson's sweep trains: a grid's or a random search's chunks (they are known before
    it runs); a Bayesian search trains one trial at a time, each where the last ones point: its base."""
    import optuna

    from tutor.tune.space import parse_grid, parse_space
    from tutor.tune.sweep import chunks
    from tutor.tune.trials import random_points

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # as a sweep does: no line per study created
    if block.method == "bayes":
        return [[block.base]]
    if block.method == "grid":
        space = parse_grid([f"{f}=" + ",".join(argument(v, "-") for v in vs) for f, vs in block.grid.items()],
                           block.base)
        points = space.points()
    else:
        space = parse_space([f"{f}={spec}" for f, spec in block.space.items()], block.base)
        points = random_points(space, block.n_trials)
    return [[cfg for _, _, cfg in chunk] for chunk in chunks(space, points)]


class Warmup:
    """The child process capturing a course's shapes: `progress()` yields (done, total) as each ends."""

    @classmethod
    def start(cls, settings: Settings, lessons: Sequence[Path] = ()) -> "Warmup | None":
        """A warm-up of the built-in lessons, the settings' and `lessons`, unless the settings say none
        (`TUTOR_WARMUP=0`: test suites start many apps)."""
        return cls(settings, [*settings.lessons, *lessons]) if settings.warmup else None

    def __init__(self, settings: Settings, lessons: Sequence[Path] = (), nice: int = 19) -> None:
        """`nice`: the child's priority; 19, below everything a student does (a test may pass 0 so that a
        busy machine does not starve it)."""
        self.done, self.total = 0, None
        self._child = subprocess.Popen(
            [sys.executable, "-m", __name__, str(nice), *map(str, lessons)], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True,
            env={**os.environ, **settings.env()})

    def progress(self) -> Iterator[tuple[int, int]]:
        """(shapes done, shapes in all) after each one, until the child ends (finished or cancelled)."""
        for line in self._child.stdout or ():
            if self.total is None:
                self.total = int(line)
            else:
                self.done = int(line)
            yield self.done, self.total
        self._child.wait()

    @property
    def running(self) -> bool:
        return self._child.poll() is None

    def cancel(self) -> None:
        """Stop now: the child and anything it started (clang) end at once."""
        if self.running:
            try:
                os.killpg(self._child.pid, signal.SIGKILL)
            except ProcessLookupError:  # it ended meanwhile
                pass
        self._child.wait()


def main(argv: list[str]) -> None:
    """The child, at niceness `argv[0]`: capture each shape of the course (built-in lessons plus the rest
    of `argv`'s folders) that is not cached yet, printing the count first and then how many are done after
    each."""
    from tutor.engine.training import prepare

    nice, *folders = argv
    Settings.use(Settings.from_env())  # the parent's, given in the environment: where captured steps are kept
    priority.lower(int(nice))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl+C in the parent's terminal is the parent's
    todo = course_shapes(load_lessons([Path(a) for a in folders]))
    print(len(todo), flush=True)
    for done, batch in enumerate(todo, 1):
        try:
            prepare(batch)
        except Exception:  # noqa: BLE001 — the run that needs this shape captures it and reports what failed
            pass
        print(done, flush=True)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except BrokenPipeError:  # the parent is gone: nobody waits for the rest
        pass

