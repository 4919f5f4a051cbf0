"""A sixth held-out batch, in the student's voice and Spanish first: voseo and tuteo, missing accents and
typos, numbers in words, relative changes ("la mitad", "un poco más"), questions beside commands,
negations, and follow-ups that point at the run before ("la anterior", "the last one"). None of these is
in the eval set or the other tests; the batch was written before the parser was run on it, which read 168
of its 186 right (what-ifs 102/103, other kinds 47/60, no change 19/23), then 186 after the fixes.
`KNOWN` are the misses reported with the issue (2 of 7 right before, 7 after), apart from the batch."""

import pytest
from test_held_out import RUNS, check

from tutor.dialogue import parse

# text, {field: (op, value)}
WHAT_IF = [
    # accents missing, typos
    ("baja el learning rate a 0.005 porfa", {"lr": ("set", 0.005)}),
    ("ponle 25 epocas", {"epochs": ("set", 25)}),
    ("cambia el optimizdor a adam", {"optimizer": ("set", "adam")}),
    ("sube las epocas a cien", {"epochs": ("set", 100)}),
    ("el lr a 0,03", {"lr": ("set", 0.03)}),
    ("el tamaño de lote en 48", {"batch_size": ("set", 48)}),
    ("activacion tanh porfa", {"activation": ("set", "tanh")}),
    ("regularizasion 0.001", {"weight_decay": ("set", 0.001)}),
    # voseo
    ("bajá el lr a 0.01", {"lr": ("set", 0.01)}),
    ("poné 3 capas", {"layers": ("set", 3)}),
    ("probá con tanh", {"activation": ("set", "tanh")}),
    ("usá un batch de 16", {"batch_size": ("set", 16)}),
    ("subile el ruido a 0.2", {"noise": ("set", 0.2)}),
    ("cambiá el dataset a lunas", {"dataset": ("set", "moons")}),
    ("sacale una capa", {"layers": ("add", -1)}),
    ("duplicá las épocas", {"epochs": ("mul", 2)}),
    ("agregale 10 épocas", {"epochs": ("add", 10)}),
    ("dale con 40 épocas", {"epochs": ("set", 40)}),
    # numbers in words
    ("pon el lr en cero coma cero cinco", {"lr": ("set", 0.05)}),
    ("batch de treinta y dos", {"batch_size": ("set", 32)}),
    ("entrena doscientas épocas", {"epochs": ("set", 200)}),
    ("quinientas muestras", {"samples": ("set", 500)}),
    ("usa dos mil ejemplos", {"samples": ("set", 2000)}),
    ("learning rate of zero point zero two", {"lr": ("set", 0.02)}),
    ("set epochs to twenty five", {"epochs": ("set", 25)}),
    ("three hidden layers", {"layers": ("set", 3)}),
    ("lr diez a la menos tres", {"lr": ("set", 0.001)}),
    ("three layers of sixteen", {"hidden": ("set", [16, 16, 16])}),
    ("momentum al 90%", {"momentum": ("set", 0.9)}),
    ("ruido del diez por ciento", {"noise": ("set", 0.1)}),
    ("epochs: veinte", {"epochs": ("set", 20)}),
    ("capas: dos", {"layers": ("set", 2)}),
    ("un batch de mil", {"batch_size": ("set", 1000)}),
    ("batch 2 a la 7", {"batch_size": ("set", 128)}),
    ("cuarenta y cinco épocas", {"epochs": ("set", 45)}),
    # relative changes
    ("la mitad de batch", {"batch_size": ("mul", 0.5)}),
    ("el lr a la mitad otra vez", {"lr": ("mul", 0.5)}),
    ("un poco más de ruido, 0.15", {"noise": ("set", 0.15)}),
    ("el doble de capas", {"layers": ("mul", 2)}),
    ("la mitad de ruido", {"noise": ("mul", 0.5)}),
    ("dos veces más épocas", {"epochs": ("mul", 2)}),
    ("10 épocas menos", {"epochs": ("add", -10)}),
    ("cinco épocas más", {"epochs": ("add", 5)}),
    ("añade otra capa", {"layers": ("add", 1)}),
    ("una capa menos", {"layers": ("add", -1)}),
    ("quítale una capa", {"layers": ("add", -1)}),
    ("un tercio del lr", {"lr": ("mul", 1 / 3)}),
    ("lr dividido entre 4", {"lr": ("mul", 0.25)}),
    ("divide el batch entre dos", {"batch_size": ("mul", 0.5)}),
    ("multiplica las neuronas por 4", {"width": ("mul", 4)}),
    ("ancho x3", {"width": ("mul", 3)}),
    ("el batch por cuatro", {"batch_size": ("mul", 4)}),
    ("el lr entre 2", {"lr": ("mul", 0.5)}),
    ("sube el lr un 10%", {"lr": ("mul", 1.1)}),
    ("baja el ruido un 50 por ciento", {"noise": ("mul", 0.5)}),
    ("reduce el batch a un cuarto", {"batch_size": ("mul", 0.25)}),
    ("el triple de neuronas", {"width": ("mul", 3)}),
    ("half as many neurons", {"width": ("mul", 0.5)}),
    ("use a quarter of the data", {"samples": ("mul", 0.25)}),
    ("lr a bit lower, 0.002", {"lr": ("set", 0.002)}),
    # Spanglish
    ("cambia el learning rate a 0.01 y las epochs a 30", {"lr": ("set", 0.01), "epochs": ("set", 30)}),
    ("pon el batch size en 64", {"batch_size": ("set", 64)}),
    ("usa adam con un lr de 3e-4", {"optimizer": ("set", "adam"), "lr": ("set", 3e-4)}),
    ("try con 50 epochs", {"epochs": ("set", 50)}),
    ("set el noise a 0.1", {"noise": ("set", 0.1)}),
    ("más layers, 5", {"layers": ("set", 5)}),
    ("el weight decay en 1e-4 please", {"weight_decay": ("set", 1e-4)}),
    # English
    ("drop the batch size to 8", {"batch_size": ("set", 8)}),
    ("let's use 3 hidden layers of 32", {"hidden": ("set", [32, 32, 32])}),
    ("bump epochs to 150", {"epochs": ("set", 150)}),
    ("make it 2 layers", {"layers": ("set", 2)}),
    ("no noise please", {"noise": ("set", 0)}),
    ("switch the data to moons", {"dataset": ("set", "moons")}),
    ("ok now try sigmoid", {"activation": ("set", "sigmoid")}),
    # follow-ups that point at the run before
    ("igual que la anterior pero con lr 0.1", {"lr": ("set", 0.1)}),
    ("same as the last one but with 64 neurons", {"width": ("set", 64)}),
    ("repite la última con batch 32", {"batch_size": ("set", 32)}),
    ("run the last one again with tanh", {"activation": ("set", "tanh")}),
    ("otra vez pero con 100 épocas", {"epochs": ("set", 100)}),
    ("lo mismo con adam", {"optimizer": ("set", "adam")}),
    ("y ahora con relu", {"activation": ("set", "relu")}),
    ("and with 10x the noise?", {"noise": ("mul", 10)}),
    ("de nuevo, ahora con el doble de datos", {"samples": ("mul", 2)}),
    # negations and corrections
    ("no uses momentum", {"momentum": ("set", 0)}),
    ("sin weight decay", {"weight_decay": ("set", 0)}),
    ("no quiero tantas épocas, 20 bastan", {"epochs": ("set", 20)}),
    ("lr 0.01, not 0.1", {"lr": ("set", 0.01)}),
    ("en vez de adam, sgd", {"optimizer": ("set", "sgd")}),
    ("no toques el lr y sube las épocas a 80", {"epochs": ("set", 80)}),
    ("don't change anything else, just 3 layers", {"layers": ("set", 3)}),
    ("batch 64, no, mejor 128", {"batch_size": ("set", 128)}),
    # questions that ask for a run
    ("¿qué pasa si pongo el lr en 2?", {"lr": ("set", 2)}),
    ("¿y si uso 8 neuronas?", {"width": ("set", 8)}),
    ("what happens with a batch of 2?", {"batch_size": ("set", 2)}),
    ("¿funcionaría mejor con tanh?", {"activation": ("set", "tanh")}),
    ("¿mejoraría con más datos, tipo 3000?", {"samples": ("set", 3000)}),
    ("¿y con 5 capas qué pasa?", {"layers": ("set", 5)}),
    # several changes
    ("lr 0.05, momentum 0.9 y 60 épocas", {"lr": ("set", 0.05), "momentum": ("set", 0.9), "epochs": ("set", 60)}),
    ("tanh, 2 capas de 32 y lr 0.01",
     {"activation": ("set", "tanh"), "hidden": ("set", [32, 32]), "lr": ("set", 0.01)}),
    ("baja el lr a la mitad y sube las épocas a 100", {"lr": ("mul", 0.5), "epochs": ("set", 100)}),
    ("double the width and halve the lr", {"width": ("mul", 2), "lr": ("mul", 0.5)}),
    ("espiral, ruido 0.2", {"dataset": ("set", "spiral"), "noise": ("set", 0.2)}),
    ("usa círculos con 1000 puntos", {"dataset": ("set", "circles"), "samples": ("set", 1000)}),
]

