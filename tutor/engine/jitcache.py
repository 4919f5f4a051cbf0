"""Captured TinyJit steps, kept in memory and pickled on disk per shape; compiled kernels, on disk per kernel.

Capturing a step costs seconds; reloading a pickled one in a fresh process costs a fraction of one.
Most of a capture is tinygrad's Python codegen, ~0.1 s a kernel, and a new shape shares many kernels
with the shapes captured before (the loss's softmax, the data's columns...): each kernel (tinygrad's
PROGRAM: its source, and its object once compiled) is pickled in `kernels`, keyed by the kernel's AST and
everything else its code depends on (the clang that compiles it included), so that no kernel is generated
twice. That folder keeps the `MAX_KERNELS` most recently used (~30 MB), the shapes' own files (captured
steps, epoch programs: ~0.7 MB a shape) the `MAX_SHAPE_FILES` most recently used.
Every buffer that holds weights or optimiser state is an input of the step, never captured inside it,
so a cached step carries no trace of an earlier run. A corrupt or stale file is rebuilt, and a cache
that cannot be read or written (a folder where a file should be, a path under a file) is skipped:
never fatal. Loading a pickle runs code, so the folder is made private (0700): keep `TUTOR_CACHE`
somewhere only you can write.
"""

import contextlib
import functools
import hashlib
import os
import pickle
import platform
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from importlib.metadata import version
from pathlib import Path

from tinygrad import TinyJit
from tinygrad.codegen import do_to_program, to_program_cache, to_program_config
from tinygrad.codegen.opt import heuristic
from tinygrad.device import Compiler
from tinygrad.engine import realize
from tinygrad.engine.jit import CapturedJit
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
MAX_SHAPE_FILES = 800  # captured steps and epoch programs kept on disk (~200 shapes, ~150 MB), likewise
# while set, new kernels are rendered to C but not compiled, and captured graphs are not run (`rendering`)
_rendering: ContextVar[bool] = ContextVar("rendering", default=False)


def cache_dir() -> Path:
    """`jit` in the cache folder (`TUTOR_CACHE`, else the user's cache directory)."""
    return Settings.current().cache / "jit"


def key_of(*parts: object) -> str:
    """A file-safe key for a shape, tied to the tinygrad and the clang that compiled it."""
    return hashlib.sha256(repr((_TINYGRAD, _SOURCE.hexdigest(), clang(), *parts)).encode()).hexdigest()[:24]


def get(key: str, fn: Callable) -> tuple[TinyJit, bool]:
    """The captured step for `key` (from memory or disk; `runnable` unless `rendering`) and True, or a fresh
    TinyJit of `fn` and False."""
    jit = _loaded.get(key) or _unpickled(key)
    if jit is None:
        return TinyJit(fn), False
    used(cache_dir() / f"{key}.pkl")
    _loaded[key] = jit
    return (jit if _rendering.get() else runnable(jit)), True


def _unpickled(key: str) -> "TinyJit | None":
    path = cache_dir() / f"{key}.pkl"
    if not _private(path.parent):
        return None
    try:
        with open(path, "rb") as f:
            jit = pickle.load(f)
        if getattr(jit, "captured", None) is None:
            raise ValueError("not a captured TinyJit")
        return jit
    except FileNotFoundError:
        pass
    except Exception:  # unreadable, truncated, or from another tinygrad: rebuild it
        _remove(path)
    return None


def put(key: str, jit: TinyJit) -> None:
    """Keep a freshly captured step in memory, and on disk when the cache folder is writable."""
    _loaded[key] = jit
    try:
        write_atomically(cache_dir() / f"{key}.pkl", pickle.dumps(jit), folder_mode=0o700)
        prune_shapes()
    except (TutorError, pickle.PicklingError):
        pass  # the in-memory copy still serves this process


