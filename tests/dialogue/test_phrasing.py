"""Messages as students type them, none from the eval set or the issues: what-ifs, questions, navigation
and answers in both languages, with numbers in words, typos and missing accents. Each row stands for a
class of phrasing (the marked ones were misread until its grammar was fixed), read through
`tutor ask --json --no-run`, the path the eval scores."""

import json

import pytest

from tutor.cli import main
from tutor.dialogue.tutor import Tutor
from tutor.i18n import t
from tutor.settings import Settings
from tutor.store import Store

WHAT_IF = [
    ("y si el lr fuera 1e-3", {"lr": ("set", 0.001)}),
    ("pon el learning rate a 0,01", {"lr": ("set", 0.01)}),
    ("que pasa si uso una decima parte del learning rate", {"lr": ("mul", 0.1)}),
    ("half as many epochs", {"epochs": ("mul", 0.5)}),
    ("make the network three times wider", {"width": ("mul", 3)}),
    ("quita el momentum", {"momentum": ("set", 0)}),
    ("una red 64-32-16", {"hidden": ("set", [64, 32, 16])}),
    ("dos capas ocultas de 16 neuronas", {"hidden": ("set", [16, 16])}),
    ("cambia el batch a treinta y dos", {"batch_size": ("set", 32)}),
    ("que pasa si pongo el leraning rate en 0.5", {"lr": ("set", 0.5)}),
    ("usa adam con lr 3e-4", {"optimizer": ("set", "adam"), "lr": ("set", 3e-4)}),
    ("el doble de neuronas", {"width": ("mul", 2)}),
    ("lr /10", {"lr": ("mul", 0.1)}),
    ("quiero el triple de epocas", {"epochs": ("mul", 3)}),
    ("sube el batch a 128 y baja el lr a 0.001", {"batch_size": ("set", 128), "lr": ("set", 0.001)}),
    ("red de 32 y 16 con tanh", {"hidden": ("set", [32, 16]), "activation": ("set", "tanh")}),
    ("con 10 por ciento de ruido", {"noise": ("set", 0.1)}),
    ("quitale el weight decay y el ruido", {"weight_decay": ("set", 0), "noise": ("set", 0)}),
    # one option swapped for another: the one after "por"/"for"/"with"/"a" is the new one, not a search of both
    ("swap adam for plain sgd", {"optimizer": ("set", "sgd")}),  # was a sweep of adam and sgd
    ("cambia adam por sgd", {"optimizer": ("set", "sgd")}),  # was a sweep
    ("replace relu with tanh", {"activation": ("set", "tanh")}),  # was a sweep
    ("cambia el optimizador de adam a sgd", {"optimizer": ("set", "sgd")}),
    # a negation belongs to what follows it, up to the next option
    ("en vez de relu usa tanh", {"activation": ("set", "tanh")}),  # was not understood
    ("instead of adam use momentum", {"optimizer": ("set", "momentum")}),  # was "momentum 0"
    ("quita adam y usa sgd", {"optimizer": ("set", "sgd")}),  # an option removed: was a sweep of both
    ("drop relu, use tanh", {"activation": ("set", "tanh")}),
    # numbers in words: powers of ten, decimals after a phrase's word, digits with a scale word
    ("what if lr was ten to the minus three", {"lr": ("set", 0.001)}),  # was a sweep of 10 and 3
    ("learning rate diez a la menos tres", {"lr": ("set", 0.001)}),
    ("que pasa con un learning rate de cero coma uno", {"lr": ("set", 0.1)}),  # "de cero" was "start over"; lr 1
    ("what if we train on 2 thousand points", {"samples": ("set", 2000)}),  # was a sweep of 2 and 1000
    ("con 1,5 mil ejemplos", {"samples": ("set", 1500)}),
    # the data is the examples
    ("usa el doble de datos", {"samples": ("mul", 2)}),  # was not understood
    ("use half the data", {"samples": ("mul", 0.5)}),  # was not understood
    # a share that a lowering verb takes a setting to
    ("bajale el lr a la decima parte", {"lr": ("mul", 0.1)}),  # was lr 0.1
    ("hazla el doble de ancha", {"width": ("mul", 2)}),  # was not understood
]

KINDS = [
    ("¿por qué divergió?", "why", None),
    ("why did the loss go to nan", "why", None),
    ("otra vez", "repeat", None),
    ("vuelve al paso anterior", "back", None),
    ("next please", "next", None),
    ("what is momentum", "why", None),  # was a run with the momentum optimiser
    ("qué es adam", "why", None),  # likewise
    ("me he perdido", "hint", None),  # was not understood
    ("i'm lost", "hint", None),  # likewise
    ("repiteme eso", "repeat", None),  # likewise
    ("what would you change", "hint", None),  # likewise
    ("qué cambiarías", "hint", None),  # likewise
    ("make it deeper", "clarify", None),
    # answers: by letter, by number, by place; framed by hesitations and "I'd say"
    ("la b", "answer", "b"),
    ("i'd say c", "answer", "c"),  # was not understood, and taken for Spanish
    ("the second one", "answer", "b"),  # was not understood
    ("la segunda", "answer", "b"),  # likewise
    ("creo que la tercera", "answer", "c"),  # was the whole sentence, which named no choice
    ("me quedo con la a", "answer", "a"),  # was not understood
    ("mmm creo que c", "answer", "c"),  # was the whole sentence
    ("probably the first", "answer", "a"),  # was not understood
    ("option two", "answer", 2),
]


@pytest.fixture
def asked(capsys):
    def run(text: str) -> dict:
        """`tutor ask --json --no-run -- TEXT`, in this process."""
        assert main(["ask", "--json", "--no-run", "--", text]) == 0
        return json.loads(capsys.readouterr().out)

    return run


@pytest.mark.parametrize("text, want", WHAT_IF)
def test_what_ifs_as_students_type_them(asked, text: str, want: dict) -> None:
    intent = asked(text)["intent"]
    assert intent["kind"] == "what_if", intent
    got = {field: (c["op"], c["value"]) for field, c in intent["changes"].items()}
    assert got.keys() == want.keys(), got
    for field, (op, value) in want.items():
        assert got[field][0] == op and got[field][1] == pytest.approx(value), got


@pytest.mark.parametrize("text, kind, answer", KINDS)
def test_questions_navigation_and_answers_as_students_type_them(asked, text: str, kind: str, answer) -> None:
    intent = asked(text)["intent"]
    assert intent["kind"] == kind and intent["answer"] == answer, intent


def test_a_shape_asked_without_a_value_is_asked_about_by_its_name(asked) -> None:
    """ "make it deeper" asks how the hidden layers should be, not which learning rate."""
    for text, lang in (("make it deeper", "en"), ("hazla más ancha", "es")):
        reply = asked(text)["reply"]
        assert t("dialogue.field.hidden", lang) in reply and t("dialogue.field.lr", lang) not in reply, reply


def test_a_choice_named_by_its_place_answers_the_open_question(isolated_home) -> None:
    tutor = Tutor(Store(Settings.from_env().store), "ana", "es")
    tutor.handle("enséñame lo básico del entrenamiento")
    quiz = tutor.flow.gate
    right = next(i for i, c in enumerate(quiz.choices) if c.correct)
    reply = tutor.handle(f"creo que la {('primera', 'segunda', 'tercera', 'cuarta')[right]}")
    assert reply.shown.settled and reply.shown.chosen == right and reply.shown.correct