# text, kind, what else the intent must hold (see test_held_out.check)
OTHER = [
    # the student's runs, side by side
    ("¿cuál corrida fue peor?", "compare", {}),
    ("compara las dos últimas", "compare", {}),
    ("compárala con la anterior", "compare", {}),
    ("how did it do vs the previous one?", "compare", {}),
    ("¿cuál de mis corridas tuvo mejor precisión?", "compare", {}),
    ("which run had the lowest loss?", "compare", {}),
    ("¿qué run fue mejor, la primera o la segunda?", "compare", {}),
    # alternatives to compare or to search
    ("relu o sigmoid, ¿cuál es mejor?", "compare", {"values": {"activation": ["relu", "sigmoid"]}}),
    ("compara lr 0.1 y 0.01", "compare", {"values": {"lr": [0.1, 0.01]}}),
    ("compara 2 y 3 capas", "compare", {"values": {"layers": [2, 3]}}),
    ("compare batch 16 vs 64", "compare", {"values": {"batch_size": [16, 64]}}),
    ("haz un barrido del lr de 0.001 a 0.1", "sweep", {"bounds": {"lr": (0.001, 0.1)}}),
    ("busca el mejor momentum", "sweep", {"fields": ["momentum"]}),
    ("prueba varias activaciones", "sweep", {"fields": ["activation"]}),
    ("barrido aleatorio de lr y batch con 12 pruebas", "sweep", {"method": "random", "trials": 12}),
    ("prueba lr 0.1, 0.03 y 0.01", "sweep", {"values": {"lr": [0.1, 0.03, 0.01]}}),
    ("search over 1, 2 and 3 layers", "sweep", {"values": {"layers": [1, 2, 3]}}),
    ("bayesian search on the lr, 30 trials", "sweep", {"method": "bayes", "trials": 30}),
    ("find the best batch size between 8 and 256", "sweep", {"bounds": {"batch_size": (8, 256)}}),
    ("¿qué learning rate me conviene?", "lr_find", {}),
    ("encuentra el lr bueno", "lr_find", {}),
    ("what lr should I use?", "lr_find", {}),
    # why the run went as it did
    ("por que se fue a nan?", "why", {}),
    ("xq no aprende", "why", {}),
    ("why is the val loss going up?", "why", {}),
    ("¿por qué la red no mejora?", "why", {}),
    ("explica por qué divergió la anterior", "why", {}),
    ("what went wrong with the last run?", "why", {}),
    # what an idea is
    ("que es el momentum", "why", {"concept": "momentum"}),
    ("¿qué es un batch?", "why", {"concept": "batch_size"}),
    ("para que sirve la regularizacion", "why", {"concept": "weight_decay"}),
    ("what does the optimizer do?", "why", {"concept": "optimizer"}),
    ("¿adam necesita momentum?", "why", {"concept": "adam"}),
    # navigation
    ("siguiente porfa", "next", {}),
    ("sigamos con la lección", "next", {}),
    ("ok, next one", "next", {}),
    ("volvé atrás", "back", {}),
    ("vuelve al paso de antes", "back", {}),
    ("no entendi nada", "repeat", {}),
    ("¿me lo repites?", "repeat", {}),
    ("ni idea, ayudame", "hint", {}),
    ("¿qué debería probar ahora?", "hint", {}),
    ("what should I change?", "hint", {}),
    ("como funciona esto?", "help", {}),
    ("¿qué comandos hay?", "help", {}),
    ("resetea el batch", "reset", {"fields": ["batch_size"]}),
    ("vuelve a los valores por defecto", "reset", {}),
    ("reset the noise and the lr", "reset", {"fields": ["noise", "lr"]}),
    ("llevame a la leccion del learning rate", "goto", {"topic": "lr"}),
    ("quiero aprender sobre arquitectura", "goto", {"topic": "architecture"}),
    ("teach me about overfitting", "goto", {"topic": "training"}),
    # answers to the lesson's question, and the class exercise
    ("la b, creo", "answer", {"answer": "b"}),
    ("es la primera", "answer", {"answer": "a"}),
    ("the third one", "answer", {"answer": "c"}),
    ("opción d", "answer", {"answer": "d"}),
    ("yo diría que va a diverger", "answer", {}),
    ("diría 0.9", "answer", {"answer": 0.9}),
    ("verdadero", "answer", {"answer": "true"}),
    ("¿en qué puesto voy?", "exercise", {}),
    ("show me the leaderboard", "exercise", {}),
]

