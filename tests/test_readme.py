"""The README's set-up command, run by bash as written, against stubs of apt-get, sudo and Python:
as root with no sudo installed, as a user with sudo, and on a Python too old for tutor."""

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"

STUB = """#!/bin/sh
echo "${0##*/} $*" >> "$LOG"
"""
PYTHON = STUB + """if [ "$1" = -m ] && [ "$2" = venv ]; then
    mkdir -p "$3/bin"
    for tool in pip tutor; do printf '#!/bin/sh\\necho "%s $*" >> "$LOG"\\n' "$3/bin/$tool" > "$3/bin/$tool"; done
    chmod +x "$3/bin/pip" "$3/bin/tutor"
    exit 0
fi
[ "$1" = -c ] && exec REAL -c "import sys; sys.version_info = $FAKE_VERSION; $2"
exit 3
"""
SUDO = STUB + 'exec "$@"\n'


def setup_command() -> str:
    """The first shell block of the README's set-up section."""
    section = README.read_text(encoding="utf-8").split("## Set up and run", 1)[1]
    return re.search(r"```sh\n(.*?)\n```", section, re.S)[1]


def run_setup(tmp_path: Path, with_sudo: bool, version: tuple[int, int]) -> tuple[int, list[str], str]:
    """Run the command in an empty folder with only the stubs on PATH; its exit status, the calls, stderr."""
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    stubs = {"apt-get": STUB, "python3": PYTHON.replace("REAL", shlex.quote(sys.executable))}
    if with_sudo:
        stubs["sudo"] = SUDO
    for tool in ("mkdir", "chmod"):  # what the python3 stub uses to make a venv
        (bin_ / tool).symlink_to(shutil.which(tool))
    for name, text in stubs.items():
        (bin_ / name).write_text(text)
        (bin_ / name).chmod(0o755)
    log = tmp_path / "calls"
    env = {"PATH": str(bin_), "LOG": str(log), "FAKE_VERSION": repr((*version, 0, "final", 0))}
    done = subprocess.run(["/bin/bash", "-c", setup_command()], cwd=tmp_path, env=env, capture_output=True, text=True)
    return done.returncode, log.read_text().splitlines() if log.exists() else [], done.stderr


def test_the_command_is_one_line_that_never_calls_sudo_by_name():
    command = setup_command()
    assert "\n" not in command
    assert not re.search(r"(^|[;&|]\s*)sudo\b", command), "a bare sudo fails as root where sudo is not installed"


@pytest.mark.parametrize("with_sudo", [False, True], ids=["root-without-sudo", "user-with-sudo"])
def test_the_command_installs_and_runs_with_or_without_sudo(tmp_path, with_sudo):
    rc, calls, err = run_setup(tmp_path, with_sudo, (3, 11))
    assert rc == 0, err
    apt = [c for c in calls if c.startswith("apt-get")]
    assert apt[0] == "apt-get update" and re.fullmatch(r"apt-get install -y clang python3-venv", apt[1])
    # with sudo, every apt-get goes through it (the sudo stub logs, then runs apt-get); without, none does
    through_sudo = [c.removeprefix("sudo ") for c in calls if c.startswith("sudo ")]
    assert through_sudo == (apt if with_sudo else [])
    assert "python3 -m venv .venv" in calls
    assert any(c.startswith(".venv/bin/pip install -e") for c in calls)
    assert calls[-1].startswith(".venv/bin/tutor run")  # the main job, with the venv's tutor


def test_an_old_python_stops_the_command_with_the_version_it_needs(tmp_path):
    rc, calls, err = run_setup(tmp_path, False, (3, 10))
    assert rc != 0
    assert "3.11" in err and "3.10" in err
    assert "python3 -m venv .venv" not in calls and not (tmp_path / ".venv").exists()
