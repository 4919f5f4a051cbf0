"""What batching buys a sweep: a 16-point lr grid trained as one batched model, against one run of the
same shape and against the 16 runs one after another, measured in one sitting.

Job: moons 1000 (800 train), MLP 2-32-32-2 relu, adam, batch 32, 20 epochs; lr from 1e-4 to 1.
    python benchmarks/sweep_speed.py [--device CPU]
cold: a fresh process with an empty JIT cache (capture included), timed around the call;
warm: the same call again in this process, with new learning rates (captures reused).
Targets: batched warm <= 2x single warm; batched warm >= 8x faster than 16 sequential warm runs.

Then the Bayesian search a student launches: `tutor sweep --dataset spiral --epochs 30 --bayes 16 --space
lr=log:1e-4:1 weight_decay=log:1e-6:0.01`, the whole process timed, with an empty step cache (its one shape
captured) and again with it filled (as the app's background warm-up leaves it). Target: <= 10 s.
    python benchmarks/sweep_speed.py --bayes-only
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable

JOB = dict(dataset="moons", samples=1000, hidden=(32, 32), optimizer="adam", batch_size=32, epochs=20, seed=0)
GRID = [f"{10 ** (-4 + 4 * i / 15):.3g}" for i in range(16)]

COLD = """
import sys, time
from tutor.config import ExperimentConfig
from tutor.engine.training import train
from tutor.settings import Settings
from tutor.store import Store
from tutor.tune.space import parse_grid
from tutor.tune.sweep import sweep
cfg = ExperimentConfig(**{job!r}, device={device!r})
start = time.perf_counter()
if sys.argv[1] == "single":
    train(cfg)
else:
    sweep(parse_grid(["lr=" + ",".join({grid!r})], cfg), "grid", store=Store(Settings.from_env().store), workers=1)
print(time.perf_counter() - start)
"""


def cold(kind: str, device: str) -> float:
    """Seconds of one call in a fresh process with an empty JIT cache."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TUTOR_CACHE": cache, "TUTOR_HOME": home}
        code = COLD.format(job=JOB, device=device, grid=GRID)
        out = subprocess.run([sys.executable, "-c", code, kind], env=env, check=True, capture_output=True, text=True)
        return float(out.stdout.split()[-1])


def warm(device: str) -> tuple[float, float, float]:
    """Seconds of one run, of the batched 16-point grid and of 16 sequential runs, all captures cached."""
    from tutor.config import ExperimentConfig
    from tutor.engine.training import train
    from tutor.settings import Settings
    from tutor.store import Store
    from tutor.tune.space import Space, parse_grid
    from tutor.tune.sweep import sweep

    cfg = ExperimentConfig(**JOB, device=device)
    store = Store(Settings.from_env().store)

    def grid(shift: float) -> Space:
        return parse_grid(["lr=" + ",".join(f"{float(v) * shift:.3g}" for v in GRID)], cfg)

    train(cfg)
    sweep(grid(1.0), "grid", store=store, workers=1)
    single = min(_seconds(lambda: train(cfg.changed(lr=0.02))) for _ in range(3))
    batched = min(_seconds(lambda: sweep(grid(1.1), "grid", store=store, workers=1)) for _ in range(3))
    sequential = _seconds(lambda: [train(cfg.changed(lr=float(v) * 1.2)) for v in GRID])
    return single, batched, sequential


BAYES = ["--dataset", "spiral", "--epochs", "30", "--bayes", "16", "--space", "lr=log:1e-4:1",
         "weight_decay=log:1e-6:0.01", "--json"]


def bayes(device: str) -> tuple[list[tuple[float, float]], dict]:
    """Seconds and CPU seconds (the process and its children: a loaded machine stretches only the first)
    of the whole `tutor sweep` process for BAYES, with an empty step cache and then with it filled; the
    warm run's JSON."""
    with tempfile.TemporaryDirectory() as cache, tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TUTOR_CACHE": cache, "TUTOR_HOME": home}
        times, out = [], ""
        for _ in range(2):
            start, cpu = time.perf_counter(), _children_cpu()
            out = subprocess.run([sys.executable, "-m", "tutor", "sweep", *BAYES, "--device", device], env=env,
                                 check=True, capture_output=True, text=True).stdout
            times.append((time.perf_counter() - start, _children_cpu() - cpu))
        return times, json.loads(out)


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def _seconds(f: Callable[[], object]) -> float:
    start = time.perf_counter()
    f()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="auto")
    parser.add_argument("--bayes-only", action="store_true", help="only the Bayesian search")
    args = parser.parse_args()
    device = args.device
    os.environ.setdefault("TUTOR_HOME", tempfile.mkdtemp())
    runs, doc = bayes(device)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {' '.join(BAYES[:-1])}")
    for name, (wall, cpu) in zip(("empty cache ", "cached shape"), runs):
        print(f"bayes 16 trials, spiral, 30 epochs, {name}  {wall:7.3f} s ({cpu:6.3f} s of CPU)   target <= 10: "
              f"{'met' if wall <= 10 else 'missed'}")
    print(f"  of which the search itself (cached shape): {doc['seconds']:.3f} s, "
          f"{sum(tr['status'] == 'pruned' for tr in doc['trials'])} of 16 trials pruned")
    if args.bayes_only:
        return
    single_cold, batched_cold = cold("single", device), cold("batched", device)
    single, batched, sequential = warm(device)
    print(f"job: moons 1000, 2-32-32-2 relu, adam, batch 32, 20 epochs (500 steps); 16 lrs from 1e-4 to 1;"
          f" device {device}; {os.cpu_count()} cores")
    print(f"single run, cold (empty JIT cache)      {single_cold:7.3f} s")
    print(f"16-point grid batched, cold             {batched_cold:7.3f} s   "
          f"({batched_cold / single_cold:.2f}x single cold)")
    print(f"single run, warm                        {single:7.3f} s   (best of 3)")
    print(f"16-point grid batched, warm             {batched:7.3f} s   (best of 3; includes storing 16 runs)")
    print(f"16 sequential runs, warm                {sequential:7.3f} s")
    print(f"batched / single (warm):     {batched / single:5.2f}   target <= 2: "
          f"{'met' if batched <= 2 * single else 'missed'}")
    print(f"sequential / batched (warm): {sequential / batched:5.2f}   target >= 8: "
          f"{'met' if sequential >= 8 * batched else 'missed'}")


if __name__ == "__main__":
    main()
