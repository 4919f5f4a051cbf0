"""The app follows the background warm-up in its status line; a command, or quitting, cancels it."""

import pytest
from pilot_tools import until
from textual.widgets import Static

from tutor.dialogue.warmup import Warmup
from tutor.settings import Settings
from tutor.ui.app import TutorApp


@pytest.mark.slow
async def test_the_status_line_shows_the_warmup_and_a_command_stops_it(store, sample_course, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "cache"))  # nothing captured yet: it has work to do
    warmup = Warmup(Settings.from_env(), nice=0)  # not starved by the other tests
    app = TutorApp(store, "ana", "en", sample_course, warmup=warmup)
    async with app.run_test(size=(100, 24)) as pilot:
        status = app.main.query_one("#status", Static)
        assert await until(lambda: "preparing networks 0/" in str(status.render()), pilot=pilot)
        stop = next(c for c in app.get_system_commands(app.screen) if c.title == "Stop preparing networks")
        stop.callback()
        assert not warmup.running
        assert await until(lambda: "preparing" not in str(status.render()), pilot=pilot)
        assert all(c.title != "Stop preparing networks" for c in app.get_system_commands(app.screen))


@pytest.mark.slow
async def test_quitting_cancels_the_warmup(store, sample_course, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_CACHE", str(tmp_path / "cache"))
    warmup = Warmup(Settings.from_env(), nice=0)  # not starved by the other tests
    app = TutorApp(store, "ana", "en", sample_course, warmup=warmup)
    async with app.run_test(size=(100, 24)) as pilot:
        assert warmup.running
        await pilot.press("ctrl+q")
    assert not warmup.running
