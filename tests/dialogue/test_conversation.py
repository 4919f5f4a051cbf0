"""Scripted conversations through the real Tutor, engine and rule engine, in both languages."""

import json
import re

import pytest

from tutor.cli import main
from tutor.diagnose import explain
from tutor.dialogue.tutor import Tutor
from tutor.engine.result import Metrics, RunResult
from tutor.engine.training import train
from tutor.i18n import t
from tutor.settings import Settings
from tutor.store import Store

SMALL = {"samples": 300, "epochs": 6}  # one network shape for every turn: one JIT capture


@pytest.fixture
def tutor(isolated_home):
    t = Tutor(Store(Settings.from_env().store), "ana")
    t.config = t.config.changed(**SMALL)
    return t


SCRIPTS = {
    "en": ["what if the learning rate were 10?", "why?", "halve it", "halve it", "compare", "reset"],
    "es": ["¿y si el learning rate fuera 10?", "¿por qué?", "a la mitad", "otra vez a la mitad", "compara", "reinicia"],
}


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_diverge_why_halve_compare_reset(tutor, lang):
    first, why, half, quarter, comparison, reset = (tutor.handle(text) for text in SCRIPTS[lang])
    assert first.lang == lang and first.run.config.lr == 10
    assert first.run.status == "diverged" and first.diagnoses[0].code == "diverged"
    assert "10" in first.text and first.suggestion
    assert why.intent.kind == "why" and why.diagnoses[0].code == "diverged" and why.text
    assert half.run.config.lr == 5 and half.comparison is not None
    if half.run.status == "diverged":  # two blown-up runs: say so, do not rank their losses
        assert not any(word in half.comparison.lines[0] for word in ("better", "worse", "mejor", "peor"))
    assert quarter.run.config.lr == 2.5 and "5" in quarter.comparison.message
    assert comparison.intent.kind == "compare" and comparison.comparison.changes["lr"] == [5, 2.5]
    assert reset.intent.kind == "reset" and tutor.config.lr == 0.01 and tutor.run_ids == []


def test_out_of_range_is_refused_with_the_range_not_clamped(tutor):
    reply = tutor.handle("what if the learning rate were 5000?")
    assert reply.run is None and "1000" in reply.text and tutor.config.lr == 0.01


@pytest.mark.parametrize("text", ["pon el lr en -3", "set the lr to -3", "lr en -3"])
def test_a_negative_value_to_set_is_refused_with_the_range_never_read_as_a_relative_change(tutor, text):
    reply = tutor.handle(text)
    assert reply.intent.changes["lr"].op == "set" and reply.run is None
    assert "1000" in reply.text and tutor.config.lr == 0.01 and not tutor.run_ids


def test_undo_restores_the_settings_before_the_last_change_and_trains_nothing(tutor):
    nothing = tutor.handle("deshaz el último cambio")
    assert nothing.text == t("dialogue.more.nothing_to_undo", "es") and tutor.config.lr == 0.01

    def ran(lr: float) -> int:  # a run stored with these settings (undo reads only its config)
        run = RunResult(config=tutor.config.changed(lr=lr), status="completed", history=[], step_losses=[],
                        init=Metrics(train_loss=0.7, val_loss=0.7, train_acc=0.5, val_acc=0.5), steps_per_epoch=1,
                        batch_size_used=32, n_train=240, n_val=60, n_params=1, device="CPU", seconds=0, train_seconds=0)
        return tutor.store.add_run("ana", run, [])

    tutor.run_ids = [ran(0.1), ran(0.05)]
    tutor.config = tutor.config.changed(lr=0.05)
    undone = tutor.handle("vuelve a los valores de antes")
    assert undone.intent.kind == "undo" and undone.run is None and tutor.config.lr == 0.1 and "0.1" in undone.text
    assert len(tutor.run_ids) == 2 and tutor.config.epochs == SMALL["epochs"]
    tutor.config = tutor.config.changed(lr=0.3)  # changed since the last run, not trained: back to that run's
    assert tutor.handle("undo").intent.lang == "en" and tutor.config.lr == 0.05


@pytest.mark.parametrize(("text", "lang"), [("salir", "es"), ("adiós", "es"), ("quit", "en"), ("exit", "en")])
def test_leaving_in_words_says_how_to_leave(tutor, text, lang):
    reply = tutor.handle(text)
    assert reply.intent.kind == "quit" and reply.text == t("dialogue.more.quit", lang) and "ctrl+q" in reply.text


