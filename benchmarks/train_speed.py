"""How fast one `tutor run` is, against reference loops on the same job, measured in one sitting.

Job: moons 1000 (800 train), MLP 2-32-32-2 relu, adam lr 0.01, batch 32, 20 epochs.
    python benchmarks/train_speed.py
cold: a fresh `tutor run` process for a shape already in the JIT cache (and, once, with an empty cache);
warm: a second run in one process with a new learning rate; references: a hand-written NumPy loop in
this process and, when PyTorch is installed, a PyTorch-CPU script as a whole process.
"""

import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

JOB = "--dataset moons --samples 1000 --hidden 32,32 --optimizer adam --lr 0.01 --batch-size 32 --epochs 20 --seed 0"


def process_seconds(args: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def cold(cache: str) -> float:
    env = {**os.environ, "TUTOR_CACHE": cache, "TUTOR_HOME": tempfile.mkdtemp()}
    return process_seconds([sys.executable, "-m", "tutor", "run", *JOB.split(), "--json"], env)


def warm() -> tuple[float, int]:
    from tinygrad.helpers import GlobalCounters

    from tutor.config import make_config
    from tutor.engine.training import train

    cfg = make_config(dict(zip([a[2:].replace("-", "_") for a in JOB.split()[::2]], JOB.split()[1::2])))
    train(cfg)
    GlobalCounters.reset()
    start = time.perf_counter()
    run = train(cfg.changed(lr=0.02))
    seconds = time.perf_counter() - start
    return seconds, GlobalCounters.kernel_count // (run.steps_per_epoch * cfg.epochs)


def numpy_reference() -> float:
    """The same job by hand in NumPy: forward, backward and Adam."""
    from tutor.config import ExperimentConfig
    from tutor.data import load

    d = load(ExperimentConfig(samples=1000))
    r = np.random.default_rng(0)
    sizes = [2, 32, 32, 2]
    params = [p for a, b in zip(sizes[:-1], sizes[1:]) for p in (r.normal(0, np.sqrt(2 / a), (a, b)), np.zeros(b))]
    m, v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
    start, t = time.perf_counter(), 0
    for _ in range(20):
        order = r.permutation(len(d.y_train))
        for i in range(0, len(order), 32):
            x, y = d.x_train[order[i : i + 32]], d.y_train[order[i : i + 32]]
            hs = [x]
            for k in range(3):
                z = hs[-1] @ params[2 * k] + params[2 * k + 1]
                hs.append(np.maximum(z, 0) if k < 2 else z)
            p = np.exp(hs[-1] - hs[-1].max(1, keepdims=True))
            p /= p.sum(1, keepdims=True)
            dz = (p - np.eye(2)[y]) / len(y)
            grads = [None] * 6
            for k in reversed(range(3)):
                grads[2 * k], grads[2 * k + 1] = hs[k].T @ dz, dz.sum(0)
                dz = (dz @ params[2 * k].T) * (hs[k] > 0)
            t += 1
            for j, g in enumerate(grads):
                m[j] = 0.9 * m[j] + 0.1 * g
                v[j] = 0.999 * v[j] + 0.001 * g * g
                params[j] -= 0.01 * (m[j] / (1 - 0.9**t)) / (np.sqrt(v[j] / (1 - 0.999**t)) + 1e-8)
    return time.perf_counter() - start


TORCH = textwrap.dedent("""
    import torch, numpy as np
    from tutor.config import ExperimentConfig
    from tutor.data import load
    torch.manual_seed(0); torch.set_num_threads(2)
    d = load(ExperimentConfig(samples=1000))
    x, y = torch.tensor(d.x_train), torch.tensor(d.y_train, dtype=torch.long)
    net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                              torch.nn.Linear(32, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(20):
        order = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            idx = order[i:i + 32]
            opt.zero_grad(); torch.nn.functional.cross_entropy(net(x[idx]), y[idx]).backward(); opt.step()
""")


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        uncached = cold(cache)
        cached = min(cold(cache) for _ in range(3))
    warm_s, kernels = warm()
    reference = numpy_reference()
    try:
        import importlib.util

        has_torch = importlib.util.find_spec("torch") is not None
        runs = [process_seconds([sys.executable, "-c", TORCH]) for _ in range(3)] if has_torch else []
        torch_s = min(runs, default=None)
    except subprocess.CalledProcessError:
        torch_s = None
    print(f"job: moons 1000, 2-32-32-2 relu, adam, batch 32, 20 epochs (500 steps); {os.cpu_count()} cores")
    print(f"cold tutor run, empty JIT cache    {uncached:7.3f} s  (whole process, includes capture)")
    print(f"cold tutor run, cached shape       {cached:7.3f} s  (whole process, best of 3)")
    print(f"warm run (new lr, same process)    {warm_s:7.3f} s  "
          f"({warm_s / 500 * 1000:.2f} ms a step, {kernels} kernels a step)")
    print(f"NumPy reference loop               {reference:7.3f} s  (training only)")
    if torch_s:
        print(f"PyTorch CPU script                 {torch_s:7.3f} s  (whole process, best of 3)")
        print(f"ratio cold-cached / PyTorch process: {cached / torch_s:.2f}  (target <= 1)")
    print(f"ratio warm / NumPy loop: {warm_s / reference:.2f};  "
          f"warm target <= 0.6 s: {'met' if warm_s <= 0.6 else 'missed'}")


if __name__ == "__main__":
    main()
