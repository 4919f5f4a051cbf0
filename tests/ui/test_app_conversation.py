"""The conversation end to end at 80×24: a what-if that diverges, explained with its numbers, a fix,
a comparison and quitting; the same in Spanish; cancelling and quitting in the middle of a run; a reply
read while its fix is tried."""

import threading

import pytest
from pilot_tools import hold, say, screen_text, settle, showing, until

from tutor.dialogue.tutor import Tutor
from tutor.ui.widgets.conversation import Said

pytestmark = pytest.mark.slow  # trains while driving the app

FLOWS = {
    "en": ("what if the learning rate were 50?", "halve the learning rate", "compare", "blew up", "Evidence",
           "divergence"),
    "es": ("¿y si la tasa de aprendizaje fuera 50?", "reduce a la mitad la tasa de aprendizaje", "compara", "explotó",
           "Evidencia", "divergencia"),
}


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_what_if_diverges_is_explained_fixed_and_compared(make_app, store, monkeypatch, lang):
    ask, halve, compare, blew_up, evidence, diverged = FLOWS[lang]
    app = make_app(lang)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        first = app.tutor.course.in_lang(lang)[0]
        assert first.title in screen_text(app)

        drawn: list[int] = []
        panel = app.main.panel
        add_epoch = panel.add_epoch
        monkeypatch.setattr(panel, "add_epoch", lambda e: (drawn.append(e.epoch), add_epoch(e)))
        await say(pilot, ask)
        assert drawn == [1]  # the epoch it blew up in reached the panel while the worker ran
        assert app.main.has_class("-show-run")  # at 80 columns the run panel took the screen
        shown = screen_text(app)
        assert f"● {diverged}" in shown and f"{evidence}: " in shown
        assert "diverged_epoch" not in shown and "--lr" not in shown  # a student reads words, not keys or flags
        assert "lr 50" in shown and "ctrl+r" in shown
        reply = str(app.main.talk.query(Said).last().render())  # the open question's card follows it
        assert blew_up in reply and "0.6" in reply  # the loss it started from, quoted

        await say(pilot, halve)
        assert app.tutor.config.lr == 25
        await say(pilot, compare)
        assert not app.main.has_class("-show-run")  # a reply without a run shows the conversation
        assert await showing(pilot, "50 → 25")
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    assert [r.status for r in store.runs("ana")] == ["diverged", "diverged"]


async def test_escape_cancels_the_run_and_typing_stays_live(make_app, store):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "what if I train 10000 epochs?", wait=False)  # seconds even for the compiled epoch
        assert await until(lambda: len(app.main.panel.history) >= 3)
        await pilot.press("w", "h", "y")
        assert app.main.busy is not None and app.main.query_one("#prompt").value == "why"
        assert await showing(pilot, "/10000")
        await pilot.press("escape")
        await settle(pilot)
        assert await showing(pilot, "cancelled ·")
    [run] = store.runs("ana")
    assert run.status == "cancelled" and 3 <= len(run.result["history"]) < 10000


async def test_quitting_mid_run_stores_the_run_and_the_state(make_app, store):
    app = make_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "what if I train 10000 epochs?", wait=False)
        assert await until(lambda: len(app.main.panel.history) >= 2)
        await pilot.press("ctrl+q")
    assert app.return_code == 0
    [run] = store.runs("ana")
    assert run.status == "cancelled"
    assert Tutor(store, "ana").run_ids == [run.id]


async def test_messages_typed_during_a_run_wait_their_turn(make_app, store):
    app = make_app("en")
    typed, handle = threading.Event(), app.tutor.handle
    # the first run holds after its first epoch until the next message is typed, however fast it trains
    app.tutor.handle = lambda text, on_epoch, stop: handle(
        text, lambda e: (on_epoch(e), hold(lambda: typed.is_set() or stop())), stop)
    async with app.run_test(size=(80, 24)) as pilot:
        await say(pilot, "what if I train 50 epochs?", wait=False)
        assert await until(lambda: len(app.main.panel.history) >= 1)
        await say(pilot, "halve the learning rate", wait=False)
        assert await until(lambda: len(app.main.jobs) == 1, 10, pilot)  # once the screen has read it (late, loaded)
        assert app.main.busy is not None
        typed.set()
        await settle(pilot)
    newest, first = store.runs("ana")
    assert (first.result["config"]["lr"], newest.result["config"]["lr"]) == (0.01, 0.005)


async def test_a_student_typing_many_what_ifs_queues_only_a_few(make_app, store):
    app = make_app("en")
    handle = app.tutor.handle
    # the run holds after its first epoch until Escape stops it, however fast it trains
    app.tutor.handle = lambda text, on_epoch, stop: handle(text, lambda e: (on_epoch(e), hold(stop)), stop)
    async with app.run_test(size=(120, 40)) as pilot:
        await say(pilot, "what if I train 300 epochs?", wait=False)
        assert await until(lambda: len(app.main.panel.history) >= 1)
        for lr in (0.1, 0.2, 0.3, 0.4, 0.5):
            await say(pilot, f"what if the learning rate were {lr}?", wait=False)
        assert len(app.main.jobs) == 3
        assert await showing(pilot, "3 messages are already waiting")
        await pilot.press("escape")  # cancels the run and clears what waits
        await settle(pilot)
    [run] = store.runs("ana")
    assert run.status == "cancelled" and len(run.result["history"]) < 300


async def test_the_reply_shows_while_its_fix_is_tried_and_the_offer_completes_it(make_app, store):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        looked = threading.Event()
        show = app.tutor.answered
        # the fix is tried once the test has looked
        app.tutor.answered = lambda reply: (show(reply), hold(lambda: looked.is_set() or app.main.stop.is_set()))
        await say(pilot, "what if the learning rate were 50?", wait=False)
        assert await until(lambda: app.main.trying is not None, pilot=pilot)
        reply = app.main.trying
        early = str(reply.render())
        assert "blew up" in early and "trying a fix" in early and "I tried it" not in early
        assert await showing(pilot, "● trying a fix") and app.main.busy is not None
        looked.set()
        await settle(pilot)
        final = str(reply.render())
        assert "I tried it" in final and "trying a fix" not in final and final.startswith(early.split(" I am now")[0])
        assert [w for w in app.main.talk.children if "blew up" in str(w.render())] == [reply]  # completed, not repeated
        assert "● trying a fix" not in screen_text(app)
    [tried] = store.runs("ana", by="tutor")
    assert tried.result["config"]["lr"] < 50


async def test_a_new_message_while_the_fix_is_tried_stops_it_and_the_fix_is_offered_untried(make_app, store):
    app = make_app("en")
    async with app.run_test(size=(120, 40)) as pilot:
        show = app.tutor.answered
        app.tutor.answered = lambda reply: (show(reply), hold(lambda: app.main.stop.is_set()))  # until the next message
        await say(pilot, "what if the learning rate were 50?", wait=False)
        assert await until(lambda: app.main.trying is not None, pilot=pilot)
        reply = app.main.trying
        await say(pilot, "why?", wait=False)
        await settle(pilot)
        said = [str(w.render()) for w in app.main.talk.children]
        at = said.index(str(reply.render()))
        assert "have not tried it yet" in said[at] and "trying a fix" not in said[at]
        assert said[at + 1] == "why?" and "blew up" in said[at + 2]  # then the new message is answered
    assert store.runs("ana", by="tutor") == []
