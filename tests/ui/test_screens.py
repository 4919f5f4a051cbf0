"""The main screens as text at 80×24 and 120×40: what is on them, side by side or switched by key,
nothing hidden behind something else; the runs view, help and the command palette."""

import pytest
from pilot_tools import say, screen_lines, screen_text, settle, showing, until
from textual.widgets import DataTable

from tutor.config import make_config
from tutor.diagnose.explain import Diagnosis, explain, stopped_at
from tutor.dialogue.tutor import Tutor
from tutor.engine.training import train
from tutor.i18n import t
from tutor.ui.screens.help import HelpScreen
from tutor.ui.screens.runs import RunsScreen
from tutor.ui.widgets.chart import LineChart
from tutor.ui.widgets.conversation import Said
from tutor.ui.widgets.datamap import DataMap
from tutor.ui.widgets.run_panel import sentences

FOOTER = ("f1 Help", "f3 Runs", "f4 Español", "^p palette")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_start_screen(make_app, size):
    app = make_app("en")
    async with app.run_test(size=size) as pilot:
        def laid_out() -> bool:  # a loaded machine may need more than one pause to lay out the footer
            lines = screen_lines(app)
            return len(lines) == size[1] and all(key in lines[-1] for key in FOOTER)

        assert await until(laid_out, pilot=pilot)
        lines = screen_lines(app)
        assert all(len(line) <= size[0] for line in lines)
        assert lines[0].startswith(" tutor · What training a network means · 1/")
        assert all(key in lines[-1] for key in FOOTER)
        text = screen_text(app)  # at 80×24 the step's question is in view: the greeting may have scrolled off
        assert "Hi! I am your neural network tutor" in str(app.main.talk.query(Said).first().render())
        talk, run = app.main.query_one("#talk"), app.main.query_one("#run")
        if size[0] < 120:
            assert not run.display and "f2 Panel" in lines[-1]
        else:
            assert run.display and talk.region.right <= run.region.x  # side by side, not overlapping
            assert "f2 Panel" not in lines[-1] and "Run: none yet" in text



