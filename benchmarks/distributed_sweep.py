"""What a second process buys a shared search: one random search trained by the coordinating `tutor sweep`
alone, then by the coordinator and one `tutor worker`, both on one journal file, measured in one sitting.

Job: moons 1000 (800 train), MLP 2-32-32-2 relu, adam, batch 32, 20 epochs; 24 trials, lr ~ log[1e-4, 1].
    python benchmarks/distributed_sweep.py [--trials 24] [--epochs 20] [--repeat 2]
Each search is timed from the coordinator's start to its exit (process start-up included; the worker is
started once the study exists); the two are run in turns, --repeat times, and the best of each is kept.
The JIT cache is warmed first, so no capture is timed. Target on 2 idle cores: a speed-up of at least 1.6x.
The figure means something on idle cores only: Linux shares a busy machine's CPU between login sessions
(autogroups), so there the worker, started from this session, shares the coordinator's part instead of
taking a core of its own. The load average is printed before and after.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import optuna

JOB = ["--dataset", "moons", "--samples", "1000", "--hidden", "32,32", "--optimizer", "adam", "--batch-size", "32"]
TUTOR = [sys.executable, "-m", "tutor", "--lang", "en"]


def search(folder: Path, trials: int, epochs: int, workers: int, env: dict[str, str]) -> float:
    """Seconds for the coordinator (and `workers` workers) to finish the search."""
    log = folder / f"{time.monotonic_ns()}.log"
    journal, study = f"journal:{log}", "bench"
    start = time.perf_counter()
    coordinator = subprocess.Popen([*TUTOR, "sweep", *JOB, "--epochs", str(epochs), "--random", str(trials),
                                    "--space", "lr=log:1e-4:1", "--storage", journal, "--study", study, "--json"],
                                   env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    storage = optuna.storages.JournalStorage(optuna.storages.journal.JournalFileBackend(str(log)))
    while workers and study not in optuna.get_all_study_names(storage):
        time.sleep(0.05)
    helpers = [subprocess.Popen([*TUTOR, "worker", "--storage", journal, "--study", study], env=env,
                                stdout=subprocess.DEVNULL) for _ in range(workers)]
    if coordinator.wait() or any(h.wait() for h in helpers):
        sys.exit("a process of the search failed")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "TUTOR_HOME": str(folder / "home"), "TUTOR_CACHE": str(folder / "cache")}
        (folder / "warm").mkdir()
        search(folder / "warm", 4, 1, 0, env)  # captures the 4-trial batches every process trains
        times: dict[int, list[float]] = {0: [], 1: []}
        for _ in range(args.repeat):
            for workers, seconds in times.items():
                seconds.append(search(folder, args.trials, args.epochs, workers, env))
        alone, shared = min(times[0]), min(times[1])
    print(f"{args.trials} random trials of the benchmark job ({args.epochs} epochs) on {os.cpu_count()} cores")
    print(f"  1 process (coordinator alone):       {alone:6.1f} s   (runs: {', '.join(f'{t:.1f}' for t in times[0])})")
    print(f"  2 processes (coordinator + worker):  {shared:6.1f} s   (runs: {', '.join(f'{t:.1f}' for t in times[1])})")
    print(f"  speed-up: {alone / shared:.2f}x (target >= 1.6x on 2 idle cores)")
    print(f"  load average (1 min): {before:.2f} before, {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
