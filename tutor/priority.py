"""Giving the CPU way to others: a nice value that holds even in a session of its own.

Linux with autogroup (the default on desktops and most servers) shares the CPU fairly between
sessions first (`setsid`, `start_new_session`) and applies nice values only within one. A process
that starts its own session, as the background warm-up and each `tutor serve` session do, would
otherwise weigh as much as the whole server: on one core, a warm-up at nice 19 took half of it from
a busy server. So the session's weight is lowered too (`/proc/self/autogroup`; unprivileged processes
may lower it, not raise it).
"""

import contextlib
import os
import sys
import threading
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")


def lower(nice: int) -> None:
    """Run this process, and its session if it leads one, `nice` steps below the others."""
    now = os.nice(nice)
    if os.getsid(0) == os.getpid():  # a session's leader: the session is this process's own
        with contextlib.suppress(OSError):  # no autogroup (not Linux, or turned off): the nice value is enough
            AUTOGROUP.write_text(str(now))


def lower_thread(nice: int) -> None:
    """Run the calling thread `nice` steps below the other threads of its process (Linux gives each thread
    its own nice value; elsewhere this does nothing)."""
    if sys.platform == "linux":
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + nice)


def cores() -> int:
    """The CPU cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
