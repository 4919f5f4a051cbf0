"""Small moons and few shapes: every capture here costs seconds, every warm run a fraction of one.
A private PostgreSQL server for the searches shared through a database."""

import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tutor.config import ExperimentConfig


@pytest.fixture
def base() -> ExperimentConfig:
    return ExperimentConfig(dataset="moons", samples=200, hidden=(16,), epochs=3, seed=0)


def _initdb() -> str | None:
    """PostgreSQL's initdb: on the PATH, or where Debian's postgresql package puts it."""
    return shutil.which("initdb") or max(glob.glob("/usr/lib/postgresql/*/bin/initdb"), default=None)


# Stops the server and removes its folder once the test process ends, however it ends: a run killed by a
# timeout (SIGKILL, no teardown) would leave the server running, since pg_ctl starts it in a session of its own.
_STOP_WITH_TESTS = """
import os, select, shutil, subprocess, sys
tests, uid, gid = (int(a) for a in sys.argv[1:4])
pg_ctl, data, root = sys.argv[4:]
ended = os.pidfd_open(tests)
if uid != os.getuid():  # the server's account (PostgreSQL refuses root)
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
select.select([ended], [], [])
subprocess.run([pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True)
shutil.rmtree(root, ignore_errors=True)
"""


@contextmanager
def _server() -> Iterator[tuple[str, Callable[[], None]]]:
    """A private PostgreSQL server on a Unix socket: its URL, and what stops it at once (a server gone away).
    PostgreSQL refuses to run as root, so under root it runs as `postgres` (or `nobody`), in a folder of its own
    outside pytest's. A watcher in its own session stops it when the tests end without their teardown."""
    initdb = _initdb()
    if initdb is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's initdb is missing: .ci/run installs Debian's postgresql")
        pytest.skip("PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)")
    bin_dir = Path(initdb).resolve().parent
    root = Path(tempfile.mkdtemp(prefix="tutor-pg-"))
    as_user: dict = {}
    if os.geteuid() == 0:
        account = next(a for a in map(_account, ("postgres", "nobody")) if a)
        os.chown(root, account.pw_uid, account.pw_gid)
        as_user = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
    data, log = root / "data", root / "log"

    def pg(*argv: str, check: bool = True) -> None:
        subprocess.run(argv, cwd=root, check=check, capture_output=True,
                       env={"PATH": os.environ["PATH"], "LC_ALL": "C"}, **as_user)

    def stop() -> None:
        pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop", check=False)

    pg(str(bin_dir / "initdb"), "-D", str(data), "-U", "tutor", "--auth=trust", "--no-sync", "-E", "UTF8",
       "--locale=C")
    ids = (as_user.get("user", os.getuid()), as_user.get("group", os.getgid()))
    watcher = subprocess.Popen([sys.executable, "-c", _STOP_WITH_TESTS, str(os.getpid()), *map(str, ids),
                                str(bin_dir / "pg_ctl"), str(data), str(root)], cwd=root, start_new_session=True)
    pg(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-o",
       f"-k {root} -c listen_addresses='' -F", "start")
    try:
        yield f"postgresql+psycopg://tutor@/postgres?host={root}", stop
    finally:
        watcher.kill()
        watcher.wait()
        stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[str]:
    """A private PostgreSQL server for the session: its URL."""
    with _server() as (url, _):
        yield url


@pytest.fixture
def doomed_postgres() -> Iterator[tuple[str, Callable[[], None]]]:
    """A private PostgreSQL server for one test that stops it: its URL, and what stops it."""
    with _server() as server:
        yield server


def _account(name: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        return None
