"""Turns to train: tinygrad's kernel cache must serve whichever thread compiles, as the app's workers need."""

import threading

import pytest
from tinygrad import helpers as tinygrad_helpers

from tutor.config import make_config
from tutor.engine.training import train

pytestmark = pytest.mark.slow  # captures steps in a worker


def test_the_kernel_cache_opened_by_a_worker_serves_the_main_thread_too():
    tinygrad_helpers._db_connection = None  # as in a fresh process
    worker = threading.Thread(target=lambda: train(make_config({"epochs": 1, "samples": 60}, "en")))
    worker.start()
    worker.join()
    assert tinygrad_helpers._db_connection is not None
    assert tinygrad_helpers.diskcache_get("tutor_test", "nothing") is None  # no "created in another thread"
