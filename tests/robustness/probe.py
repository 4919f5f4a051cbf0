"""Helpers of the robustness tests: a real `tutor` process, and what every refusal must look like."""

import subprocess
import sys


def run_tutor(*argv: str, stdin: str = "", timeout: float = 240) -> subprocess.CompletedProcess:
    """`python -m tutor ARGS...` as a real process (for what could block or take the process down). `timeout`
    tells a process that blocks from one that a loaded machine starts slowly: it is not a speed goal."""
    return subprocess.run([sys.executable, "-m", "tutor", *argv], input=stdin, capture_output=True, text=True,
                          timeout=timeout)


def one_clear_line(code: int, err: str) -> None:
    """What every bad input must give: exit 2, one line on stderr, not an internal error."""
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert "internal error" not in err and "Traceback" not in err, err
    assert "\x1b" not in err, repr(err)
