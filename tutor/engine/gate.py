"""Where training waits its turn: one training at a time per process, and in a classroom one of the
server's slots.

Under `tutor serve` every student's app is a child process with `TUTOR_QUEUE` naming the server's
queue socket. A turn there is one connection: the server answers with the place in the queue as it
changes, then `go`; closing the connection gives the slot back (or leaves the queue), so a session
that dies frees its slot at once. Without `TUTOR_QUEUE` a turn is only the process lock.

There the thread that trains also runs at a lower priority (`TRAINING_NICE` more): every student's
typing and screens come first, and the runs share what is left.

A fix the tutor tries on its own trains `in_background()`: its turn comes after every run a student
asked for, and its place in the queue is nobody's concern, so it is not told.

Protocol, one JSON object per line: first from the client, {"background": true|false}; then from the
server, {"place": n, "of": m} while waiting, {"go": true} when the slot is ours, {"full": limit} when
this student already has `limit` runs queued.
"""

import json
import logging
import os
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from tinygrad import helpers as tinygrad_helpers

from tutor.errors import TutorError
from tutor.i18n import Lang, t
from tutor.settings import Settings

TRAINING_LOCK = threading.Lock()  # tinygrad keeps global state: one training at a time per process
POLL_SECONDS = 0.1
TRAINING_NICE = 10



@dataclass(frozen=True)
class Listener:
    """Who hears this thread's place in the class queue: `tell(place, of)`, place 0 when the run starts."""

    lang: Lang
    tell: Callable[[int, int], None]


listener: ContextVar[Listener] = ContextVar("listener", default=Listener("es", lambda place, of: None))
_background: ContextVar[bool] = ContextVar("background", default=False)

log = logging.getLogger(__name__)


class QueueFull(TutorError):
    """This student already has as many runs waiting as the class allows."""


@contextmanager
def in_background() -> Iterator[None]:
    """Training in this block waits behind every run a student asked for (see the module's docstring)."""
    token = _background.set(True)
    try:
        yield
    finally:
        _background.reset(token)


@contextmanager
def turn(should_stop: Callable[[], bool] = lambda: False) -> Iterator[bool]:
    """Hold the training slot; yields False if `should_stop` said stop while waiting in the queue."""
    path = Settings.current().queue
    with _class_slot(path, should_stop) if path else nullcontext(True) as granted, TRAINING_LOCK:
        _share_kernel_cache()
        yield granted


def _share_kernel_cache() -> None:
    """tinygrad keeps its kernel cache in one SQLite connection, opened by the first thread that compiles
    and refused to every other thread after it; the app trains each run in a new worker thread. So open
    it here, usable from any thread (one trains at a time), once per process: a forked process opens
    its own (a connection must not cross a fork)."""
    if getattr(tinygrad_helpers._db_connection, "shared_by", None) == os.getpid():
        return
    os.makedirs(os.path.dirname(tinygrad_helpers.CACHEDB), exist_ok=True)
    db = _SharedConnection(tinygrad_helpers.CACHEDB, timeout=60, isolation_level="IMMEDIATE", check_same_thread=False)
    with suppress(sqlite3.OperationalError):  # another process is setting it
        db.execute("PRAGMA journal_mode=WAL").fetchone()
    db.execute("PRAGMA synchronous=NORMAL")
    db.shared_by = os.getpid()
    tinygrad_helpers._db_connection = db


class _SharedConnection(sqlite3.Connection):
    shared_by = 0


@contextmanager
def _class_slot(path: Path, should_stop: Callable[[], bool]) -> Iterator[bool]:
    # On Linux a priority is a thread's own: this one goes TRAINING_NICE below the process's main thread,
    # never up (which only root may do), so a thread that trains again keeps its level.
    thread, base = threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, os.getpid())
    nice = max(os.getpriority(os.PRIO_PROCESS, thread), min(base + TRAINING_NICE, 19))
    os.setpriority(os.PRIO_PROCESS, thread, nice)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    background, who = _background.get(), listener.get()
    try:
        sock.connect(str(path))
        sock.sendall(json.dumps({"background": background}).encode() + b"\n")
    except OSError as err:  # the server is gone: training alone beats not training
        log.warning("class queue %s unreachable (%s); training without it", path, err)
        sock.close()
        yield True
        return
    with sock:
        yield _wait(sock, should_stop, Listener(who.lang, lambda place, of: None) if background else who)


def _wait(sock: socket.socket, should_stop: Callable[[], bool], who: Listener) -> bool:
    """Read the server's lines until `go` (True) or until told to stop (False)."""
    sock.settimeout(POLL_SECONDS)
    pending = b""
    while True:
        if should_stop():
            return False
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            continue
        if not chunk:  # the server closed the queue: go on alone
            return True
        *lines, pending = (pending + chunk).split(b"\n")
        for message in map(json.loads, lines):
            if "full" in message:
                raise QueueFull(t("queue.full", who.lang, limit=message["full"]))
            if message.get("go"):
                who.tell(0, 0)
                return True
            who.tell(message["place"], message["of"])
