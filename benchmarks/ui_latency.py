"""Keystroke latency of the app while a run trains, against the same app idle. Run by hand:

    python benchmarks/ui_latency.py [--epochs 200] [--keys 80] [--json]

The app runs headless (Textual's real event loop and compositor, no terminal). Each keystroke is
posted as the terminal driver would post it; its latency is the time until the input line holds the
character and the screen has been refreshed with it. Keys are spaced 25 ms apart, a fast typist.
Training runs in the app's worker thread as it does for a student: the network shape is captured
once beforehand, so the measured run is a warm 200-epoch run.
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time

from textual import events
from textual.widgets import Input

from tutor.config import ExperimentConfig
from tutor.engine.training import train
from tutor.settings import Settings
from tutor.store import Store
from tutor.ui.app import TutorApp
from tutor.ui.widgets.prompt import PromptInput

GAP = 0.025  # seconds between keystrokes


class TimedApp(TutorApp):
    """The app, telling the benchmark when the input line changes."""

    def __init__(self) -> None:
        super().__init__(Store(Settings.from_env().store), "bench", "en")
        self.changed = asyncio.Event()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.changed.set()


async def keystroke(app: TimedApp, prompt: PromptInput, char: str) -> float:
    """Post one key and wait until it is in the input and painted; seconds taken."""
    app.changed.clear()
    start = time.perf_counter()
    app.post_message(events.Key(char, char))
    await app.changed.wait()
    painted = asyncio.get_running_loop().create_future()
    prompt.call_after_refresh(lambda: painted.done() or painted.set_result(None))
    await painted
    return time.perf_counter() - start


async def measure(epochs: int, keys: int) -> dict:
    app = TimedApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        prompt = app.main.query_one(PromptInput)
        idle = []
        for i in range(keys):
            idle.append(await keystroke(app, prompt, "abcdefghij"[i % 10]))
            await asyncio.sleep(GAP)
        prompt.value = f"what if I train {epochs} epochs?"
        await prompt.action_submit()
        while not app.main.panel.history:
            await asyncio.sleep(0.001)
        busy, started = [], time.perf_counter()
        while app.main.busy is not None and len(busy) < 10_000:
            busy.append(await keystroke(app, prompt, "abcdefghij"[len(busy) % 10]))
            await asyncio.sleep(GAP)
        while app.main.busy is not None:
            await asyncio.sleep(0.01)
        result = app.main.panel.result
        assert result is not None and len(result.history) == epochs, "the run did not complete"
        in_app = result.train_seconds
        prompt.value = "what if I train 201 epochs?"  # nearly the same run again, nobody typing
        await prompt.action_submit()
        while app.main.panel.result is result or app.main.busy is not None:
            await asyncio.sleep(0.01)
        watched = app.main.panel.result.train_seconds
    alone = train(ExperimentConfig(epochs=epochs)).train_seconds
    return {"epochs": epochs, "idle": summary(idle), "training": summary(busy), "keys_while_training": len(busy),
            "train_seconds_typing": round(in_app, 3), "train_seconds_watched": round(watched, 3),
            "train_seconds_alone": round(alone, 3),
            "measured_for": round(time.perf_counter() - started, 2)}


def summary(samples: list[float]) -> dict:
    ms = sorted(1000 * s for s in samples)
    return {"p50_ms": round(statistics.median(ms), 2), "p95_ms": round(ms[int(0.95 * (len(ms) - 1))], 2),
            "max_ms": round(ms[-1], 2), "n": len(ms)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--keys", type=int, default=80, help="keystrokes measured while idle")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("TUTOR_HOME", tempfile.mkdtemp(prefix="tutor-bench-"))
    train(ExperimentConfig(epochs=1))  # capture the network's shape before measuring
    report = asyncio.run(measure(args.epochs, args.keys))
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"keystroke → painted, {report['epochs']}-epoch run training in the app's worker thread:")
    for name in ("idle", "training"):
        r = report[name]
        print(f"  {name:<9} p50 {r['p50_ms']:7.2f} ms   p95 {r['p95_ms']:7.2f} ms   max {r['max_ms']:7.2f} ms"
              f"   ({r['n']} keys)")
    print(f"  the run took {report['train_seconds_typing']} s in the app while typing, "
          f"{report['train_seconds_watched']} s watched, {report['train_seconds_alone']} s alone")
    return 0


if __name__ == "__main__":
    sys.exit(main())