def test_a_field_without_a_value_asks_which(tutor):
    reply = tutor.handle("cambia el learning rate")
    assert reply.intent.kind in ("clarify", "unknown") and reply.run is None


@pytest.mark.parametrize("said, yes, step", [
    ("el lr está muy alto", "sí", {"lr": 0.003}), ("the lr is too high", "yes", {"lr": 0.003}),
    ("baja el lr", "sí", {"lr": 0.003}), ("too few epochs", "yes", {"epochs": 12}),
    ("demasiadas épocas", "sí", {"epochs": 3}), ("make it deeper", "yes", {"hidden": (32, 32, 32)}),
    ("el modelo es muy pequeño", "sí", {"hidden": (64, 64)}), ("the model is too big", "yes", {"hidden": (16, 16)}),
])
def test_a_setting_to_move_without_a_value_is_offered_a_usual_step(tutor, said, yes, step):
    """ "el lr está muy alto" asks to lower it, as "baja el lr" does: how far is asked, a usual step proposed
    (nothing trained), and a yes asks for that step; a yes to nothing proposed changes nothing."""
    offer = tutor.handle(said, run=False)
    assert offer.intent.kind == "clarify" and offer.run is None and offer.suggestion == step, offer
    assert all(str(v) in offer.text for v in step.values() if not isinstance(v, tuple)), offer.text
    agreed = tutor.handle(yes, run=False)
    assert agreed.intent.kind == "what_if" and tutor.config.diff(tutor.changed(agreed.intent)).keys() == step.keys()
    assert all(getattr(tutor.changed(agreed.intent), f) == v for f, v in step.items()), agreed
    assert tutor.handle(yes, run=False).intent.kind != "what_if"


def test_layers_and_width_edit_the_hidden_layers(tutor):
    from tutor.dialogue.intent import Change
    from tutor.dialogue.tutor import apply

    cfg = tutor.config
    assert apply(cfg, {"layers": Change(op="add", value=-1)}, "en").hidden == (32,)
    assert apply(cfg, {"width": Change(op="mul", value=2)}, "en").hidden == (64, 64)
    assert apply(cfg, {"hidden": Change(op="add", value=[8])}, "en").hidden == (32, 32, 8)
    assert apply(cfg, {"batch_size": Change(op="mul", value=0.5)}, "en").batch_size == 16


