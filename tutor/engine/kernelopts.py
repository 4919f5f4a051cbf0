"""How a CPU kernel that reduces lays out its loops: many independent sums at once, each in its own order.

tinygrad's hand-coded heuristic upcasts a kernel's output axes only once it has 1024 outputs or more, and
then picks them for GPUs. A training step's kernels are smaller (a batch of 8 through a 64-wide layer has
512 outputs), so each output of a matmul was summed as one chain of dependent additions, one every ~4
cycles: 2 GFLOP/s on a core that does 100. Here, on the CPU, a reducing kernel has its innermost reduction
unrolled as tinygrad's heuristic unrolls it, so that each output adds its terms in the same order and with
the same expression as before (the same weights and losses on whole runs). Then:

- summed whole (32 terms or fewer, no loop left) along an innermost output axis that every buffer steps
  through one element at a time, or not at all, the kernel is left as it is: its innermost loop runs over
  neighbouring outputs, which clang's loop vectorizer computes 8 or 16 at a time (a 32x32x32 product: 3 400
  cycles, against 11 800 upcast by tinygrad's vector types, built lane by lane), and codegen stays cheap;
- else its output axes are upcast, innermost first (the one contiguous in memory), up to `IN_FLIGHT`
  values: independent sums that the compiler keeps in vector registers. A sum still split into a loop (more
  than 32 terms) along an output axis that a buffer steps through with a stride (a product with a
  transposed matrix) gets half as many: its lanes cannot share vector loads, so 2-64-64-64-2 runs as fast
  (step and evaluation, best of runs) with fewer lanes for tinygrad's Python codegen to expand (its
  capture: -7%).

The layout depends only on the kernel, so every run of a shape compiles the same code. Other kernels, and
other devices, keep tinygrad's heuristic.
"""

from tinygrad.codegen.opt import KernelOptError, Opt, OptOps, heuristic
from tinygrad.codegen.opt.postrange import Scheduler
from tinygrad.uop.ops import Ops

IN_FLIGHT = 64  # values computed side by side, the unrolled terms of each sum included (more: slower capture)
UNROLL = 4  # terms of each sum loaded together
VECTOR = 8  # outputs along the innermost axis that make clang's loop vectorizer pay
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
    contiguous = bool(k.upcastable_dims) and _contiguous(k, k.upcastable_dims[-1])
    if not k.unrollable_dims and contiguous and k.full_shape[k.upcastable_dims[-1]] >= VECTOR:
        return k  # left to clang's loop vectorizer
    in_flight = IN_FLIGHT // 2 if k.unrollable_dims and not contiguous else IN_FLIGHT
    for axis in reversed(k.upcastable_dims):
        amount = next((a for a in (16, 8, 4, 2) if k.full_shape[axis] % a == 0 and k.upcast_size() * a <= in_flight),
                      None)
        if amount is not None:
            _try(k, Opt(OptOps.UPCAST, axis, amount))
    return k


def _contiguous(k: Scheduler, axis: int) -> bool:
    """Whether every buffer's index steps through `axis` one element at a time or does not depend on it."""
    rng = k.rngs[axis]
    return all(rng not in (idx := b.src[1].get_idx()).backward_slice_with_self or rng in idx.split_uop(Ops.ADD)
               for b in k.bufs)


def _try(k: Scheduler, opt: Opt) -> None:
    try:
        k.apply_opt(opt)
    except KernelOptError:  # e.g. an axis that a later store indexes in a way the upcast cannot split
        pass


def install() -> None:
    """Use `optimized` for every kernel tinygrad compiles from now on (it looks the heuristic up at each call)."""
    heuristic.hand_coded_optimizations = optimized
