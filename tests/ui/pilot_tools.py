"""Driving the app in tests: typing a message, waiting for the worker, reading the screen as text."""

import asyncio
import html
import re
import time
from collections.abc import Callable

from textual.pilot import Pilot

from tutor.ui.app import TutorApp
from tutor.ui.widgets.prompt import PromptInput

_TEXT = re.compile(r'<text class="[^"]*" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)</text>')
CELL_WIDTH, LINE_HEIGHT = 12.2, 24.4  # pixels per column and per row in Textual's SVG export
# How long a wait may last before the test fails: a guard against a hang, not a speed goal (those are
# benchmarks'). A loaded 2-core CI repaints late, and a run whose shape the step cache lacks captures it first
# (over a minute there); a wait ends as soon as its condition holds.
PATIENCE = 300.0


def screen_lines(app: TutorApp) -> list[str]:
    """The screen as text, one string per row, rebuilt from the SVG screenshot."""
    rows: dict[float, list[tuple[float, str]]] = {}
    for x, y, text in _TEXT.findall(app.export_screenshot()):
        rows.setdefault(float(y), []).append((float(x), html.unescape(text).replace("\xa0", " ")))
    lines: list[str] = []
    top = min(rows, default=0.0)
    for y in sorted(rows):
        while len(lines) < round((y - top) / LINE_HEIGHT):  # a row with no text at all is still a row
            lines.append("")
        line = ""
        for x, text in sorted(rows[y]):
            line = line.ljust(round(x / CELL_WIDTH)) + text
        lines.append(line.rstrip())
    return lines


def screen_text(app: TutorApp) -> str:
    """The screen as one string, rows joined by newlines and runs of spaces collapsed."""
    return "\n".join(" ".join(line.split()) for line in screen_lines(app))


async def until(check: Callable[[], object], timeout: float = PATIENCE, pilot: Pilot | None = None) -> bool:
    """Whether `check()` comes to hold within `timeout` seconds.

    With a `pilot`, the app gets its turns between checks; without, the event loop does."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await (pilot.pause(0.05) if pilot else asyncio.sleep(0.05))
    return True


async def showing(pilot: Pilot, text: str, timeout: float = PATIENCE) -> bool:
    """Whether `text` comes on screen within `timeout` seconds."""
    return await until(lambda: text in screen_text(pilot.app), timeout, pilot)


async def settle(pilot: Pilot, timeout: float = PATIENCE) -> None:
    """Wait until no turn is training or queued, and the screen has caught up."""
    app = pilot.app
    assert isinstance(app, TutorApp)
    await pilot.pause()
    deadline = time.monotonic() + timeout
    while app.main.busy is not None or app.main.jobs:
        assert time.monotonic() < deadline, "the run did not finish in time"
        await asyncio.sleep(0.02)
    await pilot.pause()
    await pilot.pause()


def hold(released: Callable[[], object]) -> None:
    """In a worker thread: wait until `released()` holds. A test holds a run with an event of its own or the
    run's stop, which the app also sets when it ends: a test that fails releases what it held."""
    while not released():
        time.sleep(0.01)


async def say(pilot: Pilot, text: str, wait: bool = True) -> None:
    """Put `text` in the input line and submit it, until the screen has taken it (its turn has started or waits);
    with `wait`, until the reply is in.

    (Pilot.press waits for the process to go idle, up to a second per call, which a training thread
    never lets happen; submitting directly keeps the tests fast.)
    """
    prompt = pilot.app.screen.query_one(PromptInput)
    prompt.value = text
    await prompt.action_submit()  # posts the message: the screen takes it when its turn comes, and clears the line
    assert await until(lambda: not prompt.value), f"{text!r} was not taken"
    if wait:
        await settle(pilot)
