"""Captured TinyJit steps, kept in memory and pickled on disk per shape.

Capturing a step costs seconds; reloading a pickled one in a fresh process costs a fraction of one.
Every buffer that holds weights or optimiser state is an input of the step, never captured inside it,
so a cached step carries no trace of an earlier run. A corrupt or stale file is rebuilt, never fatal.
"""

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

import platformdirs
from tinygrad import TinyJit

_loaded: dict[str, TinyJit] = {}
# what a captured step computes depends on this code too: a change to it invalidates the cache
_SOURCE = hashlib.sha256(b"".join((Path(__file__).parent / f).read_bytes() for f in ("model.py", "optim.py", "training.py", "program.py")))  # compiled programs, like tinygrad's own kernel cache: process-wide


def cache_dir() -> Path:
    """`TUTOR_CACHE`, else the user's cache directory."""
    return Path(os.environ.get("TUTOR_CACHE") or platformdirs.user_cache_dir("tutor")) / "jit"


def key_of(*parts: object) -> str:
    """A file-safe key for a shape, tied to the tinygrad version that compiled it."""
    return hashlib.sha256(repr((version("tinygrad"), _SOURCE.hexdigest(), *parts)).encode()).hexdigest()[:24]


def get(key: str, fn: Callable) -> tuple[TinyJit, bool]:
    """The captured step for `key` (from memory or disk) and True, or a fresh TinyJit of `fn` and False."""
    if key in _loaded:
        return _loaded[key], True
    path = cache_dir() / f"{key}.pkl"
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
        path.unlink(missing_ok=True)
    return TinyJit(fn), False


def put(key: str, jit: TinyJit) -> None:
    """Keep a freshly captured step in memory, and on disk when the cache folder is writable."""
    _loaded[key] = jit
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, delete=False, suffix=".tmp") as f:
            pickle.dump(jit, f)
        os.replace(f.name, folder / f"{key}.pkl")
    except (OSError, pickle.PicklingError):
        pass  # the in-memory copy still serves this process


def forget(key: str) -> None:
    """Drop a step that failed to run (e.g. a stale capture), from memory and disk."""
    _loaded.pop(key, None)
    (cache_dir() / f"{key}.pkl").unlink(missing_ok=True)
