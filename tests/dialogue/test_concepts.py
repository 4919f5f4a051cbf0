"""Questions about what an idea is ("qué es un epoch", "define overfitting") in both languages, as students
type them (accents missing, typos), answered with the idea: what it is, what it trades off, its usual
values and the lesson that covers it, in words (no codes, flags or setting keys), tied to the last run."""

import json
import re
import unicodedata
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tutor.cli import main
from tutor.config import ExperimentConfig
from tutor.diagnose import explain
from tutor.diagnose.rules import CODES
from tutor.dialogue.glossary import define, lesson_for
from tutor.dialogue.intent import Concept
from tutor.dialogue.parse import names, parse
from tutor.dialogue.tutor import Tutor
from tutor.engine.training import train
from tutor.fmt import pct
from tutor.i18n import LANGS, t

CONCEPTS = get_args(Concept)
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")  # batch_size, weight_decay, leaky_relu: names for programs
COMMAND = {"es": re.compile(r"«(ve a la lección de [^»]+)»"), "en": re.compile(r'"(go to the lesson on [^"]+)"')}

ASKED = [  # (message, concept): each row a class of phrasing
    ("qué es un epoch", "epochs"), ("qué es una época", "epochs"), ("que es una epoca", "epochs"),
    ("what is an epoch", "epochs"), ("what's an epoch?", "epochs"), ("whats an epoch", "epochs"),
    ("what's a batch", "batch_size"), ("explícame el batch size", "batch_size"),
    ("explicame el tamaño del lote", "batch_size"), ("qué significa learning rate", "lr"),
    ("que significa la tasa de aprendizaje", "lr"), ("what is the learning rate", "lr"),
    ("para qué sirve el momentum", "momentum"), ("qué es momentum", "momentum"),
    ("what does momentum do?", "momentum"), ("what does weight decay do", "weight_decay"),
    ("qué es la regularización", "weight_decay"), ("define overfitting", "overfitting"),
    ("qué es el sobreajuste", "overfitting"), ("que es el sobreajste", "overfitting"),
    ("what is overfiting", "overfitting"), ("¿qué es el subajuste?", "underfitting"),
    ("what is underfitting", "underfitting"), ("qué es adam", "adam"), ("what is sgd", "sgd"),
    ("qué es el descenso de gradiente", "sgd"), ("what is the optimizer", "optimizer"),
    ("que es un optimizador", "optimizer"), ("qué es la pérdida", "loss"), ("what is the loss function", "loss"),
    ("que es la perdida", "loss"), ("qué son los parámetros", "parameters"), ("what are weights", "parameters"),
    ("qué es un hiperparámetro", "hyperparameter"), ("what is a hyperparameter", "hyperparameter"),
    ("que es un hiperparametro", "hyperparameter"), ("qué es la validación", "validation"),
    ("que es la validacion", "validation"), ("what is the validation set", "validation"),
    ("what is a gradient", "gradient"), ("qué es el gradiente", "gradient"), ("qué es el entrenamiento", "training"),
    ("what is grid search", "grid"), ("qué es la búsqueda en rejilla", "grid"), ("what is random search", "random"),
    ("qué es la búsqueda aleatoria", "random"), ("qué es la búsqueda bayesiana", "bayes"),
    ("what is bayesian optimization", "bayes"), ("what is automl", "automl"), ("qué es el AutoML", "automl"),
    ("qué es un barrido", "tuning"), ("what is hyperparameter tuning", "tuning"), ("what is relu", "activation"),
    ("qué es la función de activación", "activation"), ("what is the width", "width"),
    ("what is a hidden layer", "layers"), ("qué es la arquitectura", "hidden"), ("qué es moons", "dataset"),
    ("what is the noise", "noise"), ("qué es el ruido", "noise"), ("cuántas épocas", "epochs"),
    ("how many epochs", "epochs"), ("define the batch size", "batch_size"), ("explain the learning rate", "lr"),
    ("meaning of momentum", "momentum"), ("qué quiere decir sobreajuste", "overfitting"),
    ("explícame el sobreajuste", "overfitting"), ("¿para qué sirve el momentum?", "momentum"),  # the help's examples
]

NOT_ASKED = [  # (message, kind): why a run went as it did, a change, a search
    ("why did the lr diverge", "why"), ("explica por qué divergió", "why"), ("what does that mean", "why"),
    ("explain why the learning rate was too high", "why"), ("qué significa eso", "why"),
    ("qué pasa si uso un epoch", "what_if"), ("what if the batch were 1", "what_if"), ("what is 2 epochs", "what_if"),
    ("¿cuál es el mejor learning rate?", "lr_find"), ("what is a good learning rate", "lr_find"),
    ("haz una búsqueda en grid del learning rate", "sweep"), ("random search over lr with 20 trials", "sweep"),
]

