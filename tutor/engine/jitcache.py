"""Captured TinyJit steps, kept in memory and pickled on disk per shape; compiled kernels, on disk per kernel.

Capturing a step costs seconds; reloading a pickled one in a fresh process costs a fraction of one.
Most of a capture is tinygrad's Python codegen, ~0.1 s a kernel, and a new shape shares many kernels
with the shapes captured before (the loss's softmax, the data's columns...): each compiled kernel
(tinygrad's PROGRAM: its source and its object) is pickled in `kernels`, keyed by the kernel's AST and
everything else its code depends on, so that no kernel is generated twice. That folder keeps the
`MAX_KERNELS` most recently used (~30 MB); the per-shape files (a few MB a shape) are never pruned.
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
import platform
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

from tinygrad import TinyJit
from tinygrad.codegen import to_program_config
from tinygrad.codegen.opt import heuristic
from tinygrad.engine import realize
from tinygrad.renderer import Renderer
from tinygrad.uop.ops import Ops, UOp

from tutor.errors import TutorError
from tutor.files import write_atomically
from tutor.settings import Settings

_loaded: dict[str, TinyJit] = {}
_TINYGRAD = version("tinygrad")  # looked up once: a few ms each time
# what a captured step computes depends on this code too: a change to it invalidates the cache
_SOURCE = hashlib.sha256(b"".join((Path(__file__).parent / f).read_bytes()
                                  for f in ("model.py", "optim.py", "training.py", "program.py", "kernelopts.py")))
_KERNELOPTS = hashlib.sha256((Path(__file__).parent / "kernelopts.py").read_bytes()).hexdigest()  # kernels' layouts
MAX_KERNELS = 2000  # compiled kernels kept on disk (~15 kB each); the least recently used go first


def cache_dir() -> Path:
    """`jit` in the cache folder (`TUTOR_CACHE`, else the user's cache directory)."""
    return Settings.current().cache / "jit"


def key_of(*parts: object) -> str:
    """A file-safe key for a shape, tied to the tinygrad version that compiled it."""
    return hashlib.sha256(repr((_TINYGRAD, _SOURCE.hexdigest(), *parts)).encode()).hexdigest()[:24]


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


def compiled(ast: UOp, renderer: Renderer) -> UOp:
    """tinygrad's compiled PROGRAM of a kernel's `ast`, from the disk cache or generated and cached now."""
    layouts = heuristic.hand_coded_optimizations.__module__  # kernelopts' or tinygrad's
    key = (_TINYGRAD, _KERNELOPTS, layouts, MACHINE, ast.key.hex(), repr(ast.tag), type(renderer).__qualname__,
           repr(renderer.target), *[v.value for v in to_program_config])
    folder = cache_dir() / "kernels"
    path = folder / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.pkl"
    if _private(folder):
        try:
            with open(path, "rb") as f:
                prg = pickle.load(f)
            if not (isinstance(prg, UOp) and prg.op is Ops.PROGRAM and prg.src[-1].op is Ops.BINARY):
                raise ValueError("not a compiled kernel")
            os.utime(path)  # recently used
            return prg
        except FileNotFoundError:
            pass
        except Exception:  # unreadable, truncated, or from another tinygrad: generate it again
            _remove(path)
    prg = _to_program(ast, renderer)
    try:
        write_atomically(path, pickle.dumps(prg), folder_mode=0o700)
        _prune(folder)
    except (TutorError, pickle.PicklingError, OSError):
        pass  # still compiled, only not kept
    return prg


def install() -> None:
    """Compile every kernel tinygrad lowers from now on through `compiled`."""
    realize.to_program = compiled


def _prune(folder: Path) -> None:
    """Delete the least recently used compiled kernels beyond `MAX_KERNELS`."""
    files = list(folder.glob("*.pkl"))
    if len(files) > MAX_KERNELS:
        for old in sorted(files, key=lambda f: f.stat().st_mtime)[: len(files) - MAX_KERNELS]:
            _remove(old)


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


def _machine() -> str:
    """This CPU's instruction sets: code built with -march=native runs only where they are the same."""
    try:
        flags = next(line for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith(("flags", "Features")))
    except (OSError, StopIteration):
        flags = platform.machine() + platform.processor()
    return hashlib.sha256(flags.encode()).hexdigest()[:8]


MACHINE = _machine()
_to_program = realize.to_program  # tinygrad's own
