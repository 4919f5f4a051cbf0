"""The probe's cases: every entry point driven as a careless or hostile user would."""

import io
import sys
from pathlib import Path

import pytest

from tutor.cli import main

sys.path.insert(0, str(Path(__file__).parents[1] / "classroom"))  # remote: a real `tutor serve` and its clients
sys.path.insert(0, str(Path(__file__).parents[1] / "ui"))  # pilot_tools' until


@pytest.fixture
def tutor(capsys, monkeypatch):
    """`tutor ARGS...` in-process: (exit code, stdout, stderr); `stdin` feeds standard input."""

    def call(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return call
