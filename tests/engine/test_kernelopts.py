"""CPU reductions laid out by kernelopts give the very numbers of tinygrad's own heuristic."""

import numpy as np
import pytest
from tinygrad import Tensor
from tinygrad.codegen import to_program_cache
from tinygrad.codegen.opt import heuristic

from tutor.engine import kernelopts


@pytest.mark.parametrize("shape", [(8, 64, 64), (32, 32, 32), (3000, 64, 3), (5, 7, 3)])
def test_a_matmul_sums_its_terms_as_tinygrads_heuristic_does(shape, monkeypatch):
    rows, inner, outputs = shape
    r = np.random.default_rng(0)
    x, w = (r.normal(size=s).astype(np.float32) for s in ((rows, inner), (inner, outputs)))

    def matmul(layout) -> np.ndarray:
        monkeypatch.setattr(heuristic, "hand_coded_optimizations", layout)
        to_program_cache.clear()  # compile the kernel again, under this layout
        return (Tensor(x, device="CPU") @ Tensor(w, device="CPU")).numpy()

    assert np.array_equal(matmul(kernelopts.optimized), matmul(kernelopts._tinygrads))
