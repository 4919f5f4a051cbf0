"""One compiled program per epoch on the CPU: the captured kernels' own C, called in order by a driver.

tinygrad replays a captured step kernel by kernel from Python, at ~25 µs of bookkeeping a kernel. On its
CPU device every kernel is a C function compiled by clang, so, as tinygrad's former ClangGraph did, the
distinct kernel sources go behind a driver that runs a range of steps (and one that runs the evaluation),
compiled with tinygrad's own clang command into one shared object: a step then costs what its kernels
cost. Buffer addresses come in a table at each call instead of being written into the code, so the object
depends only on the network's shape and is cached on disk beside the captured steps.

Anything this cannot handle (another device, a kernel that is not clang's C, a variable other than the
step, a compile error) gives None and the caller replays the captured graph as before; both run the
same machine code on the same buffers, so their results are equal bit for bit.
"""

import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from tinygrad import Device, Tensor
from tinygrad.engine.jit import CapturedJit
from tinygrad.engine.realize import resolve_params
from tinygrad.renderer.cstyle import ClangRenderer
from tinygrad.uop.ops import Ops

from tutor.engine.jitcache import cache_dir

STEP, CHUNK = "step", "chunk"  # the Variables of a captured step and evaluation: which mini-batch, which chunk of examples


class Unsupported(Exception):
    """The captured graph holds something the driver cannot call; the caller replays it instead."""


class EpochProgram:
    """`steps(first, last)` runs those steps of an epoch, `evaluate(chunks)` the evaluation, each in one call."""

    def __init__(self, lib: ctypes.CDLL, buffers: list) -> None:
        self._buffers = buffers  # kept alive: the table holds their addresses
        self._table = (ctypes.c_void_p * len(buffers))(*(_address(b) for b in buffers))
        self._steps, self._evaluate = lib.steps, lib.evaluate
        self._steps.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self._evaluate.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._lib = lib

    def steps(self, first: int, last: int) -> None:
        self._steps(self._table, first, last)

    def evaluate(self, chunks: int) -> None:
        self._evaluate(self._table, chunks)

    @staticmethod
    def view(t: Tensor) -> np.ndarray:
        """The host memory of a realized CPU tensor as a NumPy array, without a copy."""
        u, moves = t.uop, []
        while u.op in (Ops.RESHAPE, Ops.PERMUTE):
            moves.append(u)
            u = u.src[0]
        if u.op is not Ops.BUFFER:
            raise Unsupported(f"a {u.op} is not a buffer")
        buf = u.buffer.ensure_allocated()
        a = np.frombuffer((ctypes.c_char * buf.nbytes).from_address(_address(buf)), dtype=np.dtype(t.dtype.fmt))
        for m in reversed(moves):
            a = a.reshape(m.shape) if m.op is Ops.RESHAPE else a.transpose(m.arg)
        return a


def build(key: str, step: tuple[CapturedJit, Sequence[Tensor]], evaluation: tuple[CapturedJit, Sequence[Tensor]]) -> EpochProgram | None:
    """The epoch program of a captured step and evaluation (each with its input tensors), or None."""
    if os.environ.get("TUTOR_EPOCH_PROGRAM") == "0":
        return None
    try:
        table: list = []
        source = _render(_calls(*step, table, STEP), _calls(*evaluation, table, CHUNK))
        return EpochProgram(ctypes.CDLL(str(_compiled(key, source))), table)
    except (Unsupported, OSError, subprocess.CalledProcessError):
        return None


def _calls(jit: CapturedJit, inputs: Sequence[Tensor], table: list, var: str) -> list[tuple[str, str, list[str], int]]:
    """Each kernel of a captured graph as (C source, function name, arguments, times to call); `var` is
    the Variable the driver's loop binds, `table` collects the buffers that `b[slot]` refers to."""
    if any(t.device.split(":")[0] != "CPU" for t in inputs) or not isinstance(Device[inputs[0].device].renderer, ClangRenderer):
        raise Unsupported("not clang on the CPU")
    uops = tuple(t.uop.base for t in inputs)
    out = []
    for call in jit.linear.src:
        prg = call.src[0]
        if prg.op is not Ops.PROGRAM or not all(isinstance(g, int) for g in prg.arg.global_size):
            raise Unsupported(f"{prg.op} is not a compiled kernel")
        sources = [s.arg for s in prg.src if s.op is Ops.SOURCE]
        resolved = resolve_params(call, uops)
        args = []
        for i in prg.arg.globals:
            buf = resolved[i].buffer.ensure_allocated()
            slot = next((j for j, b in enumerate(table) if b is buf), None)
            if slot is None:
                slot = len(table)
                table.append(buf)
            args.append(f"b[{slot}]")
        for v in prg.arg.vars:
            if v.expr not in (var, "core_id"):
                raise Unsupported(f"variable {v.expr}")
            args.append(var if v.expr == var else "c")
        if len(sources) != 1 or not re.search(rf"\bvoid {re.escape(prg.arg.function_name)}\(", sources[0]):
            raise Unsupported("no C source")
        out.append((sources[0], prg.arg.function_name, args, int(prg.arg.global_size[0])))
    return out


def _render(step_calls: list, eval_calls: list) -> str:
    """The kernels, each distinct source once (its function renamed kN), and the two drivers."""
    names: dict[str, str] = {}
    parts = []
    for src, fn, _, _ in step_calls + eval_calls:
        if src not in names:
            names[src] = f"k{len(names)}"
            parts.append(re.sub(rf"\bvoid {re.escape(fn)}\(", f"static void {names[src]}(", src, count=1))

    def body(calls: list, indent: str) -> list[str]:
        lines = []
        for src, _, args, cores in calls:
            line = f"{names[src]}({', '.join(args)});"
            lines.append(indent + (line if cores == 1 else f"for (int c = 0; c < {cores}; c++) {line}"))
        return lines

    parts += ["void steps(void **b, int first, int last) {", "  for (int step = first; step < last; step++) {",
              *body(step_calls, "    "), "  }", "}", "void evaluate(void **b, int chunks) {", "  for (int chunk = 0; chunk < chunks; chunk++) {",
              *body(eval_calls, "    "), "  }", "}"]
    return "\n".join(parts) + "\n"


def _compiled(key: str, source: str) -> Path:
    """The shared object for `source`, from the disk cache or compiled now with tinygrad's own clang command."""
    folder = cache_dir()
    path = folder / f"{key}-{hashlib.sha256(source.encode()).hexdigest()[:16]}.so"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{key}-*.so"):  # compiled by an earlier version of this code
        stale.unlink(missing_ok=True)
    obj = Device["CPU"].renderer.compiler.compile(source)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        (o := Path(tmp) / "epoch.o").write_bytes(obj)
        subprocess.run([os.environ.get("CC", "clang"), "-shared", "-nostdlib", "-o", str(Path(tmp) / "epoch.so"), str(o)],
                       check=True, capture_output=True)
        os.replace(Path(tmp) / "epoch.so", path)
    return path


def _address(buf) -> int:
    return int(buf._buf.va_addr)
