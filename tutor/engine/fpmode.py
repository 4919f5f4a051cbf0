"""Training runs with subnormal floats flushed to zero, as GPUs run it.

A confident classifier's softmax and Adam's decaying moments reach float32's subnormal range (below
1.2e-38), where an x86 core takes ~100 cycles an operation: measured here, later epochs of the
benchmark job slowed from 0.7 ms to 60 ms. Flushing them (MXCSR's FTZ and DAZ bits, for the calling
thread only, restored on exit) keeps every epoch as fast as the first; the compiled epoch program and
the replay run under the same mode, so they still agree bit for bit. Where glibc's `fegetmode` is not
at hand (macOS, Windows, other CPUs) floats are left as they are, in both paths alike.
"""

import ctypes
import ctypes.util
import platform
import sys
from collections.abc import Iterator
from contextlib import contextmanager

FTZ_DAZ = 0x8040  # MXCSR: flush-to-zero (bit 15) and denormals-are-zero (bit 6)


class _Mode(ctypes.Structure):
    """glibc's femode_t on x86-64."""

    _fields_ = [("control_word", ctypes.c_ushort), ("reserved", ctypes.c_ushort), ("mxcsr", ctypes.c_uint)]


def _libm() -> ctypes.CDLL | None:
    if sys.platform != "linux" or platform.machine().lower() not in ("x86_64", "amd64"):
        return None
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        lib.fegetmode, lib.fesetmode  # noqa: B018  glibc 2.25 and later
    except (OSError, AttributeError):
        return None
    return lib


_LIBM = _libm()


@contextmanager
def subnormals_flushed() -> Iterator[None]:
    """Within the block, float operations of this thread flush subnormal inputs and results to zero."""
    if _LIBM is None:
        yield
        return
    mode = _Mode()
    _LIBM.fegetmode(ctypes.byref(mode))
    saved = mode.mxcsr
    mode.mxcsr |= FTZ_DAZ
    _LIBM.fesetmode(ctypes.byref(mode))
    try:
        yield
    finally:
        mode.mxcsr = saved
        _LIBM.fesetmode(ctypes.byref(mode))
