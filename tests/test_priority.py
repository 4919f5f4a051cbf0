"""A process in a session of its own gives way to the others even under autogroup (read back from /proc)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="no autogroup here")

LOWER = "from tutor import priority; priority.lower(5); print(open('/proc/self/autogroup').read(), end='')"


def autogroup_after_lowering(new_session: bool) -> str:
    return subprocess.run([sys.executable, "-c", LOWER], capture_output=True, text=True, check=True,
                          start_new_session=new_session).stdout


def test_a_session_leader_lowers_its_session():
    assert autogroup_after_lowering(new_session=True).split()[-2:] == ["nice", str(min(os.nice(0) + 5, 19))]


def test_a_process_in_someone_elses_session_leaves_it_as_it_was():
    assert autogroup_after_lowering(new_session=False) == Path("/proc/self/autogroup").read_text()
