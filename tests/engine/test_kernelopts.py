"""CPU reductions laid out by kernelopts give the very numbers of tinygrad's own heuristic."""

import numpy as np
import pytest
from tinygrad import Tensor
from tinygrad.codegen import to_program_cache
from tinygrad.codegen.opt import heuristic

from tutor.engine import kernelopts


# upcast (8, 64, 64), (3000, 64, 3), (32, 32, 2); left to clang's vectorizer (32, 32, 32), (1000, 32, 32), (32, 2, 32)
@pytest.mark.parametrize("shape", [(8, 64, 64), (32, 32, 32), (1000, 32, 32), (32, 2, 32), (32, 32, 2), (3000, 64, 3),
                                   (5, 7, 3)])
@pytest.mark.parametrize("transposed", [False, True], ids=["x@w", "x.T@w"])  # as a forward pass, as a weight gradient
def test_a_matmul_sums_its_terms_as_tinygrads_heuristic_does(shape, transposed, monkeypatch):
    rows, inner, outputs = shape
    r = np.random.default_rng(0)
    x = r.normal(size=(inner, rows) if transposed else (rows, inner)).astype(np.float32)
    w = r.normal(size=(inner, outputs)).astype(np.float32)

    def matmul(layout) -> np.ndarray:
        monkeypatch.setattr(heuristic, "hand_coded_optimizations", layout)
        to_program_cache.clear()  # compile the kernel again, under this layout
        a = Tensor(x, device="CPU")
        return ((a.T if transposed else a) @ Tensor(w, device="CPU")).numpy()

    assert np.array_equal(matmul(kernelopts.optimized), matmul(kernelopts._tinygrads))
