"""What verified advice costs: the extra time `advise` spends trying fixes, as a ratio to the run itself.

    python benchmarks/advice_cost.py

Jobs, each timed twice in this process (`first` may capture a new shape; `again` finds it cached and
takes the fastest of five calls of each part, since these runs last tens of milliseconds):
- the benchmark job (moons 1000, MLP 2-32-32-2 relu, adam lr 0.01, batch 32, 20 epochs): healthy,
  nothing is tried;
- the same job with lr 1e-5 (too low) and with sgd lr 50 (diverged): same-shape fixes, tried one at
  a time until one works, each stopped once it clearly reached its goal;
- the same job with every candidate forced to fail: the most any diagnosis of it can cost (`BUDGET`).
Columns: the run, the extra time of advice and its ratio to the run; then the offered fix trained for
the run's own epochs, alone (for a diverged run, what a healthy run of its config costs: the run
itself stopped at its first epoch, while a fix trains until it has shown it works) and the extra
time's ratio to it.
"""

import math
import time

from tutor.config import ExperimentConfig
from tutor.diagnose.explain import explain
from tutor.diagnose.verify import BUDGET, Goal, advise, try_fixes
from tutor.engine.training import train

JOB = ExperimentConfig(dataset="moons", samples=1000, hidden=(32, 32), activation="relu", optimizer="adam", lr=0.01,
                       batch_size=32, epochs=20, seed=0)
JOBS = (("benchmark job (healthy)", JOB), ("lr too low (adam lr 1e-5)", JOB.changed(lr=1e-5)),
        ("diverged (sgd lr 50)", JOB.changed(optimizer="sgd", lr=50.0)))
PASSES = (("first", 1), ("again", 5))  # `again`: each time the fastest of five


def timed(fn, rounds: int = 1) -> tuple[float, object]:
    """The fastest of `rounds` calls (a shared machine only ever slows a call down), and its result."""
    best, out = math.inf, None
    for _ in range(rounds):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def advice_ratio(cfg: ExperimentConfig, rounds: int) -> tuple[float, float, float, list[str]]:
    """(seconds of the run, extra seconds of advise over plain explain, seconds of the offered fix for
    the run's epochs alone (the run's own, when nothing was verified), what the top diagnosis offers)."""
    run_s, run = timed(lambda: train(cfg), rounds)
    explain_s, _ = timed(lambda: explain(run, "en"), rounds)
    advise_s, found = timed(lambda: advise(run, "en"), rounds)
    top = found[0]
    healthy = cfg.changed(**{**top.suggestion, "epochs": max(cfg.epochs, top.suggestion.get("epochs", 0))})
    fixed_s = timed(lambda: train(healthy), rounds)[0] if top.verified else run_s
    return (
        run_s,
        advise_s - explain_s,
        fixed_s,
        [top.code, str(top.suggestion), "verified" if top.verified else "untried"],
    )


def forced_ratio(cfg: ExperimentConfig, rounds: int) -> tuple[float, float, int]:
    """(seconds of the run, seconds of trying candidates none of which is accepted, how many ran)."""
    run_s = timed(lambda: train(cfg), rounds)[0]
    fixes = [{"lr": cfg.lr * k} for k in (0.3, 0.5, 2, 3)]
    extra_s, trials = timed(lambda: try_fixes(cfg, fixes, "healthy", Goal(1.0, None), "en", None, None), rounds)
    return run_s, extra_s, len(trials)


def main() -> None:
    print(f"{'job':34} {'pass':6} {'run s':>7} {'extra s':>8} {'ratio':>6} {'fix s':>6} {'ratio':>6}  offered")
    for label, cfg in JOBS:
        for rep, rounds in PASSES:
            run_s, extra_s, fixed_s, offered = advice_ratio(cfg, rounds)
            print(f"{label:34} {rep:6} {run_s:7.2f} {extra_s:8.2f} {extra_s / run_s:5.2f}× {fixed_s:6.2f} "
                  f"{extra_s / fixed_s:5.2f}×  {' '.join(offered)}")
    for rep, rounds in PASSES:
        run_s, extra_s, n = forced_ratio(JOB, rounds)
        print(f"{f'all fail: {n} tried (budget {BUDGET:g} runs)':34} {rep:6} {run_s:7.2f} {extra_s:8.2f} "
              f"{extra_s / run_s:5.2f}×")


if __name__ == "__main__":
    main()