# surface forms of a few concepts, for the generated phrasings
FORMS = {
    "es": {"epochs": ["época", "epoch", "épocas"], "overfitting": ["sobreajuste", "overfitting"],
           "lr": ["learning rate", "tasa de aprendizaje", "lr"], "batch_size": ["batch", "tamaño del batch", "lote"],
           "weight_decay": ["weight decay", "decaimiento de pesos"],
           "validation": ["validación", "conjunto de validación"],
           "adam": ["adam"], "hyperparameter": ["hiperparámetro"], "loss": ["pérdida", "función de pérdida"]},
    "en": {"epochs": ["epoch", "epochs"], "overfitting": ["overfitting"], "lr": ["learning rate", "lr", "step size"],
           "batch_size": ["batch", "batch size", "minibatch"], "weight_decay": ["weight decay", "l2 regularization"],
           "validation": ["validation", "validation set"], "adam": ["adam"], "hyperparameter": ["hyperparameter"],
           "loss": ["loss", "loss function"]},
}
TEMPLATES = {
    "es": ["qué es {a} {x}", "¿qué es {a} {x}?", "que es {a} {x}", "qué significa {x}", "explícame {a} {x}",
           "para qué sirve {a} {x}", "define {x}", "¿Qué es {a} {x}?"],
    "en": ["what is {a} {x}", "what's {a} {x}?", "whats {a} {x}", "define {x}", "explain {a} {x}",
           "what does {a} {x} do", "What is {a} {x}?"],
}
ARTICLES = {"es": ["el", "la", "un", "una", ""], "en": ["the", "a", "an", ""]}


