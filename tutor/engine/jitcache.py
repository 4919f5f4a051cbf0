"""Captured TinyJit steps, kept in memory and pickled on disk per shape.

Capturing a step costs seconds; reloading a pickled one in a fresh process costs a fraction of one.
Every buffer that holds weights or optimiser state is an input of the step, never captured inside it,
so a cached step carries no trace of an earlier run. A corrupt or stale file is rebuilt, and a cache
that cannot be read or written (a folder where a file should be, a path under a file) is skipped:
never fatal. Loading a pickle runs code, so the folder is made private (0700): keep `TUTOR_CACHE`
somewhere only you can write.
"""

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from tinygrad import TinyJit

from tutor.errors import TutorError
from tutor.files import write_atomically
from tutor.settings import Settings

_loaded: dict[str, TinyJit] = {}
# what a captured step computes depends on this code too: a change to it invalidates the cache
_SOURCE = hashlib.sha256(b"".join((Path(__file__).parent / f).read_bytes()
                                  for f in ("model.py", "optim.py", "training.py", "program.py", "kernelopts.py")))


def cache_dir() -> Path:
    """`jit` in the cache folder (`TUTOR_CACHE`, else the user's cache directory)."""
    return Settings.current().cache / "jit"


def key_of(*parts: object) -> str:
    """A file-safe key for a shape, tied to the tinygrad version that compiled it."""
    return hashlib.sha256(repr((version("tinygrad"), _SOURCE.hexdigest(), *parts)).encode()).hexdigest()[:24]


def get(key: str, fn: Callable) -> tuple[TinyJit, bool]:
    """The captured step for `key` (from memory or disk) and True, or a fresh TinyJit of `fn` and False."""
    if key in _loaded:
        return _loaded[key], True
    path = cache_dir() / f"{key}.pkl"
    if not _private(path.parent):
        return TinyJit(fn), False
    try:
        with open(path, "rb") as f:
            jit = pickle.load(f)
        if getattr(jit, "captured", None) is None:
            raise ValueError("not a captured TinyJit")
        _loaded[key] = jit
        return jit, True
    except FileNotFoundError:
        pass
    except Exception:  # unreadable, truncated, or from another tinygrad: rebuild it
        _remove(path)
    return TinyJit(fn), False


def put(key: str, jit: TinyJit) -> None:
    """Keep a freshly captured step in memory, and on disk when the cache folder is writable."""
    _loaded[key] = jit
    try:
        write_atomically(cache_dir() / f"{key}.pkl", pickle.dumps(jit), folder_mode=0o700)
    except (TutorError, pickle.PicklingError):
        pass  # the in-memory copy still serves this process


def forget(key: str) -> None:
    """Drop a step that failed to run (e.g. a stale capture), from memory and disk."""
    _loaded.pop(key, None)
    _remove(cache_dir() / f"{key}.pkl")


def _private(folder: Path) -> bool:
    """Whether `folder` is ours and nobody else may write in it (what makes its pickles safe to load)."""
    try:
        info = folder.stat()
    except OSError:
        return False
    return info.st_uid == os.getuid() and not info.st_mode & 0o022


def _remove(path: Path) -> None:
    """Delete a cached step if it is a file; anything else there is left alone."""
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)
