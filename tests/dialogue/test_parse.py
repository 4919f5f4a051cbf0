"""The free-text parser: phrasings in Spanish and English, numbers as typed, the public eval set,
and properties (never raises, stays fast, reads 0,5 = 0.5 = .5)."""

import json
import math
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.config import SEARCHABLE, SETTINGS
from tutor.dialogue import Change, Intent, parse
from tutor.dialogue.lexicon import PHRASES
from tutor.dialogue.numbers import literal, read_words

UTTERANCES = Path(__file__).parents[2].parent / "shared/eval/utterances.jsonl"


def same(a, b) -> bool:
    """score.py's comparison: numbers within 1e-6 relative, lists item by item, else text."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return str(a).lower() == str(b).lower()


def changes_of(text: str) -> dict:
    return {k: (v["op"], v["value"]) for k, v in parse(text).model_dump(mode="json")["changes"].items()}


def assert_changes(text: str, want: dict) -> None:
    got = changes_of(text)
    assert set(got) == set(want), (text, got)
    for field, (op, value) in want.items():
        assert got[field][0] == op and same(got[field][1], value), (text, got)


WHAT_IF = [
    # set, in both languages, with the usual verbs and prepositions
    ("what if the learning rate were 0.5?", {"lr": ("set", 0.5)}),
    ("¿y si la tasa de aprendizaje es 0,001?", {"lr": ("set", 0.001)}),
    ("set learning rate to 3e-4 please", {"lr": ("set", 3e-4)}),
    ("bájale el lr a 0.0001", {"lr": ("set", 1e-4)}),
    ("the lr at 0.03", {"lr": ("set", 0.03)}),
    ("lr 5000", {"lr": ("set", 5000)}),  # out of range, kept as written: the conversation refuses it
    ("lr = -1", {"lr": ("set", -1)}),
    ("bs=64", {"batch_size": ("set", 64)}),
    ("minibatch size = 512", {"batch_size": ("set", 512)}),
    ("batch of 64 examples", {"batch_size": ("set", 64)}),
    ("lotes de 32 ejemplos", {"batch_size": ("set", 32)}),
    ("train for 100 epochs", {"epochs": ("set", 100)}),
    ("entrena 200 épocas", {"epochs": ("set", 200)}),
    ("number of epochs: 25", {"epochs": ("set", 25)}),
    ("el número de épocas a 15", {"epochs": ("set", 15)}),
    ("quiero 50 épocas", {"epochs": ("set", 50)}),
    ("noise level 0.3", {"noise": ("set", 0.3)}),
    ("sin ruido", {"noise": ("set", 0)}),
    ("no noise", {"noise": ("set", 0)}),
    ("without weight decay", {"weight_decay": ("set", 0)}),
    ("l2 0.001", {"weight_decay": ("set", 0.001)}),
    ("regularización l2 de 0,01", {"weight_decay": ("set", 0.01)}),
    ("número de muestras 600", {"samples": ("set", 600)}),
    ("mil muestras", {"samples": ("set", 1000)}),
    ("2,000 samples", {"samples": ("set", 2000)}),
    ("2.000 muestras", {"samples": ("set", 2000)}),
    # multiply
    ("double the learning rate", {"lr": ("mul", 2)}),
    ("duplica las épocas", {"epochs": ("mul", 2)}),
    ("halve the batch size", {"batch_size": ("mul", 0.5)}),
    ("pon el batch a la mitad", {"batch_size": ("mul", 0.5)}),
    ("make the learning rate ten times smaller", {"lr": ("mul", 0.1)}),
    ("ten times smaller learning rate", {"lr": ("mul", 0.1)}),
    ("10x bigger lr", {"lr": ("mul", 10)}),
    ("un learning rate diez veces más grande", {"lr": ("mul", 10)}),
    ("lr x10", {"lr": ("mul", 10)}),
    ("lr/10", {"lr": ("mul", 0.1)}),
    ("divide el lr entre 4", {"lr": ("mul", 0.25)}),
    ("multiplica el batch por 4", {"batch_size": ("mul", 4)}),
    ("reduce the lr by a factor of 10", {"lr": ("mul", 0.1)}),
    ("an order of magnitude smaller lr", {"lr": ("mul", 0.1)}),
    ("two orders of magnitude bigger learning rate", {"lr": ("mul", 100)}),
    ("increase the lr by 50%", {"lr": ("mul", 1.5)}),
    ("reduce el learning rate un 90%", {"lr": ("mul", 0.1)}),
    ("aumenta el lr un 10 por ciento", {"lr": ("mul", 1.1)}),
    ("increase lr by half", {"lr": ("mul", 1.5)}),
    # add
    ("cinco épocas más", {"epochs": ("add", 5)}),
    ("5 more epochs", {"epochs": ("add", 5)}),
    ("another 10 epochs", {"epochs": ("add", 10)}),
    ("otras 10 épocas", {"epochs": ("add", 10)}),
    ("entrena durante cien épocas más", {"epochs": ("add", 100)}),
    ("increase the epochs by 10", {"epochs": ("add", 10)}),
    ("sube las épocas en 50", {"epochs": ("add", 50)}),
    ("sube las épocas a 50", {"epochs": ("set", 50)}),
    ("epochs +5", {"epochs": ("add", 5)}),
    ("remove 3 epochs", {"epochs": ("add", -3)}),
    # architecture
    ("quita una capa", {"layers": ("add", -1)}),
    ("one more layer", {"layers": ("add", 1)}),
    ("una capa menos", {"layers": ("add", -1)}),
    ("remove two layers", {"layers": ("add", -2)}),
    ("3 capas", {"layers": ("set", 3)}),
    ("tres capas", {"layers": ("set", 3)}),
    ("layers=2", {"layers": ("set", 2)}),
    ("añade una capa de 64", {"hidden": ("add", [64])}),
    ("add two layers of 128 units", {"hidden": ("add", [128, 128])}),
    ("try 3 layers of 128 neurons with relu", {"hidden": ("set", [128, 128, 128]), "activation": ("set", "relu")}),
    ("red con dos capas de 16 neuronas", {"hidden": ("set", [16, 16])}),
    ("1 capa de 100", {"hidden": ("set", [100])}),
    ("hidden 32,32", {"hidden": ("set", [32, 32])}),
    ("hidden=[128, 64, 32]", {"hidden": ("set", [128, 64, 32])}),
    ("capas ocultas de 64, 32 y 16", {"hidden": ("set", [64, 32, 16])}),
    ("hidden 64x64", {"hidden": ("set", [64, 64])}),
    ("arquitectura 64-32", {"hidden": ("set", [64, 32])}),
    ("sin capas ocultas", {"hidden": ("set", [])}),
    ("neurons per layer: 100", {"width": ("set", 100)}),
    ("10 neuronas en cada capa", {"width": ("set", 10)}),
    ("what if each hidden layer had 256 units?", {"width": ("set", 256)}),
    ("treinta y dos neuronas", {"width": ("set", 32)}),
    ("double the width", {"width": ("mul", 2)}),
    # options
    ("usa el dataset de espirales", {"dataset": ("set", "spiral")}),
    ("change the dataset to digits", {"dataset": ("set", "digits")}),
    ("try circles", {"dataset": ("set", "circles")}),
    ("activación sigmoide", {"activation": ("set", "sigmoid")}),
    ("activation: leaky relu", {"activation": ("set", "leaky_relu")}),
    ("optimizador: sgd", {"optimizer": ("set", "sgd")}),
    ("usa momentum", {"optimizer": ("set", "momentum")}),
    ("use sgd with momentum 0.9", {"optimizer": ("set", "momentum"), "momentum": ("set", 0.9)}),
    ("¿por qué no pruebas con adam?", {"optimizer": ("set", "adam")}),
    # several changes
    ("lr=0,05 y batch de 10", {"lr": ("set", 0.05), "batch_size": ("set", 10)}),
    ("pon 50 épocas, lr de 0.003 y batch size de 128",
     {"epochs": ("set", 50), "lr": ("set", 0.003), "batch_size": ("set", 128)}),
    ("what if we used 1000 epochs and a learning rate of 10?", {"epochs": ("set", 1000), "lr": ("set", 10)}),
    ("lr = 0.1, momentum = 0.9, optimizer = sgd",
     {"lr": ("set", 0.1), "momentum": ("set", 0.9), "optimizer": ("set", "sgd")}),
    ("adam con lr 0.001 y weight decay de 1e-4",
     {"optimizer": ("set", "adam"), "lr": ("set", 0.001), "weight_decay": ("set", 1e-4)}),
    ("sin ruido y 500 muestras", {"noise": ("set", 0), "samples": ("set", 500)}),
    ("double the lr and the epochs", {"lr": ("mul", 2), "epochs": ("mul", 2)}),
    ("halve lr, double epochs", {"lr": ("mul", 0.5), "epochs": ("mul", 2)}),
    ("divide lr by 10 and epochs by 2", {"lr": ("mul", 0.1), "epochs": ("mul", 0.5)}),
    ("probemos con batch size 8 and 50 epochs", {"batch_size": ("set", 8), "epochs": ("set", 50)}),
    ("tanh, adam, lr 0.003", {"activation": ("set", "tanh"), "optimizer": ("set", "adam"), "lr": ("set", 0.003)}),
    # corrections and moves
    ("lr 0.01 is too small, try 0.1", {"lr": ("set", 0.1)}),
    ("y si el learning rate fuera más grande, digamos 0.5", {"lr": ("set", 0.5)}),
    ("cambia el lr de 0,01 a 0,1", {"lr": ("set", 0.1)}),
    ("go from 10 to 50 epochs", {"epochs": ("set", 50)}),
    # typos, missing accents, mixed languages
    ("learnin rate 0.1", {"lr": ("set", 0.1)}),
    ("leraning rate 0.2", {"lr": ("set", 0.2)}),
    ("que pasa si pongo la tasa de aprendisaje en 0,001", {"lr": ("set", 0.001)}),
    ("bacth size 64", {"batch_size": ("set", 64)}),
    ("epocs 10", {"epochs": ("set", 10)}),
    ("ponle 100 epocas", {"epochs": ("set", 100)}),
    ("activacion tanh", {"activation": ("set", "tanh")}),
    ("use learning rate 0.01 con batch de 32", {"lr": ("set", 0.01), "batch_size": ("set", 32)}),
    ("weight_decay=0.001", {"weight_decay": ("set", 0.001)}),
    ("LR 1E-3", {"lr": ("set", 0.001)}),
    # a regulariser that is usually off is set when "added"; a number before the field is added
    ("add noise 0.3", {"noise": ("set", 0.3)}),
    ("añade ruido de 0.2", {"noise": ("set", 0.2)}),
    ("add 0.1 to the noise", {"noise": ("add", 0.1)}),
    ("train longer, 100 epochs", {"epochs": ("set", 100)}),
    ("usa las lunas", {"dataset": ("set", "moons")}),
    # the option named after "instead of" is the one left behind
    ("what if I use tanh instead of relu?", {"activation": ("set", "tanh")}),
    ("usa relu en vez de sigmoide", {"activation": ("set", "relu")}),
    ("switch the optimizer to momentum", {"optimizer": ("set", "momentum")}),
    ("cambia el optimizador a momentum", {"optimizer": ("set", "momentum")}),
    ("double the batch and halve the learning rate", {"batch_size": ("mul", 2), "lr": ("mul", 0.5)}),
    ("Try SGD with a learning rate of 0.1 for 50 epochs",
     {"optimizer": ("set", "sgd"), "lr": ("set", 0.1), "epochs": ("set", 50)}),
    ("un lr cien veces menor", {"lr": ("mul", 0.01)}),
    ("el triple de épocas", {"epochs": ("mul", 3)}),
    ("quítale 5 épocas", {"epochs": ("add", -5)}),
    ("añade otra capa", {"layers": ("add", 1)}),
    ("capas de 32 y 16", {"hidden": ("set", [32, 16])}),
    ("a single hidden layer with 4 units", {"hidden": ("set", [4])}),
]


@pytest.mark.parametrize("text, want", WHAT_IF)
def test_what_if(text: str, want: dict) -> None:
    assert parse(text).kind == "what_if", text
    assert_changes(text, want)


NUMBERS = [
    ("lr 0,01", 0.01), ("lr .01", 0.01), ("lr 1e-3", 1e-3), ("lr 3e-4", 3e-4), ("lr 1E-3", 1e-3),
    ("lr 10^-3", 1e-3), ("lr 10⁻³", 1e-3), ("momentum a half", 0.5), ("momentum de 0,99", 0.99),
    ("epochs ten", 10), ("épocas: diez", 10), ("epochs twenty five", 25), ("épocas veinticinco", 25),
    ("epochs twenty-five", 25), ("épocas cien", 100), ("samples two thousand and ten", 2010),
    ("muestras dos mil quinientas", 2500), ("lr cero coma cero cinco", 0.05), ("lr zero point one", 0.1),
    ("épocas doscientas cincuenta y seis", 256), ("epochs one hundred", 100), ("noise 0", 0),
]


@pytest.mark.parametrize("text, value", NUMBERS)
def test_numbers_as_written(text: str, value: float) -> None:
    (change,) = parse(text).changes.values()
    assert change.op == "set" and same(change.value, value), (text, change)


@pytest.mark.parametrize("text, fields", [
    ("lr=", ["lr"]), ("learning rate banana", ["lr"]), ("cambia el batch", ["batch_size"]),
    ("sube el learning rate", ["lr"]), ("more epochs please", ["epochs"]), ("más neuronas", ["width"]),
    ("make the network deeper", ["layers"]), ("increase momentum", ["momentum"]), ("cambia el momentum", ["momentum"]),
    ("epochs = lots", ["epochs"]), ("activation gelu", ["activation"]), ("optimizer rmsprop", ["optimizer"]),
    ("lr muy alto", ["lr"]), ("¿y si subimos mucho el learning rate?", ["lr"]), ("divide the lr by 0", ["lr"]),
    ("lr 1e999", ["lr"]), ("what if I train longer?", ["epochs"]), ("entrena más tiempo", ["epochs"]),
])
def test_a_field_without_value_is_never_guessed(text: str, fields: list[str]) -> None:
    intent = parse(text)
    assert intent.kind == "clarify" and intent.fields == fields and not intent.changes, (text, intent)


@pytest.mark.parametrize("text, kind", [
    ("continue", "next"), ("siguiente", "next"), ("ok, next", "next"), ("let's move on", "next"),
    ("continúa por favor", "next"), ("adelante", "next"), ("next lesson", "next"),
    ("go back", "back"), ("anterior", "back"), ("vuelve atrás", "back"), ("undo", "undo"),
    ("go back to the previous step", "back"),
    ("say that again", "repeat"), ("repite la pregunta", "where"), ("can you say that again?", "repeat"),
    ("no entendí", "repeat"), ("otra vez por favor", "repeat"),
    ("give me a hint", "hint"), ("dame una pista por favor", "hint"), ("I'm stuck", "hint"), ("no sé", "hint"),
    ("help", "help"), ("ayuda", "help"), ("how does this work?", "help"), ("¿qué puedo preguntar?", "help"),
    ("start over", "reset"), ("empieza de nuevo", "reset"), ("vuelve a los valores por defecto", "reset"),
    ("desde cero", "reset"), ("restaura la configuración inicial", "reset"),
    ("why did it diverge?", "why"), ("por qué diverge", "why"), ("explain what happened", "why"),
    ("how come the accuracy is so low", "why"), ("¿a qué se debe el sobreajuste?", "why"),
    ("¿por qué no mejora la precisión?", "why"), ("what does batch size do?", "why"),
    ("¿cuántas épocas necesito?", "why"),
    ("compare with the previous run", "compare"), ("¿cuál fue mejor?", "compare"),
    ("compara los dos últimos", "compare"),
    ("hello", "unknown"), ("gracias", "unknown"), ("asdf qwerty", "unknown"), ("🙂", "unknown"), ("", "unknown"),
    ("tell me a joke", "unknown"), ("   ", "unknown"), ("the moon is beautiful", "unknown"),
    ("the loss went up after 5 epochs", "unknown"), ("¿cuál es la capital de Francia?", "unknown"),
    ("no entiendo nada", "repeat"), ("¿y ahora qué?", "next"), ("¿qué hago ahora?", "hint"),
    ("why did lr 10 diverge?", "why"), ("reset the learning rate", "reset"),
    ("what caused the divergence?", "why"), ("compárala con la ejecución anterior", "compare"),
    ("borra los cambios", "reset"), ("¿puedes repetir?", "repeat"), ("¿me das una pista?", "hint"),
])
def test_conversation_kinds(text: str, kind: str) -> None:
    assert parse(text).kind == kind, (text, parse(text))


@pytest.mark.parametrize("text, lang", [
    ("ejercicio", "es"), ("¿cuál es el ejercicio?", "es"), ("el reto de la clase", "es"), ("ranking", None),
    ("clasificación", "es"), ("¿cómo voy en el ranking?", "es"),
    ("¿cuál es mi puesto en la clasificación?", "es"),
    ("muéstrame la clasificación", "es"), ("abre el ejercicio", "es"), ("ejercisio", "es"),
    ("exercise", "en"), ("what's the exercise?", "en"), ("leaderboard", "en"), ("the class challenge", "en"),
    ("how am I doing on the leaderboard?", "en"), ("what's my rank?", "en"), ("where do I stand?", "en"),
    ("how do I compare on the leaderboard?", "en"), ("show me the leaderboard", "en"), ("exercize", "en"),
])
def test_the_class_exercise_and_its_leaderboard(text: str, lang: str | None) -> None:
    intent = parse(text)
    assert intent.kind == "exercise" and not intent.changes, (text, intent)
    assert lang is None or intent.lang == lang


@pytest.mark.parametrize("text, kind", [
    ("what if the batch size were 1", "what_if"), ("what if the batch size were 1 in the exercise?", "what_if"),
    ("para el ejercicio, ¿y si el batch fuera 1?", "what_if"),
    ("in the exercise, double the learning rate", "what_if"),
    ("¿cuál es el mejor lr para el ejercicio?", "lr_find"), ("dame una pista para el ejercicio", "hint"),
    ("compara las dos últimas ejecuciones del ejercicio", "compare"), ("compare lr 0.1 and lr 0.01", "compare"),
    ("why did my run for the exercise diverge?", "why"),
    ("¿es esto un problema de clasificación?", "unknown"), ("¿qué es la clasificación?", "why"),
    ("the loss keeps ranging around 0.7", "unknown"),  # not a misspelt "ranking"
])
def test_the_exercise_does_not_take_other_kinds(text: str, kind: str) -> None:
    assert parse(text).kind == kind, (text, parse(text))


@pytest.mark.parametrize("text, lang", [
    ("¿dónde estaba?", "es"), ("¿dónde estoy?", "es"), ("¿en qué lección voy?", "es"), ("por dónde íbamos", "es"),
    ("¿en qué paso voy?", "es"), ("where was I?", "en"), ("where am I in the lesson?", "en"),
    ("what lesson am I on?", "en"), ("which step is this?", "en"), ("where were we", "en"),
])
def test_where_the_student_is(text: str, lang: str) -> None:
    intent = parse(text)
    assert (intent.kind, intent.lang) == ("where", lang), (text, intent)


@pytest.mark.parametrize("text, lesson", [
    ("lección 1", 1), ("ve a la lección 3", 3), ("abre la lección dos", 2), ("la tercera lección", 3),
    ("salta a la lección 4", 4), ("lesson 3", 3), ("go to lesson 3", 3), ("lesson number 2 please", 2),
    ("the second lesson", 2), ("skip to lesson 5", 5), ("lesson 0", 0), ("lesson 99", 99),
])
def test_a_lesson_by_its_number(text: str, lesson: int) -> None:
    intent = parse(text)
    assert (intent.kind, intent.lesson) == ("goto", lesson), (text, intent)


@given(st.integers(-10, 10_000), st.sampled_from(["lección {}", "ve a la lección {}", "lesson {}", "go to lesson {}"]))
def test_any_lesson_number_is_read(number: int, template: str) -> None:
    intent = parse(template.format(number))
    assert (intent.kind, intent.lesson) == ("goto", number), intent


@pytest.mark.parametrize("text, skip", [
    ("next lesson", "lesson"), ("the next lesson please", "lesson"), ("go to the next lesson", "lesson"),
    ("skip this lesson", "lesson"), ("siguiente lección", "lesson"), ("la próxima lección", "lesson"),
    ("pasa a la siguiente lección", "lesson"), ("lección siguiente", "lesson"),
    ("skip", "step"), ("skip this", "step"), ("skip this step", "step"), ("sáltate esto", "step"),
    ("salta este paso", "step"), ("sáltate la pregunta", "step"), ("omite esto", "step"),
    ("next", None), ("sigamos", None), ("next step", None), ("siguiente paso", None),
])
def test_next_says_what_it_skips(text: str, skip: str | None) -> None:
    intent = parse(text)
    assert (intent.kind, intent.skip) == ("next", skip), (text, intent)


@pytest.mark.parametrize("text, with_field, change", [
    ("halve it", "halve it lr", ("lr", "mul", 0.5)),
    ("a la mitad", "a la mitad lr", ("lr", "mul", 0.5)),
    ("otra vez a la mitad", "otra vez a la mitad batch_size", ("batch_size", "mul", 0.5)),
    ("make it ten times smaller", "make it ten times smaller weight_decay", ("weight_decay", "mul", 0.1)),
])
def test_an_operator_alone_waits_for_its_field(text: str, with_field: str, change: tuple) -> None:
    """Tutor.understand re-reads "halve it" with the field changed last appended."""
    assert parse(text).kind in ("unknown", "repeat") and not parse(text).changes
    field, op, value = change
    assert_changes(with_field, {field: (op, value)})


def test_reset_names_the_fields_to_restore() -> None:
    assert parse("reset the learning rate").fields == ["lr"] and parse("start over").fields == []


@pytest.mark.parametrize("text, kind, topic", [
    ("open the lesson on batch size", "goto", "batch_size"), ("ir a la lección de épocas", "goto", "epochs"),
    ("quiero ver la lección sobre la tasa de aprendizaje", "goto", "lr"),
    ("llévame al tema de búsqueda de hiperparámetros", "goto", "tuning"),
    ("teach me about layers", "goto", "architecture"), ("enséñame las funciones de activación", "goto", "architecture"),
    ("quiero aprender sobre el descenso del gradiente", "goto", "training"),
    ("go to the lesson on tuning", "goto", "tuning"),
    ("why is the learning rate so important?", "why", "lr"), ("qué es el batch size", "why", "batch_size"),
    ("how many epochs do I need?", "why", "epochs"), ("help with batch size", "help", "batch_size"),
])
def test_topics(text: str, kind: str, topic: str) -> None:
    intent = parse(text)
    assert (intent.kind, intent.topic) == (kind, topic), (text, intent)


@pytest.mark.parametrize("text, kind, method, trials, fields", [
    ("haz una búsqueda en grid del learning rate", "sweep", "grid", None, ["lr"]),
    ("random search over lr and batch size with 20 trials", "sweep", "random", 20, ["lr", "batch_size"]),
    ("búsqueda aleatoria de lr y batch con 50 pruebas", "sweep", "random", 50, ["lr", "batch_size"]),
    ("búsqueda bayesiana de 30 ensayos sobre lr, momentum y weight decay", "sweep", "bayes", 30,
     ["lr", "momentum", "weight_decay"]),
    ("bayesian optimization of the learning rate", "sweep", "bayes", None, ["lr"]),
    ("haz un barrido del learning rate", "sweep", None, None, ["lr"]),
    ("find the best batch size", "sweep", None, None, ["batch_size"]),
    ("find a good learning rate", "lr_find", None, None, ["lr"]),
    ("busca un buen lr", "lr_find", None, None, ["lr"]),
    ("¿cuál es el mejor learning rate?", "lr_find", None, None, ["lr"]),
    ("run the lr range test", "lr_find", None, None, ["lr"]),
])
def test_searches(text: str, kind: str, method: str | None, trials: int | None, fields: list[str]) -> None:
    intent = parse(text)
    assert intent.kind == kind and intent.search is not None, (text, intent)
    assert (intent.search.method, intent.search.trials, intent.search.fields) == (method, trials, fields), intent


def test_alternatives_and_bounds() -> None:
    grid = parse("prueba lr 0.1, 0.01 y 0.001")
    assert grid.kind == "sweep" and grid.search.method == "grid" and grid.search.values == {"lr": [0.1, 0.01, 0.001]}
    assert parse("sweep batch size 16, 32, 64").search.values == {"batch_size": [16, 32, 64]}
    bounded = parse("random search lr between 1e-4 and 1 with 30 trials")
    assert bounded.search.bounds == {"lr": (1e-4, 1.0)} and bounded.search.trials == 30
    compared = parse("compare lr 0.1 and lr 0.01")
    assert compared.kind == "compare" and compared.search.values == {"lr": [0.1, 0.01]}
    assert parse("¿relu o tanh?").search.values == {"activation": ["relu", "tanh"]}
    assert parse("adam vs sgd").kind == "compare"


@pytest.mark.parametrize("text, answer", [
    ("b", "b"), ("la c", "c"), ("option a", "a"), ("la respuesta es la b", "b"), ("0,5", 0.5), ("42", 42),
    ("my answer is 3", 3), ("sí", "yes"), ("no", "no"), ("verdadero", "true"),
    ("creo que va a diverger", "creo que va a diverger"), ("it will overfit", "it will overfit"),
])
def test_answers(text: str, answer) -> None:
    intent = parse(text)
    assert intent.kind == "answer" and same(intent.answer, answer), (text, intent)


@pytest.mark.parametrize("text, lang", [
    ("batch de 4", "es"), ("lr 0.1 y batch 32", "es"), ("sigamos", "es"), ("usa adam", "es"),
    ("¿y con 300 épocas?", "es"), ("lr 0.02, 40 epochs", "en"), ("switch to tanh", "en"), ("go back", "en"),
])
def test_language(text: str, lang: str) -> None:
    assert parse(text, default_lang="en" if lang == "es" else "es").lang == lang


def test_language_falls_back_to_the_default() -> None:
    assert parse("lr 0.1").lang == "es" and parse("lr 0.1", default_lang="en").lang == "en"


def test_json_form() -> None:
    doc = parse("double the learning rate").model_dump(mode="json")
    assert doc["kind"] == "what_if" and doc["topic"] is None and doc["lang"] == "en"
    assert doc["changes"] == {"lr": {"op": "mul", "value": 2}}
    assert Intent.model_validate(json.loads(json.dumps(doc))) == parse("double the learning rate")


@pytest.mark.parametrize("raw, integer, lang, value", [
    ("0,05", False, "es", 0.05), ("32,32", False, "es", 32.32), ("2,000", True, "es", 2000),
    ("2,000", False, "en", 2000), ("2,000", False, "es", 2.0), ("1.000,5", False, "es", 1000.5),
    ("1,000.5", False, "en", 1000.5), ("1.000.000", True, "es", 1000000), (".5", False, "en", 0.5),
    ("-3", True, "en", -3), ("2^10", False, "en", 1024), ("1,2,3", False, "en", None), ("1e999", False, "en", None),
    ("10^-999", False, "en", None), ("0^-1", False, "en", None), ("9" * 5000, True, "en", None),
])
def test_literals(raw: str, integer: bool, lang: str, value) -> None:
    got = literal(raw, integer, lang)
    assert (got is None and value is None) or same(got, value), (raw, got)


@pytest.mark.parametrize("words, value, used", [
    ("veinticinco", 25, 1), ("treinta y dos neuronas", 32, 3), ("dos tres", 2, 1), ("a hundred", 100, 2),
    ("un millon", 1_000_000, 2), ("one and a half", 1.5, 4), ("uno y medio", 1.5, 3), ("mil", 1000, 1),
    ("cien mil", 100_000, 2), ("ciento uno", 101, 2), ("a layer", None, 0),
])
def test_number_words(words: str, value, used: int) -> None:
    got = read_words(words.split(), 0)
    assert (got is None and value is None) or (same(got[0], value) and got[1] == used), (words, got)


@pytest.mark.skipif(not UTTERANCES.exists(), reason="shared eval set not present")
def test_public_utterances_accuracy() -> None:
    """score.py's rules: kind (unknown also accepts clarify), then changes, then the goto topic."""
    cases = [json.loads(line) for line in UTTERANCES.read_text(encoding="utf-8").splitlines() if line.strip()]
    misses = []
    for case in cases:
        got = parse(case["text"]).model_dump(mode="json")
        want = case["kind"]
        good = got["kind"] == want or (want == "unknown" and got["kind"] in ("unknown", "clarify"))
        if good and "changes" in case:
            good = set(got["changes"]) == set(case["changes"]) and all(
                got["changes"][k]["op"] == op and same(got["changes"][k]["value"], v)
                for k, (op, v) in case["changes"].items())
        if good and "lesson_topic" in case:
            good = got["topic"] == case["lesson_topic"]
        if not good:
            misses.append((case["text"], got))
    assert 1 - len(misses) / len(cases) >= 0.97, misses