def plain(text: str) -> str:
    """The message typed without accents."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@pytest.mark.parametrize("text, concept", ASKED)
def test_a_question_about_an_idea_names_it(text: str, concept: str) -> None:
    intent = parse(text)
    assert (intent.kind, intent.concept, intent.changes) == ("why", concept, {}), (text, intent)


@pytest.mark.parametrize("text, kind", NOT_ASKED)
def test_why_a_run_went_wrong_and_changes_are_no_definition(text: str, kind: str) -> None:
    intent = parse(text)
    assert intent.kind == kind and intent.concept is None, (text, intent)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LANGS), st.data())
def test_generated_phrasings_name_the_idea(lang, data) -> None:
    concept = data.draw(st.sampled_from(sorted(FORMS[lang])))
    template, article = data.draw(st.sampled_from(TEMPLATES[lang])), data.draw(st.sampled_from(ARTICLES[lang]))
    text = template.format(a=article, x=data.draw(st.sampled_from(FORMS[lang][concept])))
    if data.draw(st.booleans()):
        text = plain(text)
    intent = parse(text, default_lang=lang)
    assert (intent.kind, intent.concept, intent.changes) == ("why", concept, {}), (text, intent)


def test_the_eval_path_reads_the_concept_and_answers_with_it(capsys) -> None:
    """`tutor ask --json --no-run`, with no run yet: the definition, not "no run to explain"."""
    for text, lang in (("qué es un epoch", "es"), ("what is an epoch", "en")):
        assert main(["ask", "--lang", lang, "--json", "--no-run", "--", text]) == 0
        out = json.loads(capsys.readouterr().out)
        intent, reply = out["intent"], out["reply"]
        assert intent["kind"] == "why" and intent["concept"] == "epochs" and not intent["changes"]
        assert reply.startswith(t("concept.epochs.what", lang)) and t("dialogue.no_run", lang) not in reply


def test_each_front_matter_entry_names_at_most_one_idea() -> None:
    """How lessons are matched to ideas: "ruido del gradiente" is neither the noise nor the gradient."""
    assert names("sobreajuste") == "overfitting" and names("más datos") == "samples" and names("SGD") == "sgd"
    assert names("Bayesian optimisation") == "bayes" and names("capas ocultas") == "layers"
    assert names("ruido del gradiente") is None and names("actualizaciones por época") is None
    assert names("gradientes que se desvanecen") is None and names("early stopping") is None


@pytest.mark.parametrize("lang", LANGS)
def test_every_idea_is_defined_in_words_with_its_lesson(course, lang) -> None:
    codes = re.compile(rf"\b({'|'.join(c for c in CODES if '_' in c)})\b")
    for concept in CONCEPTS:
        text = define(concept, lang, course)
        for part in ("what", "trade", "typical"):
            assert t(f"concept.{concept}.{part}", lang) in text
        assert not SNAKE.search(text) and "--" not in text and not codes.search(text), (concept, text)
        lesson = lesson_for(concept, course, lang)
        assert (lesson is None) == (concept in ("dataset", "noise")), concept  # no lesson teaches these two
        if lesson is not None:
            assert lesson.title in text, (concept, text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_lesson_named_is_the_one_its_words_open(store, course, lang) -> None:
    """What the answer tells the student to type opens the lesson it names, in the tutor as in the app."""
    tutor = Tutor(store, "ana", lang, course)
    opened = {}
    for concept in CONCEPTS:
        lesson = lesson_for(concept, course, lang)
        if lesson is None:
            continue
        [command] = COMMAND[lang].findall(define(concept, lang, course))
        reply = tutor.handle(command)
        assert reply.intent.kind == "goto" and tutor.lesson_id == lesson.id, (concept, command, reply.intent)
        assert lesson.title in reply.text
        opened[concept] = lesson.id
    assert opened["overfitting"] == "overfitting" and opened["optimizer"] == "optimizers"  # by its concepts,
    assert opened["gradient"] == "training" and opened["bayes"] == "tuning"  # not only its topic


@pytest.mark.slow  # trains one small network
@pytest.mark.parametrize("lang", LANGS)
def test_the_answer_ties_the_idea_to_the_last_run_with_its_numbers(store, course, lang) -> None:
    run = train(ExperimentConfig(lr=0.05, samples=300, epochs=6))
    diagnoses = explain(run, lang)
    tutor = Tutor(store, "ana", lang, course)
    tutor.run_ids = [store.add_run("ana", run, [d.model_dump(mode="json") for d in diagnoses])]
    best = pct(max(e.val_acc for e in run.history))
    words = {"es": ("qué es el learning rate", "qué es el sobreajuste", "qué son los parámetros"),
             "en": ("what is the learning rate", "what is overfitting", "what are the parameters")}[lang]
    lr, overfitting, parameters = (tutor.handle(text) for text in words)
    assert all(r.run is None for r in (lr, overfitting, parameters))  # a question trains nothing
    last = lr.text.splitlines()[-1]
    assert "0.05" in last and best in last and t(f"diagnose.name.{diagnoses[0].code}", lang) in last
    assert f"{run.history[-1].val_loss:.3g}" in overfitting.text.splitlines()[-1]
    assert str(run.n_params) in parameters.text and str(run.n_train) in parameters.text
    for reply in (lr, overfitting, parameters):
        assert not SNAKE.search(reply.text) and "--" not in reply.text, reply.text


@pytest.mark.slow  # trains one small network
@pytest.mark.parametrize("lang", LANGS)
def test_the_last_run_line_of_a_diverged_run_says_where_and_why_it_stopped(course, lang) -> None:
    """Set for 20 epochs and blown up in the first: the line says it stopped at epoch 1 of 20 and why, never
    "epoch 1 of 1"."""
    run = train(ExperimentConfig(optimizer="sgd", lr=50, samples=300, epochs=20))
    assert run.status == "diverged" and run.diverged_at is not None
    last = define("lr", lang, course, run, explain(run, lang)).splitlines()[-1]
    stopped = {"es": f"paró en la época {run.diverged_at.epoch} de 20 porque", "en":
               f"stopped at epoch {run.diverged_at.epoch} of 20 because"}[lang]
    assert stopped in last and t(f"diagnose.reason.{run.diverged_at.reason}", lang) in last, last
    assert f" {len(run.history)} {'de' if lang == 'es' else 'of'} {len(run.history)}" not in last
    assert not SNAKE.search(last) and "{" not in last


@pytest.mark.slow  # trains one small network
@pytest.mark.parametrize("lang", LANGS)
def test_the_last_run_line_of_a_cancelled_run_says_so(course, lang) -> None:
    epochs: list[int] = []
    run = train(ExperimentConfig(samples=300, epochs=20), on_epoch=lambda e: epochs.append(e.epoch),
                should_stop=lambda: len(epochs) >= 3)
    assert run.status == "cancelled"
    last = define("epochs", lang, course, run, explain(run, lang)).splitlines()[-1]
    assert f" {run.history[-1].epoch} {'de' if lang == 'es' else 'of'} 20 " in last
    assert last.endswith(t("concept.run.cancelled", lang) + "."), last


@pytest.mark.slow  # trains one small network
@pytest.mark.parametrize("lang", LANGS)
def test_a_setting_asked_by_its_config_name_is_tied_to_the_last_run(course, lang) -> None:
    """ "what does val_fraction mean?": the validation share, the seed and the classes of the last run, in numbers."""
    run = train(ExperimentConfig(samples=300, epochs=2, val_fraction=0.25, seed=7))
    share, seed, classes = (define(c, lang, course, run).splitlines()[-1] for c in ("val_fraction", "seed", "classes"))
    assert f"{run.n_val} " in share and f"{run.n_train}." in share and "25%" in share, share
    assert " 7" in seed and " 2 " in classes and "50%" in classes, (seed, classes)
