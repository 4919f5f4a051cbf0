"""How tinygrad lays out a CPU kernel's loops: its own heuristic, plus output upcasts for small reductions.

tinygrad's hand-coded heuristic upcasts a kernel's output axes only once it has 1024 outputs or more. A
training step's kernels are smaller (a batch of 8 through a 64-wide layer has 512 outputs), so each output
of a matmul is summed as one chain of dependent additions, one every ~4 cycles: 2 GFLOP/s on a core that
does 100. Here a reducing kernel with fewer outputs than that gets its output axes upcast further,
innermost first, until `IN_FLIGHT` values are computed together: independent sums that the compiler keeps
in vector registers. Each output still adds its terms in the same order, so results do not change; the
choice depends only on the kernel, so every run of a shape compiles the same code.
"""

from tinygrad.codegen.opt import KernelOptError, Opt, OptOps, heuristic
from tinygrad.codegen.opt.postrange import Scheduler
from tinygrad.helpers import prod

SMALL = 1024  # outputs below which tinygrad's heuristic upcasts no output axis (more than once)
IN_FLIGHT = 256  # values an upcast kernel computes at once, the reduction's unrolled terms included
_tinygrads = heuristic.hand_coded_optimizations


def optimized(k: Scheduler) -> Scheduler:
    """tinygrad's hand-coded optimisations, then, on the CPU, upcasts for a reduction that has none."""
    small = prod(k.output_shape[i] for i in k.upcastable_dims) < SMALL
    k = _tinygrads(k)
    if k.ren.target.device != "CPU" or k.reduceop is None or not small:
        return k
    for axis in reversed(k.upcastable_dims):
        amount = next((a for a in (16, 8, 4, 2) if k.full_shape[axis] % a == 0 and k.upcast_size() * a <= IN_FLIGHT),
                      None)
        if amount is not None:
            try:
                k.apply_opt(Opt(OptOps.UPCAST, axis, amount))
            except KernelOptError:
                continue
    return k


def install() -> None:
    """Use `optimized` for every kernel tinygrad compiles from now on (postrange looks the heuristic up at
    each call)."""
    heuristic.hand_coded_optimizations = optimized