def seconds_to_parse(text: str) -> float:
    """The CPU time of this thread, best of three: what the parse costs, however busy the machine is (its wall
    time on a loaded 2-core machine is several times that)."""
    best = math.inf
    for _ in range(3):
        start = time.thread_time()
        parse(text)
        best = min(best, time.thread_time() - start)
        if best < 0.05:
            break
    return best


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=10_000))
def test_any_text_parses_quickly(text: str) -> None:
    json.dumps(parse(text).model_dump(mode="json"))
    assert seconds_to_parse(text) < 0.05


PIECES = sorted(" ".join(p) for p in PHRASES) + [
    "0", "64", "0,5", ".5", "1e-3", "10^-3", "32,32", "2,000", "1.000,5", "-3", "+5", "64x64", "64-32", "1e999",
    "9" * 30, ",", "?", "=", ":", "%", "/", "(", "veinticinco", "twenty five", "mil"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map(" ".join))
def test_any_mix_of_known_phrases_parses(text: str) -> None:
    """Sentences made of the lexicon's own phrases and numbers reach every rule of the grammar."""
    intent = parse(text)
    json.dumps(intent.model_dump(mode="json"))
    assert seconds_to_parse(text) < 0.05


@pytest.mark.slow
@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=500, max_size=3000).map(" ".join))
def test_long_mix_of_known_phrases_parses_quickly(text: str) -> None:
    assert seconds_to_parse(text) < 0.05


