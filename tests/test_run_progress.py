"""`tutor run`'s progress: one line per epoch, redrawn in place and fitted to an 80-column terminal
(tmux, every byte replayed through a VT100 emulator); plain lines when stderr is not a terminal."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest

EPOCHS = 5


@pytest.mark.slow
@pytest.mark.parametrize("lang, title_end, counter", [("es", "épocas", "época"), ("en", "epochs", "epoch")])
def test_each_epoch_stays_on_one_line_at_80_columns(tmux, tmp_path, lang, title_end, counter):
    session, log, rc = f"tutor-run-{os.getpid()}-{lang}", tmp_path / "bytes", tmp_path / "rc"
    command = (f"env TUTOR_HOME={tmp_path} TERM=xterm-256color {sys.executable} -m tutor run --lang {lang} "
               f"--epochs {EPOCHS} --samples 400 --batch-size 8; echo $? > {rc}; sleep 60")
    subprocess.run([tmux, "new-session", "-d", "-s", session, "-x", "80", "-y", "24", "sleep 1; " + command],
                   check=True, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])})
    try:
        subprocess.run([tmux, "pipe-pane", "-o", "-t", session, f"cat >> {log}"], check=True)
        deadline = time.monotonic() + 240
        while not rc.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        subprocess.run([tmux, "kill-session", "-t", session])
    assert rc.read_text().strip() == "0"

    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    progress = re.compile(rf"{counter} (\d+)/{EPOCHS}\b")
    drawn: set[int] = set()
    data = log.read_bytes()
    for chunk in re.split(rb"(?=\r)", data):  # the screen as it is each time a line is redrawn
        stream.feed(chunk)
        rows = [row.rstrip() for row in screen.display]
        lines = [i for i, row in enumerate(rows) if progress.match(row)]
        assert len(lines) <= 1, "\n".join(rows)  # no stale progress lines
        for i in lines:
            # the whole record on its row: nothing wrapped onto the next one
            # (it ends on a number, or on the time left: "~1 s left", "faltan 1 s")
            assert re.search(r"(\d\.\d\d|\d s)( |…|$)", rows[i]) or progress.fullmatch(rows[i].split(" ━")[0]), rows[i]
            assert i + 1 == len(rows) or not rows[i + 1], "\n".join(rows)
            drawn.add(int(progress.match(rows[i])[1]))
    assert drawn >= set(range(1, EPOCHS + 1))  # every epoch was drawn, in place
    final = [row.rstrip() for row in screen.display]
    title = next(row for row in final if row.startswith("moons · 400"))
    assert title.endswith(f"{EPOCHS} {title_end}")  # the title on one row, not wrapped
    assert not any(progress.match(row) for row in final)  # the live line is gone once the table is shown


@pytest.mark.slow
def test_not_a_terminal_gets_plain_lines(tmp_path):
    env = {**os.environ, "TUTOR_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "tutor", "run", "--lang", "en", "--epochs", "3", "--samples", "100"],
                          capture_output=True, text=True, env=env, timeout=240)
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert [line.split(" · ")[0] for line in lines] == ["epoch 1/3", "epoch 2/3", "epoch 3/3"]
    assert all("\x1b" not in line and "val acc" in line for line in lines)
    title = "moons · 100 examples · 2 layers of 32, ReLU · Adam lr 0.01 · batch 32 · 3 epochs"
    assert done.stdout.splitlines()[0] == title  # one line in a file
