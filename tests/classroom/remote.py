"""A real `tutor serve` in a subprocess, and a student's terminal on it: an asyncssh client whose
output goes through a VT100 emulator (pyte), so tests read the screen as the student sees it.

Used by the classroom tests and by benchmarks/classroom_load.py.
"""

import asyncio
import functools
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncssh
import pyte

from tutor.classroom.roster import Roster, User, hash_password, save

PASSWORD = "secreto-1"
# How long the server may take to start or a screen to come before a test fails: a guard against a hang, not a
# speed goal (benchmarks/classroom_load.py times both). A loaded 2-core CI took over a minute to start one.
PATIENCE = 300.0


@functools.cache
def hashed_password() -> str:
    """PASSWORD's hash, made once per process: each full-cost hash takes a good part of a second, and one salt
    serves every test's roster."""
    return hash_password(PASSWORD)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tutor serve` on a loopback port, with a roster of `students` (password PASSWORD) and `teachers`."""

    def __init__(self, data: Path, students: list[str], teachers: tuple[str, ...] = (), *extra: str) -> None:
        self.data, self.port = data, free_port()
        self.roster = data / "roster.yaml"
        data.mkdir(parents=True, exist_ok=True)
        if not self.roster.exists():
            hashed = hashed_password()
            users = [User(name=n, role="student", password=hashed) for n in students]
            users += [User(name=n, role="teacher", password=hashed) for n in teachers]
            save(Roster(users=users), self.roster)
        self.extra = extra
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = PATIENCE) -> "Server":
        env = {**os.environ, "TUTOR_HOME": str(self.data), "PYTHONUNBUFFERED": "1"}
        self.log = open(self.data / "serve.out", "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tutor", "--lang", "en", "serve", "--port", str(self.port),
             "--roster", str(self.roster), *self.extra],
            env=env, stdout=subprocess.PIPE, stderr=self.log)
        deadline = time.monotonic() + timeout
        line = b""
        while b"listening" not in line:
            line = self.process.stdout.readline()
            if not line or time.monotonic() > deadline:
                raise RuntimeError(f"tutor serve did not start: {self.output()}")
        return self

    def output(self) -> str:
        return (self.data / "serve.out").read_text(errors="replace")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        assert self.process is not None
        self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        finally:
            self.log.close()

    def __enter__(self) -> "Server":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.stop()


class Terminal:
    """One student's SSH terminal: type into it, read its screen, resize it.

    `emulate` False: no screen, only the last 64 KiB of bytes as text (escape sequences and all), for
    many clients on one machine, where a VT100 emulator in Python would cost more CPU than the server.
    """

    def __init__(self, width: int = 80, height: int = 24, emulate: bool = True) -> None:
        self.size = (width, height)
        self.screen = pyte.Screen(width, height) if emulate else None
        self.stream = pyte.ByteStream(self.screen) if emulate else None
        self.recent = b""
        self.changed = asyncio.Event()
        self.closed = False

    async def connect(self, port: int, user: str, password: str = PASSWORD) -> "Terminal":
        self.conn = await asyncssh.connect("127.0.0.1", port, username=user, password=password, known_hosts=None,
                                           client_keys=None, agent_path=None)
        self.process = await self.conn.create_process(term_type="xterm-256color", encoding=None,
                                                      term_size=self.size)
        self.reader = asyncio.ensure_future(self._read())
        return self

    async def _read(self) -> None:
        try:
            while data := await self.process.stdout.read(65536):
                if self.stream:
                    self.stream.feed(data)
                else:
                    self.recent = (self.recent + data)[-65536:]
                self.changed.set()
        except asyncssh.Error:
            pass
        finally:
            self.closed = True
            self.changed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen else self.recent.decode(errors="ignore")

    async def wait_for(self, pattern: str, timeout: float = PATIENCE) -> float:
        """Seconds until `pattern` (a regular expression) is on screen; TimeoutError with the screen if never."""
        start = time.perf_counter()
        deadline = start + timeout
        while not re.search(pattern, self.text()):
            self.changed.clear()
            left = deadline - time.perf_counter()
            if left <= 0 or self.closed:
                raise TimeoutError(f"{pattern!r} not on screen after {timeout} s:\n{self.text()}")
            try:
                await asyncio.wait_for(self.changed.wait(), left)
            except TimeoutError:
                pass
        return time.perf_counter() - start

    def type(self, text: str) -> None:
        self.process.stdin.write(text.encode())

    def resize(self, width: int, height: int) -> None:
        self.size = (width, height)
        if self.screen:
            self.screen.resize(height, width)
        self.process.change_terminal_size(width, height)

    async def close(self) -> None:
        self.process.close()
        self.conn.close()
        await self.conn.wait_closed()
