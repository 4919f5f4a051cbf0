"""One compiled program per epoch on the CPU: the captured kernels' own C, called in order by a driver.

tinygrad replays a captured step kernel by kernel from Python, at ~25 µs of bookkeeping a kernel. On its
CPU device every kernel is a C function that clang compiled into an object file, so, as tinygrad's former
ClangGraph did, a small driver that runs a range of steps (and one that runs the evaluation) calls the
distinct kernels in order, and is linked with their objects into one shared object: a step then costs what
its kernels cost. The objects are the very ones the replay runs (each function renamed, as two kernels may
share a name), so nothing is compiled twice and both run the same machine code. Buffer addresses come in
a table at each call instead of being written into the code, so the object depends only on the network's
shape and is cached on disk beside the captured steps, with a manifest of that table: a later run of the
shape (`load`) allocates the buffers in NumPy and needs no tinygrad at all.

Anything this cannot handle (another device, a kernel that is not clang's object, a variable other than
the step, a link error) gives None and the caller replays the captured graph as before; both run the
same machine code on the same buffers, so their results are equal bit for bit.
"""

import ctypes
import hashlib
import json
import os
import re
import struct
import subprocess
import tempfile
from pathlib import Path

import numpy as np
from tinygrad import Device, Tensor, dtypes
from tinygrad.engine.jit import CapturedJit
from tinygrad.engine.realize import resolve_params
from tinygrad.renderer.cstyle import ClangRenderer
from tinygrad.uop.ops import Ops

from tutor.engine.jitcache import MACHINE, cache_dir, prune_shapes, used
from tutor.settings import Settings

# the Variables of a captured step and evaluation: which mini-batch, which chunk of examples
STEP, CHUNK = "step", "chunk"


class Unsupported(Exception):
    """The captured graph holds something the driver cannot call; the caller replays it instead."""


class EpochProgram:
    """`steps(first, last)` runs those steps of an epoch, `evaluate(chunks)` the evaluation, each in one
    call; `arrays` holds the host memory of the named inputs (weights, batches, statistics...)."""

    def __init__(self, lib: ctypes.CDLL, addresses: list[int], arrays: dict[str, np.ndarray], keep: object) -> None:
        self.arrays, self._keep = arrays, keep  # kept alive: the table holds their addresses
        self._table = (ctypes.c_void_p * len(addresses))(*addresses)
        self._steps, self._evaluate = lib.steps, lib.evaluate
        self._steps.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self._evaluate.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self._lib = lib

    def steps(self, first: int, last: int) -> None:
        self._steps(self._table, first, last)

    def evaluate(self, chunks: int) -> None:
        self._evaluate(self._table, chunks)


Inputs = dict[str, Tensor]  # a captured function's input tensors by name, in the order it takes them


def applies(device: str) -> bool:
    """Whether a run on `device` may train through an epoch program (the CPU, unless the settings say no)."""
    return device == "CPU" and Settings.current().epoch_program


def build(key: str, step: tuple[CapturedJit, Inputs], evaluation: tuple[CapturedJit, Inputs]) -> EpochProgram | None:
    """The epoch program of a captured step and evaluation over their tinygrad buffers, or None.

    Beside the shared object goes a manifest of its buffer table (which input, or where in which of
    the capture's scratch arenas), so that `load` can run it later without tinygrad."""
    if not Settings.current().epoch_program:
        return None
    try:
        table: list = []
        driver, objects = _render(_calls(*step, table, STEP), _calls(*evaluation, table, CHUNK))
        inputs = {**step[1], **evaluation[1]}
        lib = ctypes.CDLL(str(_compiled(key, driver, objects, _manifest(table, inputs))))
        arrays = {name: _view(t) for name, t in inputs.items()}
        return EpochProgram(lib, [_address(b) for b in table], arrays, table)
    except (Unsupported, OSError, subprocess.CalledProcessError):
        return None


