"""A seventh held-out batch, Spanish first, around five misses: past tense and narration that change nothing
("ayer usé tanh", "I tried adam"), a "what's the point of X" frame that asks what X is for, English -ing forms
("what about adding a layer?"), asking what to try next ("¿qué experimento hago ahora?"), and a setting stated
to be too high or too low ("el lr está muy alto"), which asks to lower or raise it, as "baja el lr" does: the
tutor asks how far, proposing a usual step. Missing accents and typos throughout. The batch was written
before the parser was run on it, which read 27 of its 71 right (what-ifs 10/18, other kinds 10/35, no change
7/18), then 71 after the fixes."""

import pytest
from test_held_out import RUNS, check

from tutor.dialogue import parse

# text, {field: (op, value)}
WHAT_IF = [
    ("what about adding a layer?", {"layers": ("add", 1)}),
    ("how about adding another layer", {"layers": ("add", 1)}),
    ("try lowering the lr to 0.01", {"lr": ("set", 0.01)}),
    ("try increasing the epochs to 80", {"epochs": ("set", 80)}),
    ("what about using tanh?", {"activation": ("set", "tanh")}),
    ("what about trying adam?", {"optimizer": ("set", "adam")}),
    ("try removing a layer", {"layers": ("add", -1)}),
    ("what about doubling the batch size?", {"batch_size": ("mul", 2)}),
    ("how about halving the learning rate", {"lr": ("mul", 0.5)}),
    ("try reducing the noise to 0.1", {"noise": ("set", 0.1)}),
    ("i'd try switching to sgd", {"optimizer": ("set", "sgd")}),
    ("what about raising the momentum to 0.95?", {"momentum": ("set", 0.95)}),
    ("ahora usa tanh", {"activation": ("set", "tanh")}),
    ("uso tanh esta vez", {"activation": ("set", "tanh")}),
    ("usa adam, ayer usé sgd", {"optimizer": ("set", "adam")}),
    ("ayer usé sgd, ahora prueba adam", {"optimizer": ("set", "adam")}),
    ("I used sgd before, now try adam", {"optimizer": ("set", "adam")}),
    ("prueba con 3 capas", {"layers": ("set", 3)}),
]

# text, kind, what else the intent must hold (see test_held_out.check)
OTHER = [
    # what an idea is for
    ("what's the point of momentum?", "why", {"concept": "momentum"}),
    ("whats the point of weight decay", "why", {"concept": "weight_decay"}),
    ("what is the point of a validation set?", "why", {"concept": "validation"}),
    ("what's the point of having more layers?", "why", {"concept": "layers"}),
    ("¿cuál es el punto del momentum?", "why", {"concept": "momentum"}),
    ("¿para qué sirve el momentum?", "why", {"concept": "momentum"}),
    ("para que sirven las epocas", "why", {"concept": "epochs"}),
    ("what are data points?", "why", {"concept": "samples"}),
    ("¿qué es un punto del dataset?", "why", {"concept": "samples"}),
    # what to try next
    ("what run should I do next?", "hint", {}),
    ("¿qué experimento hago ahora?", "hint", {}),
    ("que experimento hago ahora", "hint", {}),
    ("what experiment should I try next?", "hint", {}),
    ("¿qué corrida hago ahora?", "hint", {}),
    ("what should I run next?", "hint", {}),
    ("¿qué pruebo ahora?", "hint", {}),
    ("¿qué experimento me recomiendas?", "hint", {}),
    ("which experiment next?", "hint", {}),
    # the runs themselves, still compared
    ("¿qué experimento fue mejor?", "compare", {}),
    ("which run was worse?", "compare", {}),
    # a setting stated too high or too low: lower or raise it, how far asked
    ("the lr is too high", "clarify", {"fields": ["lr"]}),
    ("el lr está muy alto", "clarify", {"fields": ["lr"]}),
    ("el lr esta muy alto", "clarify", {"fields": ["lr"]}),
    ("el learning rate es demasiado alto", "clarify", {"fields": ["lr"]}),
    ("the learning rate is too low", "clarify", {"fields": ["lr"]}),
    ("el batch es muy chico", "clarify", {"fields": ["batch_size"]}),
    ("las épocas son muy pocas", "clarify", {"fields": ["epochs"]}),
    ("the batch size is way too big", "clarify", {"fields": ["batch_size"]}),
    ("too many epochs", "clarify", {"fields": ["epochs"]}),
    ("demasiadas épocas", "clarify", {"fields": ["epochs"]}),
    ("the noise is too high", "clarify", {"fields": ["noise"]}),
    ("creo que el lr está muy alto", "clarify", {"fields": ["lr"]}),
    # asked, it is a question about the setting
    ("is the lr too high?", "why", {"concept": "lr"}),
    ("¿el lr está muy alto?", "why", {"concept": "lr"}),
    ("¿son demasiadas épocas?", "why", {"concept": "epochs"}),
]

# messages that must start no run and change nothing
NOT_A_CHANGE = [
    "ayer usé tanh y me fue mal", "ayer use tanh y me fue mal", "usé adam y divergió", "puse 3 capas y no mejoró",
    "probé con sgd y fue lento", "I used tanh and it was worse", "I tried adam yesterday", "I tried a batch of 8",
    "tenía lr 0.1 y explotó", "antes usaba relu", "la vez pasada usé 200 épocas", "ya probé con momentum",
    "last time I used 3 layers", "I had the lr at 0.5 and it diverged", "we used sgd in the last lesson",
    "usé un lr de 0.001 y tardó mucho", "intenté con 5 capas", "I was using sigmoid before",
]


@pytest.mark.parametrize("text, want", WHAT_IF)
def test_what_if(text: str, want: dict) -> None:
    intent = parse(text)
    assert check(intent, "what_if", want), (text, intent)


@pytest.mark.parametrize("text, kind, want", OTHER)
def test_other_kinds(text: str, kind: str, want: dict) -> None:
    intent = parse(text)
    assert check(intent, kind, want) and not intent.changes, (text, intent)


@pytest.mark.parametrize("text", NOT_A_CHANGE)
def test_no_run_and_no_change(text: str) -> None:
    intent = parse(text)
    assert intent.kind not in RUNS and not intent.changes, (text, intent)