@pytest.mark.slow
def test_state_survives_between_processes(isolated_home, capsys):
    assert main(["ask", "--json", "--", "4 épocas y 300 ejemplos"]) == 0
    capsys.readouterr()
    assert main(["ask", "--json", "--", "lr 0.05"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["run"]["config"]["lr"] == 0.05 and first["intent"]["kind"] == "what_if"
    assert main(["ask", "--json", "--lang", "en", "--", "double it"]) == 0
    second = json.loads(capsys.readouterr().out)
    assert second["run"]["config"]["lr"] == 0.1 and second["run"]["config"]["epochs"] == 4
    assert main(["ask", "--json", "--", "compare"]) == 0
    assert json.loads(capsys.readouterr().out)["intent"]["kind"] == "compare"


def test_no_run_only_parses(isolated_home, capsys):
    assert main(["ask", "--no-run", "--json", "--", "batch de 4"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["run"] is None and doc["intent"]["changes"] == {"batch_size": {"op": "set", "value": 4}}
    assert Store(Settings.from_env().store).runs() == []


@pytest.mark.slow
def test_a_lesson_quiz_and_prediction_are_graded_and_recorded(tutor):
    tutor.handle("go to the lesson on the learning rate")
    lesson = tutor.lesson()
    assert lesson is not None and "lr" in lesson.topics
    from tutor.lessons import Predict

    tutor.step = next(i for i, s in enumerate(lesson.steps) if isinstance(s.blocks[0], Predict))
    assert isinstance(tutor.flow.gate, Predict) or tutor.handle("next").shown.items
    reply = tutor.handle("a")
    assert reply.run is not None and reply.text.split()[0] in ("Right!", "Not", "¡Correcto!", "No")
    events = Store(Settings.from_env().store).progress("ana")
    assert events[-1]["kind"] == "predict" and events[-1]["correct"] in (0, 1)


@pytest.mark.slow
def test_a_search_asked_in_words_runs_stores_and_suggests_the_best(tutor):
    reply = tutor.handle("haz una búsqueda en grid del learning rate con 0.001, 0.01 y 0.1")
    assert reply.intent.kind == "sweep" and reply.text.startswith("Búsqueda en rejilla")
    assert len(Store(Settings.from_env().store).runs("ana")) == 3
    assert reply.suggestion is None or set(reply.suggestion) <= {"lr"}


def test_next_waits_for_the_open_question_and_goes_on_once_it_is_answered(tutor):
    from tutor.i18n import t
    from tutor.lessons import Quiz

    opened = tutor.handle("teach me the basics of training")
    choice = tutor.flow.gate
    assert isinstance(choice, Quiz) and opened.shown.heading and choice.question.split()[0] in opened.text
    waiting = tutor.handle("next")
    assert waiting.text.startswith(t("dialogue.more.pick_letter", waiting.lang, last="abcdef"[len(choice.choices) - 1]))
    assert tutor.flow.gate is choice
    right = next(i for i, c in enumerate(choice.choices) if c.correct)
    tutor.handle(str(right + 1))
    number = tutor.flow.gate
    assert isinstance(number, Quiz) and number.answer is not None
    assert tutor.handle("next").text.startswith(t("dialogue.more.want_number", waiting.lang))
    assert tutor.handle(f"{number.answer:g}").shown.settled and tutor.flow.finished
    tutor.handle("next")
    progress = Store(Settings.from_env().store).progress("ana")
    assert [e["kind"] for e in progress] == ["quiz", "quiz", "done"] and tutor.step == 1


def test_no_run_never_trains_whatever_the_kind(isolated_home, capsys):
    for text in ("haz una búsqueda en grid del learning rate", "find a good learning rate", "lr 0.3"):
        assert main(["ask", "--no-run", "--json", "--", text]) == 0
        assert json.loads(capsys.readouterr().out)["run"] is None
    assert Store(Settings.from_env().store).runs() == []


@pytest.mark.parametrize("switch", [False, True])
def test_a_student_who_comes_back_finds_the_step_as_they_left_it(tutor, switch):
    """Quitting (or switching language) mid-step: the step shows what was read, the answers given, and the
    question that was open, still open; not the step from its top."""
    from tutor.lessons import Quiz

    tutor.handle("teach me the basics of training")
    choice = tutor.flow.gate
    right = next(i for i, c in enumerate(choice.choices) if c.correct)
    tutor.handle(str(right + 1))
    number = tutor.flow.gate
    place = tutor.flow.shown
    if switch:  # F4: the same tutor, the other language
        tutor.fixed_lang = tutor.lang = "es"
        back = tutor
    else:
        back = Tutor(Store(Settings.from_env().store), "ana")
    shown = back.start().shown
    assert shown.resumed and len(shown.items) == place and shown.heading
    assert isinstance(shown.items[-1], Quiz) and shown.items[-1].answer == number.answer  # open, in view at the end
    [(at, answer)] = shown.answered.items()
    assert isinstance(shown.items[at], Quiz) and (answer.chosen, answer.right) == (right, [right])
    assert back.flow.gate is shown.items[-1]
    assert back.handle(f"{number.answer:g}").shown.settled  # graded against the question that was open
    assert [e["kind"] for e in Store(Settings.from_env().store).progress("ana")] == ["quiz", "quiz"]


SETTING_KEY = re.compile(r"\b(?:lr|[a-z]+_[a-z_]+|sweep|bayes)\b")  # keys and method names for programs


@pytest.mark.parametrize(("lang", "texts"), [
    ("es", ["reinicia el lr", "empieza de cero", "prueba lr entre 0.001 y 0.1", "busca el mejor learning rate"]),
    ("en", ["reset the lr", "start over", "try lr between 0.001 and 0.1", "find the best learning rate"]),
])
def test_settings_read_as_words_not_keys(tutor, lang, texts):
    """Resets and planned searches name settings as a student says them, never as the keys a program uses."""
    for text in texts:
        reply = tutor.handle(text, run=False)
        assert reply.text and not SETTING_KEY.search(reply.text.replace("learning rate (lr)", "")), (text, reply.text)


@pytest.mark.parametrize(("text", "said"), [
    ("busca el learning rate entre 0.1 y 5000", "el learning rate (lr) 5000: debe ser > 0 y ≤ 1000"),
    ("search the learning rate between 0.1 and 5000", "the learning rate (lr) 5000: must be > 0 and ≤ 1000"),
    ("busca el batch entre 0 y 10", "el tamaño del batch 0: debe ser un número entero ≥ 1 y ≤ 100000"),
    ("busca el ancho entre 1 y 5000", "el ancho de las capas de esa forma (debe ser un número entero ≥ 1 y ≤ 1024)"),
    ("search the layers between 0 and 40", "the number of layers that way (must be a whole number ≥ 0 and ≤ 16)"),
    ("busca el número de ejemplos", "Para buscar en el número de ejemplos necesito los valores"),
    ("search the data set", "To search the data set I need the values to try"),
])
def test_a_search_that_cannot_be_made_says_why_in_words(tutor, text, said):
    """Refused before anything trains, with the setting as a student says it and its range: never a flag
    (--lr, --space) or a spec (lr=log:0.1:5000)."""
    reply = tutor.handle(text)
    assert reply.intent.kind == "sweep" and reply.run is None and said in reply.text, reply.text
    assert "--" not in reply.text and "=" not in reply.text and "5000.0" not in reply.text
    assert Store(Settings.from_env().store).runs("ana") == []


@pytest.mark.parametrize(("lang", "text"), [("es", "busca el ancho"), ("en", "search the width")])
def test_a_width_search_without_hidden_layers_is_refused_in_words(tutor, lang, text):
    tutor.config = tutor.config.changed(hidden=())
    reply = tutor.handle(text)
    assert reply.run is None and ("capas ocultas" if lang == "es" else "no hidden layer") in reply.text
    assert "--" not in reply.text and "layers" not in reply.text.replace("no hidden layer", "")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "es"])
def test_search_reply_in_words(tutor, lang):
    """A search asked in the conversation reports its method, best setting, importances and next experiment
    in the student's words: no setting key, no method key."""
    ask = {"es": "prueba el batch con 16 y 64", "en": "try the batch size with 16 and 64"}[lang]
    reply = tutor.handle(ask)
    grid = {"es": "Búsqueda en rejilla", "en": "Grid search"}[lang]
    assert reply.intent.kind == "sweep" and reply.text.startswith(grid)
    assert not SETTING_KEY.search(reply.text), reply.text
    assert {"es": "un batch de", "en": "a batch of"}[lang] in reply.text


def test_alternatives_to_compare_are_planned_as_a_search(tutor):
    """ "compara 1, 2 y 4 capas" names three networks to train side by side, not the last two runs."""
    reply = tutor.handle("compara 1, 2 y 4 capas", run=False)
    assert reply.intent.kind == "compare" and reply.intent.search.values == {"layers": [1, 2, 4]}
    assert reply.run is None and reply.text == tutor.handle("prueba 1, 2 y 4 capas", run=False).text


@pytest.mark.slow
def test_alternatives_to_compare_are_trained(tutor):
    reply = tutor.handle("compare 1 and 2 layers")
    assert reply.intent.kind == "compare" and reply.text.startswith("Grid search"), reply.text
    assert len(tutor.run_ids) == 2


def test_why_says_a_run_diagnosed_in_spanish_in_english_once_the_student_writes_english(tutor):
    """The diagnoses stored with a run are said again in the language of the question."""
    run = train(tutor.config.changed(lr=50))
    tutor.run_ids = [tutor.store.add_run("ana", run, [d.model_dump(mode="json") for d in explain(run, "es")])]
    why = tutor.handle("why?")
    assert why.lang == "en" and why.text == "\n\n".join(f"• {d.message}" for d in explain(run, "en"))


@pytest.mark.parametrize("told, yes, happened", [
    ("cambie el lr a 0.1", "sí", "cambié el lr a 0.1 y divergió"),
    ("baje el batch a 16", "sí", "bajé el batch a 16 y fue lento"),
    ("I used lr 0.1 yesterday", "yes", "I used lr 0.1 and it diverged")])
def test_a_change_told_is_offered_and_a_yes_asks_for_it(tutor, told, yes, happened):
    """ "cambié el lr a 0.1", or "cambie" (unaccented, or usted's imperative): nothing is trained, the change is
    offered, and a yes asks for it; told with what happened, nothing is offered."""
    offer = tutor.handle(told)
    field, value = next(iter(offer.intent.told.items()))
    assert offer.intent.kind == "clarify" and offer.run is None and not offer.intent.changes
    assert offer.suggestion == {field: value.value} and str(value.value) in offer.text, offer
    agreed = tutor.handle(yes, run=False)
    assert agreed.intent.kind == "what_if" and getattr(tutor.changed(agreed.intent), field) == value.value
    told_past = tutor.handle(happened)
    assert told_past.run is None and not told_past.suggestion and told_past.intent.kind == "unknown"