def load(key: str, start: dict[str, np.ndarray]) -> EpochProgram | None:
    """The epoch program compiled earlier for `key`, over fresh host buffers holding `start`, or None.

    This path needs neither tinygrad's device nor the captured graph: a cached shape starts at once."""
    if not Settings.current().epoch_program:
        return None
    for manifest in sorted(cache_dir().glob(f"{key}-{MACHINE}-*.json")):
        try:
            spec = json.loads(manifest.read_text())
            if spec["inputs"] != {name: a.size * 4 for name, a in start.items()}:
                continue
            lib = ctypes.CDLL(str(manifest.with_suffix(".so")))
        except (OSError, ValueError, KeyError):
            continue
        used(manifest)
        used(manifest.with_suffix(".so"))
        arrays = {name: _aligned(a.size * 4).view(np.float32).reshape(a.shape) for name, a in start.items()}
        for name, a in start.items():
            arrays[name][...] = a
        arenas = [_aligned(nbytes) for nbytes in spec["arenas"]]
        addresses = [arrays[s[0]].ctypes.data if len(s) == 1 else arenas[s[1]].ctypes.data + s[2]
                     for s in spec["slots"]]
        return EpochProgram(lib, addresses, arrays, arenas)
    return None


def _manifest(table: list, inputs: Inputs) -> dict:
    """Where each slot of the buffer table lives: an input by name, or an arena and an offset in it."""
    named = {id(t.uop.base.buffer): name for name, t in inputs.items()}
    arenas: list = []
    slots: list[list] = []
    for buf in table:
        if id(buf) in named:
            slots.append([named[id(buf)]])
            continue
        base = buf._base if buf._base is not None else buf
        if not any(a is base for a in arenas):
            arenas.append(base)
        slots.append(["arena", next(i for i, a in enumerate(arenas) if a is base),
                      buf.offset if buf._base is not None else 0])
    return {"inputs": {name: t.uop.base.buffer.nbytes for name, t in inputs.items()}, "slots": slots,
            "arenas": [a.nbytes for a in arenas]}


def _view(t: Tensor) -> np.ndarray:
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


def _aligned(nbytes: int) -> np.ndarray:
    """Zeroed bytes on a page boundary, as tinygrad's CPU allocator gives them (kernels load aligned vectors)."""
    raw = np.zeros(nbytes + 4096, np.uint8)
    start = -raw.ctypes.data % 4096
    return raw[start : start + nbytes]


Call = tuple[str, bytes | None, str, list[str], int]  # a kernel's C source, its object if compiled, function name,
# arguments, cores


def _calls(jit: CapturedJit, inputs: Inputs, table: list, var: str) -> list[Call]:
    """Each kernel of a captured graph as a `Call`; `var` is the Variable the driver's loop binds, `table`
    collects the buffers that `b[slot]` refers to."""
    if (any(t.device != "CPU" or t.dtype != dtypes.float32 for t in inputs.values())
            or not isinstance(Device["CPU"].renderer, ClangRenderer)):
        raise Unsupported("not float32 in clang on the CPU")
    uops = tuple(t.uop.base for t in inputs.values())
    out = []
    for call in jit.linear.src:
        prg = call.src[0]
        if prg.op is not Ops.PROGRAM or not all(isinstance(g, int) for g in prg.arg.global_size):
            raise Unsupported(f"{prg.op} is not a compiled kernel")
        sources = [s.arg for s in prg.src if s.op is Ops.SOURCE]
        objects = [s.arg for s in prg.src if s.op is Ops.BINARY]
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
        if len(sources) != 1 or len(objects) > 1 or not all(o.startswith(b"\x7fELF\x02\x01") for o in objects):
            raise Unsupported("no C source, or not compiled to a 64-bit little-endian ELF object")
        obj = objects[0] if objects else None
        out.append((sources[0], obj, prg.arg.function_name, args, int(prg.arg.global_size[0])))
    return out


def _render(step_calls: list[Call], eval_calls: list[Call]) -> tuple[str, list[bytes]]:
    """The drivers' C source, and the object of each distinct compiled kernel, its function renamed kN (padded
    with '_' to the old name's length, so that the object's string table keeps its layout). A kernel not
    compiled yet (captured while `jitcache.rendering`) has its source, so renamed, in the drivers' source."""
    names: dict[str, str] = {}
    objects, prototypes, sources = [], [], []
    for src, obj, fn, _, _ in step_calls + eval_calls:
        if src not in names:
            names[src] = name = f"k{len(names)}".ljust(len(fn), "_")
            if obj is None:
                sources.append(re.sub(rf"\bvoid {re.escape(fn)}\(", f"void {name}(", src, count=1))
            else:
                objects.append(_renamed(obj, fn, name))
                prototypes.append(f"void {name}({_parameters(src, fn)});")

    def body(calls: list[Call], indent: str) -> list[str]:
        lines = []
        for src, _, _, args, cores in calls:
            line = f"{names[src]}({', '.join(args)});"
            lines.append(indent + (line if cores == 1 else f"for (int c = 0; c < {cores}; c++) {line}"))
        return lines

    driver = [
        *sources,
        *prototypes,
        "void steps(void **b, int first, int last) {",
        "  for (int step = first; step < last; step++) {",
        *body(step_calls, "    "),
        "  }",
        "}",
        "void evaluate(void **b, int chunks) {",
        "  for (int chunk = 0; chunk < chunks; chunk++) {",
        *body(eval_calls, "    "),
        "  }",
        "}",
    ]
    return "\n".join(driver) + "\n", objects