async def test_f2_switches_the_view_at_80_columns_and_back_after_a_resize(make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        talk, run = app.main.query_one("#talk"), app.main.query_one("#run")
        assert await until(lambda: talk.display and not run.display, pilot=pilot)
        await pilot.press("f2")
        assert await until(lambda: run.display and not talk.display, pilot=pilot)
        assert await showing(pilot, "Run: none yet")
        await pilot.resize_terminal(120, 40)  # wide: both, whichever view was chosen
        assert await until(lambda: run.display and talk.display, pilot=pilot)
        await pilot.resize_terminal(80, 24)
        assert await until(lambda: run.display and not talk.display, pilot=pilot)
        await pilot.press("f2")
        assert await until(lambda: talk.display and not run.display, pilot=pilot)

@pytest.mark.slow
@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_run_panel_after_a_diverged_run(make_app, size):
    app = make_app("en")
    async with app.run_test(size=size) as pilot:
        await say(pilot, "what if the learning rate were 50?")
        text = screen_text(app)
        for expected in ("lr 50 · batch 32", "diverged · 1/20 epochs", "loss (log)", "accuracy", "● divergence 100%",
                         "Evidence: The loss started at", "ctrl+r ▶ try a learning rate of", "I tried it"):
            assert expected in text, expected
        assert "diverged_epoch" not in text and "--lr" not in text
        panel = app.main.panel
        assert panel.region.bottom <= app.main.query_one("#prompt").region.y  # all of it above the input
        assert panel.max_scroll_y == 0  # and none of it scrolled out of sight
        if size[0] < 120:
            await pilot.press("f2")
            assert not panel.display and "Which of these is a parameter" in screen_text(app)  # the question open
            await pilot.press("pageup")  # below the reply, whose start is a page up
            assert "I trained with a learning rate of 50." in screen_text(app)
            await pilot.press("pagedown")
            await pilot.press("f2")
            assert panel.display


@pytest.mark.slow
async def test_runs_view_compares_two_runs(make_app, store):
    tutor = Tutor(store, "ana", "en")
    for message in ("what if the learning rate were 50?", "divide the learning rate by 100"):
        tutor.handle(message)
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        assert isinstance(app.screen, RunsScreen)
        text = screen_text(app)
        first, second = tutor.run_ids
        assert "lr 50→0.5" in text and "Mark two runs" in text
        assert f"#{second} · moons · 1000 examples" in text  # the student's last run, highlighted in full
        assert "(tutor)" in text  # the fixes the tutor tried for the first run, marked
        assert len(app.screen.query_one(DataMap).points) == 800  # the training points of moons
        await pilot.press("space")
        app.screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("space")
        await pilot.pause()
        text = screen_text(app)
        assert "2 layers of 3…" in text  # the first run, as `tutor run` names its network, cut to its column
        assert "A train" in text and "B val" in text and f"A #{first} · B #{second}:" in text
        assert "50 → 0.5" in text
        assert len(app.screen.query_one("#runs-chart", LineChart).series) == 4
        await pilot.press("escape")
        assert app.screen is app.main


@pytest.mark.slow
async def test_help_screen_and_command_palette(make_app, sample_course):
    app = make_app("en", sample_course)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Help" in text and "F2: conversation ↔ run panel" in text
        await pilot.press("escape")
        titles = {c.title: c for c in app.get_system_commands(app.screen)}
        assert {"Go on with the lesson", "Show my runs", "Switch to Spanish", "Lesson: Sample basics"} <= set(titles)
        await pilot.press("enter", "2", "enter")  # into step 2
        titles["Lesson: Sample basics"].callback()
        await pilot.pause()
        assert app.tutor.step == 0
        await pilot.press("ctrl+p")
        await pilot.press(*"lesson")
        await pilot.pause()
        assert "Lesson: Sample basics" in screen_text(app)


@pytest.mark.parametrize("lang", ["es", "en"])
async def test_ctrl_r_is_offered_only_when_there_is_a_fix_to_try(make_app, store, lang):
    """Before any run the footer has no "^r Try it"; once the last run's diagnosis proposes a change, it has."""
    key = f"^r {t('ui.key.suggest', lang)}"
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: "f1" in screen_lines(app)[-1], pilot=pilot)
        assert key not in screen_lines(app)[-1] and not app.main.suggestion
    run = train(make_config({"epochs": 2, "samples": 100}, "en"))  # the teacher tests' tiny run
    fix = Diagnosis(code="too_few_epochs", confidence=0.6, evidence={}, message="Train longer.",
                    suggestion={"epochs": 20})
    store.set_state("ana", "dialogue", {"runs": [store.add_run("ana", run, [fix.model_dump(mode="json")])]})
    again = make_app(lang)
    async with again.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: key in screen_lines(again)[-1], pilot=pilot)
        lines = screen_lines(again)
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)


@pytest.mark.slow
async def test_escape_is_offered_only_while_training(make_app):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "esc Cancel" not in screen_lines(app)[-1]
        await say(pilot, "what if I train 10000 epochs?", wait=False)
        await pilot.pause()
        assert "esc Cancel" in screen_lines(app)[-1]
        app.main.action_cancel()
        await settle(pilot)


@pytest.mark.slow  # trains a run and the fix it offers
@pytest.mark.parametrize("lang", ["es", "en"])
async def test_the_panels_offer_says_where_its_trial_stopped(make_app, lang):
    """A fix whose trial stopped at its goal is offered with fewer epochs: the panel says why, in the words
    of the conversation's advice."""
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        asked = {"es": "¿y si el learning rate fuera 0,0002?", "en": "what if the learning rate were 0.0002?"}
        await say(pilot, asked[lang])
        panel = app.main.panel
        top = panel.diagnoses[0]
        assert top.verified is not None and top.verified.planned == 20 and top.verified.config["epochs"] < 20
        why = stopped_at(top.verified.config["epochs"], 20, lang)
        assert why in top.message and why in " ".join(screen_text(app).split())
        assert panel.max_scroll_y == 0  # none of it scrolled out of sight


