"""What a second process buys a shared search: one random search trained by the coordinating `tutor sweep`
alone, then by the coordinator and one `tutor worker`, both on one journal file (or one database: --storage),
measured in one sitting.

Job: moons 1000 (800 train), MLP 2-32-32-2 relu, adam, batch 32, 20 epochs; 24 trials, lr ~ log[1e-4, 1].
    python benchmarks/distributed_sweep.py [--trials 24] [--epochs 20] [--repeat 3] [--folder DIR] [--storage URL]
Each search is timed from the coordinator's start to the exit of its last process (start-up included; the
worker is started once the study exists, as a script that starts workers would); the two are run in turns,
--repeat times, and the median of each is kept. For reference, the same search without storage (`tutor sweep`
alone, in one process) is timed too. The JIT cache is warmed first, so no capture is timed. The journal goes
in a temporary folder, or in --folder (a tmpfs such as /dev/shm shows what its fsync'd writes cost).
Target on 2 idle cores: a speed-up of at least 1.6x. The figure means something on idle cores only: Linux
shares a busy machine's CPU between login sessions (autogroups), so there the worker, started from this
session, shares the coordinator's part instead of taking a core of its own. The load average is printed.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import optuna

from tutor.tune.study import shown

JOB = ["--dataset", "moons", "--samples", "1000", "--hidden", "32,32", "--optimizer", "adam", "--batch-size", "32"]
TUTOR = [sys.executable, "-m", "tutor", "--lang", "en"]


def search(folder: Path, trials: int, epochs: int, workers: int | None, env: dict[str, str],
           database: str | None = None) -> tuple[float, list[int]]:
    """Seconds for the coordinator and `workers` workers to finish the search (None: no storage), on a journal
    in `folder` or on `database`, and the trials each process trained, the coordinator's first."""
    log, study = folder / f"{time.monotonic_ns()}.log", f"bench-{time.monotonic_ns()}"
    url = database or f"journal:{log}"
    shared = ["--storage", url, "--study", study] if workers is not None else []
    start = time.perf_counter()
    coordinator = subprocess.Popen([*TUTOR, "sweep", *JOB, "--epochs", str(epochs), "--random", str(trials),
                                    "--space", "lr=log:1e-4:1", *shared, "--json"],
                                   env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    if workers:
        storage = database or optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(log)))
        while study not in optuna.get_all_study_names(storage):
            time.sleep(0.01)
    helpers = [subprocess.Popen([*TUTOR, "worker", "--storage", url, "--study", study], env=env,
                                stdout=subprocess.DEVNULL) for _ in range(workers or 0)]
    out = coordinator.communicate()[0]
    if coordinator.returncode or any(h.wait() for h in helpers):
        sys.exit("a process of the search failed")
    seconds = time.perf_counter() - start
    by = Counter(trial["worker"] for trial in json.loads(out)["trials"])
    return seconds, [by[f"{socket.gethostname()}:{p.pid}"] for p in (coordinator, *helpers)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="where the journal goes (default: a temporary folder)")
    parser.add_argument("--storage", metavar="URL", help="a database to share the search through instead of a journal "
                                                          "(postgresql+psycopg://…; each search is a study of its own)")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory(dir=args.folder) as journals:
        folder = Path(tmp)
        env = {**os.environ, "TUTOR_HOME": str(folder / "home"), "TUTOR_CACHE": str(folder / "cache")}
        search(Path(journals), 4, 1, 0, env)  # captures the 4-trial batches every process trains
        search(Path(journals), args.trials, 1, None, env)  # and the batches of 16 a sweep without storage trains
        runs: dict[int | None, list[tuple[float, list[int]]]] = {None: [], 0: [], 1: []}
        for _ in range(args.repeat):
            for workers, seen in runs.items():
                seen.append(search(Path(journals), args.trials, args.epochs, workers, env, args.storage))
    alone, shared, local = (statistics.median(s for s, _ in runs[w]) for w in (0, 1, None))
    best = min(s for s, _ in runs[0]) / min(s for s, _ in runs[1])
    through = shown(args.storage) if args.storage else f"a journal in {args.folder or tempfile.gettempdir()}"
    print(f"{args.trials} random trials of the benchmark job ({args.epochs} epochs) on {os.cpu_count()} cores, "
          f"shared through {through}, median of {args.repeat}")
    for label, workers, seconds in (("1 process (coordinator alone):", 0, alone),
                                    ("2 processes (coordinator + worker):", 1, shared),
                                    ("1 process without storage:", None, local)):
        times = ", ".join(f"{s:.2f}" for s, _ in runs[workers])
        print(f"  {label:37s}{seconds:6.2f} s   (runs: {times})")
    print(f"  trials trained by the coordinator + the worker: {', '.join('+'.join(map(str, by)) for _, by in runs[1])}")
    print(f"  speed-up: {alone / shared:.2f}x of the medians, {best:.2f}x of the best runs "
          "(target >= 1.6x on 2 idle cores)")
    print(f"  load average (1 min): {before:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