def _parameters(src: str, fn: str) -> str:
    """A kernel's parameters as the driver declares them: buffers as `void *`, variables as `int` (the
    calling convention is the same as for the kernel's own typed pointers)."""
    found = re.search(rf"\bvoid {re.escape(fn)}\(([^)]*)\)", src)
    if found is None:
        raise Unsupported(f"no signature for {fn}")
    params = [p.strip() for p in found.group(1).split(",") if p.strip()]
    if not all("*" in p or re.fullmatch(r"(const )?int \w+", p) for p in params):
        raise Unsupported(f"a parameter of {fn} is neither a buffer nor an int")
    return ", ".join("void *" if "*" in p else "int" for p in params)


def _renamed(obj: bytes, old: str, new: str) -> bytes:
    """An ELF object whose global symbol `old` is called `new` instead, a name as long."""
    if len(new) != len(old):
        raise Unsupported(f"no room to rename {old}")
    shoff, shentsize, shnum = struct.unpack_from("<Q", obj, 0x28)[0], *struct.unpack_from("<HH", obj, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", obj, shoff + i * shentsize) for i in range(shnum)]
    symtab = next((s for s in sections if s[1] == 2), None)  # SHT_SYMTAB
    if symtab is None:
        raise Unsupported("an object without symbols")
    strtab = sections[symtab[6]][4]  # the symbol table's sh_link names its string table; [4] is its offset
    names = [struct.unpack_from("<I", obj, symtab[4] + i * 24)[0] for i in range(symtab[5] // 24)]
    at = [n for n in names if obj[strtab + n : strtab + n + len(old) + 1] == old.encode() + b"\0"]
    if len(at) != 1 or any(at[0] < n <= at[0] + len(old) for n in names):  # named once, and no other name inside it
        raise Unsupported(f"{old} is not one symbol of its own")
    patched = bytearray(obj)
    patched[strtab + at[0] : strtab + at[0] + len(new)] = new.encode()
    return bytes(patched)


def _compiled(key: str, driver: str, objects: list[bytes], manifest: dict) -> Path:
    """The shared object of `driver` and the kernels' `objects`, from the disk cache or linked now: the
    driver (with the sources of the kernels not compiled yet) is compiled with tinygrad's own clang command."""
    folder = cache_dir()
    digest = hashlib.sha256(driver.encode() + b"".join(hashlib.sha256(o).digest() for o in objects)).hexdigest()
    path = folder / f"{key}-{MACHINE}-{digest[:16]}.so"
    if path.exists() and path.with_suffix(".json").exists():
        return path
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for stale in folder.glob(f"{key}-{MACHINE}-*"):  # linked by an earlier version of this code
        stale.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        files = [Path(tmp) / f"{i}.o" for i in range(len(objects) + 1)]
        for file, obj in zip(files, [Device["CPU"].renderer.compiler.compile(driver), *objects]):
            file.write_bytes(obj)
        link = [os.environ.get("CC", "clang"), "-shared", "-nostdlib", "-o", str(Path(tmp) / "epoch.so")]
        subprocess.run([*link, *map(str, files)], check=True, capture_output=True)
        (Path(tmp) / "epoch.json").write_text(json.dumps(manifest))
        os.replace(Path(tmp) / "epoch.so", path)
        os.replace(Path(tmp) / "epoch.json", path.with_suffix(".json"))  # last: `load` trusts a manifest's object
    prune_shapes()
    return path


def _address(buf) -> int:
    return int(buf._buf.va_addr)
