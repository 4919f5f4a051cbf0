"""A run described in one line of the reader's language: the network in words, no layer string or key."""

import pytest

from tutor.config import make_config
from tutor.report import describe, network


@pytest.mark.parametrize(("hidden", "en", "es"), [
    ((32, 32), "2 layers of 32, ReLU", "2 capas de 32, ReLU"),
    ((8,), "1 layer of 8, ReLU", "1 capa de 8, ReLU"),
    ((64, 32, 16), "3 layers of 64, 32 and 16, ReLU", "3 capas de 64, 32 y 16, ReLU"),
    ((), "no hidden layer", "sin capa oculta"),
])
def test_the_network_reads_as_words(hidden, en, es):
    cfg = make_config({"hidden": hidden})
    assert (network(cfg, "en"), network(cfg, "es")) == (en, es)


def test_a_run_line_names_optimiser_and_activation_as_a_sentence_does():
    cfg = make_config({"dataset": "spiral", "samples": 500, "activation": "sigmoid", "optimizer": "sgd", "lr": 3e-4,
                       "batch_size": 16, "epochs": 1})
    assert describe(cfg, "es") == "spiral · 500 ejemplos · 2 capas de 32, sigmoide · SGD lr 0.0003 · batch 16 · 1 época"
    assert describe(cfg, "en") == "spiral · 500 examples · 2 layers of 32, sigmoid · SGD lr 0.0003 · batch 16 · 1 epoch"