# the misses reported with the issue: text, kind, what the intent must hold (changes as in WHAT_IF)
KNOWN = [
    ("¿el momentum ayuda con sgd?", "why", {"concept": "momentum"}),
    ("which run diverged?", "compare", {}),
    ("¿cuál de mis runs divergió?", "compare", {}),
    ("compara 1, 2 y 4 capas", "compare", {"values": {"layers": [1, 2, 4]}}),
    ("hidden x2", "what_if", {"hidden": ("mul", 2)}),
    ("capas ocultas x2", "what_if", {"layers": ("mul", 2)}),
    ("width x2", "what_if", {"width": ("mul", 2)}),
]

# messages that must start no run and change nothing
NOT_A_CHANGE = [
    "¿el lr de 0.1 es muy alto?", "¿cuántas épocas tiene la corrida?", "la anterior tenía lr 0.01",
    "the last one had 3 layers", "ayer probé con 500 épocas", "con tanh me fue peor",
    "¿tanh es mejor para redes profundas?", "¿para qué sirve el ruido en los datos?",
    "what's the point of momentum?", "no sé qué es una época", "gracias, ya está claro", "buenas, soy Ana",
    "me voy a comer, vuelvo en 10 minutos", "tengo 2 preguntas sobre el lr", "¿el batch size afecta la velocidad?",
    "does more data always help?", "¿por qué 0.01 y no 0.1?", "ok, entiendo", "jeje ok",
    "el modelo anterior era mejor", "la primera corrida tenía 16 neuronas", "¿sirve de algo el weight decay aquí?",
    "is adam always better than sgd?",
]


@pytest.mark.parametrize("text, want", WHAT_IF)
def test_what_if(text: str, want: dict) -> None:
    intent = parse(text)
    assert check(intent, "what_if", want), (text, intent)


@pytest.mark.parametrize("text, kind, want", OTHER)
def test_other_kinds(text: str, kind: str, want: dict) -> None:
    intent = parse(text)
    assert check(intent, kind, want), (text, intent)


@pytest.mark.parametrize("text, kind, want", KNOWN)
def test_the_misses_reported(text: str, kind: str, want: dict) -> None:
    intent = parse(text)
    assert check(intent, kind, want) and (kind == "what_if" or not intent.changes), (text, intent)


@pytest.mark.parametrize("text", NOT_A_CHANGE)
def test_no_run_and_no_change(text: str) -> None:
    intent = parse(text)
    assert intent.kind not in RUNS and not intent.changes, (text, intent)
