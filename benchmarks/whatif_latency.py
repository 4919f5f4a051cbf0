"""How long ten typical what-ifs take in one tutor process, as a student would ask them one after another.

    python benchmarks/whatif_latency.py [--cache DIR]
Each what-if changes the last run (lr, batch 8, width 64, a layer more, tanh, spiral, 3000 samples, sgd,
twice the epochs, lr) and trains it, with its explanation and comparison, through the dialogue's `Tutor`.
Two fresh processes run the ten in a row: the first with the step cache as it is (empty by default:
every new shape is captured), the second warm (every shape cached on disk). Target: warm <= 5 s. The
warm total is split into the training of the student's own runs (the engine's speed: the floor) and
the rest, mostly the fixes verified advice tries. Also printed: the time to the answer, when the app
shows the explanation while the fix it will offer is still being tried (the whole reply, verified offer
included, is the figure the target is about).
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

WHAT_IFS = [
    "what if the learning rate were 0.1", "what if the batch size were 8", "what if the layers were 64 wide",
    "what if we add a layer", "what if we use tanh", "what if the dataset were spiral", "what if we had 3000 samples",
    "what if we use sgd", "what if we double the epochs", "what if the learning rate were 0.003",
]


def ask_all() -> None:
    """In this process: the ten what-ifs in a row; prints, as JSON, each one's seconds to the whole reply,
    of its own training, and to the answer (the explanation, before the fix is tried)."""
    from tutor.dialogue.tutor import Tutor
    from tutor.settings import Settings
    from tutor.store import Store

    tutor, seconds, answered = Tutor(Store(Settings.from_env().store), "bench", lang="en"), [], []
    tutor.answered = lambda reply: answered.append(time.perf_counter())
    for text in WHAT_IFS:
        answered.clear()
        start = time.perf_counter()
        reply = tutor.handle(text)
        end = time.perf_counter()
        assert reply.run is not None, (text, reply.text)
        seconds.append([end - start, reply.run.train_seconds, (answered or [end])[0] - start])
    print(json.dumps(seconds))


def one_process(cache: str) -> list[list[float]]:
    env = {**os.environ, "TUTOR_CACHE": cache, "TUTOR_HOME": tempfile.mkdtemp()}
    out = subprocess.run([sys.executable, __file__, "--child"], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cache", help="step cache to start from (default: an empty one)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        return ask_all()
    cache = args.cache or tempfile.mkdtemp()
    first, warm = one_process(cache), one_process(cache)
    print(f"ten what-ifs in one process; {os.cpu_count()} cores")
    for text, (a, *_), (b, own, answer) in zip(WHAT_IFS, first, warm):
        print(f"  {text:40s} {a:7.2f} s  warm {b:6.2f} s (own training {own:5.2f} s, answer at {answer:5.2f} s)")
    label = "an empty step cache" if args.cache is None else "the given step cache"
    total, own, answer = (sum(x[i] for x in warm) for i in (0, 1, 2))
    met = "met" if total <= 5 else "missed"
    print(f"total: {sum(x[0] for x in first):.1f} s with {label}, {total:.1f} s warm (target <= 5 s: {met}); "
          f"warm, the student's own runs trained {own:.1f} s, the rest (verified advice, explaining, storing) "
          f"{total - own:.1f} s; the answers, before their fixes were tried, came after {answer:.1f} s in all")


if __name__ == "__main__":
    main()
