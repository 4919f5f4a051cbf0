"""Subnormal floats are flushed inside the block only, and only where glibc lets us set the mode."""

import numpy as np
import pytest

from tutor.engine import fpmode


@pytest.mark.skipif(fpmode._LIBM is None, reason="x86-64 glibc only")
def test_subnormals_flush_inside_the_block_and_come_back_after():
    tiny, small = np.float32(1e-30), np.float32(1e-10)  # their product, 1e-40, is subnormal in float32
    assert tiny * small > 0
    with fpmode.subnormals_flushed():
        assert tiny * small == 0
    assert tiny * small > 0
