"""A `tutor sweep` killed mid-search (SIGTERM or SIGKILL) leaves no process behind — fork server, resource
tracker, workers and their compiler pools — and keeps the trials it had finished."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tutor.store import Store

# Two network shapes, so two workers: the small data's chunk ends in seconds, the large one trains on (10 000
# epochs: ~20 000 steps for the small, ~375 000 for the large; at 1 000 the faster engine finished both in time).
GRID = ["--epochs", "10000", "--hidden", "16", "--grid", "samples=60,1500", "lr=0.01,0.1"]


def session(sid: int) -> list[int]:
    """The live (not zombie) processes of session `sid`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # ended meanwhile
            continue
        if fields[0] != "Z" and int(fields[3]) == sid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_sweep_leaves_no_process_and_keeps_its_finished_trials(isolated_home, sig):
    proc = subprocess.Popen([sys.executable, "-m", "tutor", "sweep", *GRID], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = Store(isolated_home / "tutor.db")
    try:
        deadline = time.monotonic() + 240
        while len(store.runs(limit=10)) < 2 and time.monotonic() < deadline:  # the small chunk is done
            time.sleep(0.2)
        finished = {r.id for r in store.runs(limit=10)}
        assert len(session(proc.pid)) >= 3, "the sweep, its fork server and the large chunk's worker at least"
        assert len(finished) == 2 and proc.poll() is None, "killed mid-search"
        proc.send_signal(sig)
        proc.wait(120)  # limits that only guard against a hang: a clean stop stores runs, slowly on a loaded machine
        end = time.monotonic() + 120
        while session(proc.pid) and time.monotonic() < end:
            time.sleep(0.1)
        assert session(proc.pid) == []
    finally:
        for pid in session(proc.pid):
            os.kill(pid, signal.SIGKILL)
    runs = store.runs(limit=10)
    assert finished <= {r.id for r in runs} and all(r.result["status"] == "completed" for r in runs if r.id in finished)
    if sig == signal.SIGTERM:  # a clean stop, as Ctrl+C: the large chunk's trials are kept too, cancelled
        assert proc.returncode == 128 + sig and len(runs) == 4