@pytest.mark.slow  # trains two runs and their fixes
@pytest.mark.parametrize("lang", ["es", "en"])
async def test_a_long_diagnosis_stays_in_view_at_80_by_24(make_app, lang):
    """A divergence with a stopped fix, a second finding and its evidence: all of it on the panel, none
    scrolled out of sight."""
    app = make_app(lang)
    asked = {"es": ("¿y si el learning rate fuera 10?", "¿y si el batch size fuera 1?"),
             "en": ("what if the learning rate were 10?", "what if batch size were 1?")}[lang]
    async with app.run_test(size=(80, 24)) as pilot:
        for text in asked:
            await say(pilot, text)
        panel = app.main.panel
        assert len(panel.diagnoses) > 1 and panel.diagnoses[0].verified.planned == 20
        assert panel.max_scroll_y == 0
        text = " ".join(screen_text(app).split())
        assert t("ui.panel.evidence", lang) + ":" in text and "ctrl+r" in text


async def test_the_command_palette_speaks_the_apps_language(make_app):
    """ctrl+p in Spanish: its footer key, its search line and Textual's own commands in Spanish; Textual's
    English key panel is not offered (F1 is the help)."""
    app = make_app("es")
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: "^p paleta" in screen_lines(app)[-1], pilot=pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Tema", "Salir", "Captura de pantalla", "Seguir la lección"} <= titles
        assert not titles & {"Keys", "Theme", "Quit", "Screenshot"}
        await pilot.press("ctrl+p")
        assert await until(lambda: "Busca una orden…" in screen_text(app), pilot=pilot)
        await pilot.press(*"salir")
        assert await until(lambda: "Cierra el tutor" in screen_text(app), pilot=pilot)
        text = screen_text(app)
        assert "Search for commands" not in text and "Quit the application" not in text
        app.search_themes()
        assert await until(lambda: "Busca un tema…" in screen_text(app), pilot=pilot)


@pytest.mark.parametrize("written, reader", [("es", "en"), ("en", "es")])
async def test_a_stored_run_is_diagnosed_in_the_apps_language_and_again_after_f4(make_app, store, written, reader):
    """A run diagnosed in one language and stored: the run panel of an app in the other says it in its own,
    and in the first again once F4 switches back (80×24)."""
    run = train(make_config({"epochs": 2, "samples": 100, "lr": 50}, "en"))
    run_id = store.add_run("ana", run, [d.model_dump(mode="json") for d in explain(run, written)])
    store.set_state("ana", "dialogue", {"runs": [run_id]})
    app = make_app(reader)
    headline = {lang: sentences(explain(run, lang)[0].message)[0] for lang in (written, reader)}
    async with app.run_test(size=(80, 24)) as pilot:
        assert await until(lambda: "f1" in screen_lines(app)[-1], pilot=pilot)
        await pilot.press("f2")
        assert await until(lambda: headline[reader] in " ".join(screen_text(app).split()), pilot=pilot)
        assert headline[written] not in " ".join(screen_text(app).split())
        await pilot.press("f4")
        assert await until(lambda: headline[written] in " ".join(screen_text(app).split()), pilot=pilot)
        assert headline[reader] not in " ".join(screen_text(app).split())


@pytest.mark.parametrize(("lang", "words"), [("es", "Algo falló dentro del tutor (RuntimeError)"),
                                             ("en", "Something went wrong inside the tutor (RuntimeError)")])
async def test_an_unexpected_failure_is_said_in_the_students_language(make_app, monkeypatch, lang, words):
    """A bug in a turn reaches the student as one sentence of their language, not Python's English message."""
    def broken(*_, **__):
        raise RuntimeError("list index out of range")

    monkeypatch.setattr(Tutor, "handle", broken)
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "hola", wait=False)
        assert await until(lambda: words in " ".join(screen_text(app).split()), pilot=pilot)
        assert "list index out of range" not in screen_text(app)