def used(path: Path) -> None:
    """Mark a cached file recently used, so that pruning spares it."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune_shapes() -> None:
    """Delete the least recently used shape files beyond `MAX_SHAPE_FILES`; an epoch program's manifest goes
    before its object (`program.load` trusts a manifest's object), and a file being written is left alone."""
    try:
        files = [f for f in cache_dir().iterdir() if f.suffix in (".pkl", ".so", ".json")]
        if len(files) <= MAX_SHAPE_FILES:
            return
        files.sort(key=lambda f: f.stat().st_mtime)
    except OSError:  # no folder yet, or a file gone meanwhile: next time
        return
    for old in files[: len(files) - MAX_SHAPE_FILES]:
        if old.suffix == ".so":
            _remove(old.with_suffix(".json"))
        _remove(old)


def forget(key: str) -> None:
    """Drop a step that failed to run (e.g. a stale capture), from memory and disk."""
    _loaded.pop(key, None)
    _remove(cache_dir() / f"{key}.pkl")


@contextlib.contextmanager
def rendering() -> Iterator[None]:
    """Capture without clang: each new kernel gets its C source only, and a captured graph is not run (its
    run would need every kernel's object). The epoch program then compiles all the sources in one clang
    call instead of one a kernel (a process each: ~35 ms of CPU, most of it clang starting); `runnable`
    compiles them one by one when the graph must be replayed after all."""
    token = _rendering.set(True)
    try:
        yield
    finally:
        _rendering.reset(token)
        for key in [k for k, prg in to_program_cache.items() if prg.src[-1].op is not Ops.BINARY]:
            del to_program_cache[key]  # tinygrad kept them as compiled: it would hand them out to a replay


def runnable(jit: TinyJit) -> TinyJit:
    """`jit` with an object for every kernel (one captured while `rendering` has its C source only)."""
    c = jit.captured
    linear = realize.lower_and_compile(c._linear)  # compiles the PROGRAMs without a BINARY, nothing else
    if linear is not c._linear:
        jit.captured = CapturedJit(c.ret, linear, c.expected_names, c.expected_input_info)
    return jit


def compiled(ast: UOp, renderer: Renderer) -> UOp:
    """tinygrad's PROGRAM of a kernel's `ast` (compiled, or only rendered while `rendering`), from the disk
    cache or generated and cached now."""
    if ast.op is Ops.PROGRAM:  # rendered while `rendering`: compile it now
        return _to_program(ast, renderer)
    layouts = heuristic.hand_coded_optimizations.__module__  # kernelopts' or tinygrad's
    key = (_TINYGRAD, _KERNELOPTS, layouts, MACHINE, clang(), ast.key.hex(), repr(ast.tag),
           type(renderer).__qualname__, repr(renderer.target), *[v.value for v in to_program_config])
    folder = cache_dir() / "kernels"
    path = folder / f"{hashlib.sha256(repr(key).encode()).hexdigest()[:32]}.pkl"
    prg = _kept_kernel(path)
    if prg is not None and (_rendering.get() or prg.src[-1].op is Ops.BINARY):
        return prg
    if prg is None:
        prg = _rendered(ast, renderer) if _rendering.get() else _to_program(ast, renderer)
    else:  # rendered by an earlier capture: compiled now
        prg = _to_program(prg, renderer)
    try:
        folder.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as `put` makes it
        write_atomically(path, pickle.dumps(prg), folder_mode=0o700)
        _prune(folder)
    except (TutorError, pickle.PicklingError, OSError):
        pass  # still compiled, only not kept
    return prg


def _kept_kernel(path: Path) -> UOp | None:
    """The kernel cached at `path` (rendered, and perhaps compiled), marked recently used; None if there is none."""
    if not _private(path.parent):
        return None
    try:
        with open(path, "rb") as f:
            prg = pickle.load(f)
        if not (isinstance(prg, UOp) and prg.op is Ops.PROGRAM and prg.src[2:3] and prg.src[2].op is Ops.SOURCE):
            raise ValueError("not a rendered kernel")
        used(path)
        return prg
    except FileNotFoundError:
        return None
    except Exception:  # unreadable, truncated, or from another tinygrad: generate it again
        _remove(path)
        return None


def _rendered(ast: UOp, renderer: Renderer) -> UOp:
    """The PROGRAM of `ast` up to its C source, without its object (not in tinygrad's cache of programs)."""
    clang, renderer.compiler = renderer.compiler, Compiler()  # tinygrad's null compiler: an "object" of the source
    try:
        prg = do_to_program(ast, renderer)
    finally:
        renderer.compiler = clang
    return prg.replace(src=prg.src[:-1])


def _run_captured(jit: CapturedJit, input_uops: list[UOp], var_vals: dict[str, int]):
    """A captured graph's run, skipped while `rendering`."""
    return jit.ret if _rendering.get() else _run(jit, input_uops, var_vals)


def install() -> None:
    """Compile every kernel tinygrad lowers from now on through `compiled`, and run captured graphs through
    `_run_captured`."""
    realize.to_program = compiled
    CapturedJit.__call__ = _run_captured


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


def clang() -> str:
    """What `clang --version` says of the clang that compiles kernels (`CC`, else clang on the PATH): objects
    of another clang are not reused. It is asked once per binary (its path, size and time), the answer kept
    in the cache folder: a process does not pay for starting clang to look up a shape compiled before."""
    path = shutil.which(os.environ.get("CC", "clang"))
    if path is None:
        return ""
    try:
        info = os.stat(path)
    except OSError:
        return ""
    return _clang_version(os.path.realpath(path), info.st_size, info.st_mtime_ns)


@functools.cache
def _clang_version(path: str, size: int, mtime: int) -> str:
    kept = cache_dir() / f"clang-{hashlib.sha256(repr((path, size, mtime)).encode()).hexdigest()[:16]}.txt"
    with contextlib.suppress(OSError, UnicodeDecodeError):
        return kept.read_text()
    try:
        said = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    with contextlib.suppress(TutorError):
        write_atomically(kept, said.encode(), folder_mode=0o700)
    return said


MACHINE = _machine()
_to_program = realize.to_program  # tinygrad's own
_run = CapturedJit.__call__
