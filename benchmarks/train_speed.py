"""How fast `tutor run` is, against reference implementations of the same job, measured in one sitting.

Job: moons 1000 (800 train), MLP 2-32-32-2 relu, adam lr 0.01, batch 32 (25 steps an epoch).
    python benchmarks/train_speed.py [--device auto|cpu|cuda|...]
step: the cost of one step over a whole run, evaluation and bookkeeping included: `train_seconds` at
      200 epochs minus at 20, over the 4500 extra steps (one process, shape cached, best of 3); the
      NumPy loop written by hand (forward, backward, Adam, and one forward pass over all examples an
      epoch) is measured the same way. Target: ratio <= 1; moonshot <= 0.25.
cold: whole processes, best of 3: `tutor run` of 20 epochs with the shape cached, against scikit-learn's
      MLPClassifier and a PyTorch script of the same job (each when installed). Target: ratio <= 1.
auto: `--device auto` picked in a fresh process, tinygrad imported (best of 3; DEV unset). Target: <= 50 ms
      on a machine without a GPU (no backend opened, not even the CPU's: that takes about a second).
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import textwrap
import time

import numpy as np

JOB = "--dataset moons --samples 1000 --hidden 32,32 --optimizer adam --lr 0.01 --batch-size 32 --seed 0"
SHORT, LONG = 20, 200


def process_seconds(args: list[str], env: dict | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def auto_seconds() -> float:
    """Seconds `resolve('auto')` takes in a fresh process, best of 3."""
    probe = ("import time; from tutor.engine import device; "
             "s = time.perf_counter(); device.resolve('auto'); print(time.perf_counter() - s)")
    env = {name: value for name, value in os.environ.items() if name != "DEV"}
    return min(float(subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True,
                                    env=env).stdout) for _ in range(3))


def tutor_step(device: str) -> float:
    """Seconds a step, from train_seconds at LONG and SHORT epochs (best of 3 each)."""
    from tutor.config import make_config
    from tutor.engine.training import train

    flags = JOB.split()
    cfg = make_config({**dict(zip([a[2:].replace("-", "_") for a in flags[::2]], flags[1::2])), "device": device})
    runs = {epochs: min(train(cfg.changed(epochs=epochs)).train_seconds for _ in range(3)) for epochs in (SHORT, LONG)}
    return (runs[LONG] - runs[SHORT]) / ((LONG - SHORT) * 25)


def numpy_step() -> float:
    """The same measure for the same job by hand in NumPy."""
    from tutor.config import ExperimentConfig
    from tutor.data import load

    d = load(ExperimentConfig(samples=1000))
    x_all = np.concatenate([d.x_train, d.x_val])

    def forward(params, x):
        hs = [x]
        for k in range(3):
            z = hs[-1] @ params[2 * k] + params[2 * k + 1]
            hs.append(np.maximum(z, 0) if k < 2 else z)
        return hs

    def run(epochs: int) -> float:
        r = np.random.default_rng(0)
        sizes = [2, 32, 32, 2]
        params = [p for a, b in zip(sizes[:-1], sizes[1:]) for p in (r.normal(0, np.sqrt(2 / a), (a, b)), np.zeros(b))]
        m, v = [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params]
        start, t = time.perf_counter(), 0
        for _ in range(epochs):
            order = r.permutation(len(d.y_train))
            for i in range(0, len(order), 32):
                x, y = d.x_train[order[i : i + 32]], d.y_train[order[i : i + 32]]
                hs = forward(params, x)
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
            forward(params, x_all)  # the epoch's evaluation
        return time.perf_counter() - start

    return (min(run(LONG) for _ in range(3)) - min(run(SHORT) for _ in range(3))) / ((LONG - SHORT) * 25)


SKLEARN = textwrap.dedent("""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier
    x, y = make_moons(1000, noise=0.2, random_state=0)
    xt, xv, yt, yv = train_test_split(x, y, test_size=0.2, random_state=0)
    net = MLPClassifier((32, 32), solver="adam", learning_rate_init=0.01, batch_size=32, max_iter=20, random_state=0)
    print(net.fit(xt, yt).score(xv, yv))
""")

TORCH = textwrap.dedent("""
    import torch
    from sklearn.datasets import make_moons
    torch.manual_seed(0); torch.set_num_threads(2)
    x, y = make_moons(1000, noise=0.2, random_state=0)
    x, y = torch.tensor(x[:800], dtype=torch.float32), torch.tensor(y[:800])
    net = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32), torch.nn.ReLU(),
                              torch.nn.Linear(32, 2))
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for _ in range(20):
        order = torch.randperm(len(y))
        for i in range(0, len(y), 32):
            idx = order[i:i + 32]
            opt.zero_grad(); torch.nn.functional.cross_entropy(net(x[idx]), y[idx]).backward(); opt.step()
""")


def reference_process(name: str, script: str, needs: list[str]) -> tuple[str, float | None]:
    missing = [m for m in needs if importlib.util.find_spec(m) is None]
    if missing:
        return f"{name}: not installed ({', '.join(missing)})", None
    seconds = min(process_seconds([sys.executable, "-c", script]) for _ in range(3))
    return name, seconds


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="auto")
    device = p.parse_args().device
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "TUTOR_CACHE": cache, "TUTOR_HOME": tempfile.mkdtemp()}
        cold = [
            sys.executable,
            "-m",
            "tutor",
            "run",
            *JOB.split(),
            "--epochs",
            str(SHORT),
            "--device",
            device,
            "--json",
        ]
        uncached = process_seconds(cold, env)
        cached = min(process_seconds(cold, env) for _ in range(3))
    step, reference = tutor_step(device), numpy_step()
    print(f"job: moons 1000, 2-32-32-2 relu, adam, batch 32; device {device}; {os.cpu_count()} cores")
    print(f"a step over a whole run ({LONG} vs {SHORT} epochs)  tutor {step * 1e3:.3f} ms   "
          f"NumPy by hand {reference * 1e3:.3f} ms   ratio {step / reference:.2f} (target <= 1, moonshot <= 0.25)")
    print(f"cold tutor run, {SHORT} epochs, empty step cache   {uncached:6.2f} s  (whole process, captures the shape)")
    print(f"cold tutor run, {SHORT} epochs, cached shape       {cached:6.2f} s  (whole process, best of 3)")
    print(f"--device auto picked in a fresh process      {auto_seconds() * 1e3:6.1f} ms (best of 3; target <= 50 ms)")
    for name, script, needs in (("scikit-learn", SKLEARN, ["sklearn"]), ("PyTorch", TORCH, ["torch", "sklearn"])):
        label, seconds = reference_process(name, script, needs)
        if seconds is None:
            print(label)
        else:
            print(f"{label:14s} whole process                {seconds:6.2f} s  (best of 3)  "
                  f"ratio tutor/{name} {cached / seconds:.2f} (target <= 1)")


if __name__ == "__main__":
    main()
