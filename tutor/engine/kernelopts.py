"""How a CPU kernel that reduces lays out its loops: many independent sums at once, each in its own order.

tinygrad's hand-coded heuristic upcasts a kernel's output axes only once it has 1024 outputs or more, and
then picks them for GPUs. A training step's kernels are smaller (a batch of 8 through a 64-wide layer has
512 outputs), so each output of a matmul was summed as one chain of dependent additions, one every ~4
cycles: 2 GFLOP/s on a core that does 100; the evaluation's larger ones reached 6-10. Here, on the CPU, a
reducing kernel has its innermost reduction unrolled as tinygrad's heuristic unrolls it, then its output
axes upcast, innermost first (the one contiguous in memory), up to `IN_FLIGHT` values: independent sums
that the compiler keeps in vector registers. Each output adds its terms in the same order and with the
same unrolled expression as before, so results do not change (the same weights and losses on whole runs); the
layout depends only on the kernel, so every run of a shape compiles the same code. Other kernels, and
other devices, keep tinygrad's heuristic.
"""

from tinygrad.codegen.opt import KernelOptError, Opt, OptOps, heuristic
from tinygrad.codegen.opt.postrange import Scheduler

IN_FLIGHT = 64  # values computed side by side, the unrolled terms of each sum included (more: slower capture)
UNROLL = 4  # terms of each sum loaded together
_tinygrads = heuristic.hand_coded_optimizations


def optimized(k: Scheduler) -> Scheduler:
    """`k` laid out as above if it is a reduction on the CPU, else as tinygrad's heuristic lays it out."""
    if k.ren.target.device != "CPU" or k.reduceop is None:
        return _tinygrads(k)
    k = k.copy()
    if k.unrollable_dims:  # as tinygrad's heuristic unrolls it: whole up to 32 terms, else by 4
        size = k.full_shape[k.unrollable_dims[-1]]
        if size <= 32 or size % UNROLL == 0:
            _try(k, Opt(OptOps.UNROLL, len(k.unrollable_dims) - 1, 0 if size <= 32 else UNROLL))
    for axis in reversed(k.upcastable_dims):
        amount = next((a for a in (16, 8, 4, 2) if k.full_shape[axis] % a == 0 and k.upcast_size() * a <= IN_FLIGHT),
                      None)
        if amount is not None:
            _try(k, Opt(OptOps.UPCAST, axis, amount))
    return k


def _try(k: Scheduler, opt: Opt) -> None:
    try:
        k.apply_opt(opt)
    except KernelOptError:  # e.g. an axis that a later store indexes in a way the upcast cannot split
        pass


def install() -> None:
    """Use `optimized` for every kernel tinygrad compiles from now on (it looks the heuristic up at each call)."""
    heuristic.hand_coded_optimizations = optimized