@given(
    st.sampled_from(["what if the {f} was {v}?", "¿y si el {f} fuera {v}?", "{f} {v}", "pon el {f} en {v}",
                     "set {f} to {v} please", "{f}={v} y 30 épocas"]),
    st.sampled_from(["lr", "learning rate", "tasa de aprendizaje", "momentum", "noise", "ruido", "weight decay"]),
    st.sampled_from(["0,5", "0.5", ".5"]),
)
def test_decimal_comma_and_point_read_the_same(template: str, field: str, written: str) -> None:
    intent = parse(template.format(f=field, v=written))
    assert intent.changes == parse(template.format(f=field, v="0.5")).changes
    assert any(change == Change(op="set", value=0.5) for change in intent.changes.values()), intent


@pytest.mark.parametrize("text,field,op,value", [
    # amounts as fractions and multiples in words, for any numeric field
    ("a third of the epochs", "epochs", "mul", 1 / 3), ("dos tercios de las épocas", "epochs", "mul", 2 / 3),
    ("three quarters of the samples", "samples", "mul", 0.75), ("la décima parte del learning rate", "lr", "mul", 0.1),
    ("el cuádruple de neuronas", "width", "mul", 4), ("five times the learning rate", "lr", "mul", 5),
    ("la mitad de ruido", "noise", "mul", 0.5), ("ten times fewer samples", "samples", "mul", 0.1),
    # what a multiple applies to
    ("make the layers twice as wide", "width", "mul", 2), ("capas 3 veces más anchas", "width", "mul", 3),
    ("make the network 2 times deeper", "layers", "mul", 2),
    # settings named by what they are
    ("switch to adaptive moments", "optimizer", "set", "adam"), ("usa sgd con inercia", "optimizer", "set", "momentum"),
    ("prueba gradient descent with momentum", "optimizer", "set", "momentum"),
    ("usa la unidad lineal rectificada", "activation", "set", "relu"), ("con inercia 0.95", "momentum", "set", 0.95),
    ("add a weight penalty of 0.001", "weight_decay", "set", 0.001),
    # removing a setting
    ("get rid of the noise", "noise", "set", 0), ("quita la regularización", "weight_decay", "set", 0),
    # a network as its widths
    ("una red con capas de 64 y 32", "hidden", "set", [64, 32]),
    ("what about a 64-32 network", "hidden", "set", [64, 32]),
    ("try a network with 256, 128 and 64 units", "hidden", "set", [256, 128, 64]),
    ("96x48", "hidden", "set", [96, 48]), ("a network of two layers of 16", "hidden", "set", [16, 16]),
])
def test_grammar_classes(text: str, field: str, op: str, value) -> None:
    intent = parse(text)
    assert intent.kind == "what_if" and list(intent.changes) == [field], intent
    change = intent.changes[field]
    assert change.op == op and (change.value == value or change.value == pytest.approx(value)), intent


def test_the_parser_names_the_configs_settings() -> None:
    """The lexicon names every setting of the contract (config.SETTINGS), each one a searchable field."""
    named = {tag.value for tags in PHRASES.values() for tag, _ in tags if tag.type == "field"}
    assert named == set(SETTINGS) and set(SETTINGS) <= set(SEARCHABLE)
