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


async def until(check: Callable[[], object], timeout: float = 5.0, pilot: Pilot | None = None) -> bool:
    """Whether `check()` comes to hold within `timeout` seconds (a loaded machine repaints late).

    With a `pilot`, the app gets its turns between checks; without, the event loop does."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        await (pilot.pause(0.05) if pilot else asyncio.sleep(0.05))
    return True


async def showing(pilot: Pilot, text: str, timeout: float = 5.0) -> bool:
    """Whether `text` comes on screen within `timeout` seconds."""
    return await until(lambda: text in screen_text(pilot.app), timeout, pilot)


async def settle(pilot: Pilot, timeout: float = 60.0) -> None:
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


async def say(pilot: Pilot, text: str, wait: bool = True) -> None:
    """Put `text` in the input line and submit it; with `wait`, until the reply is in.

    (Pilot.press waits for the process to go idle, up to a second per call, which a training thread
    never lets happen; submitting directly keeps the tests fast.)
    """
    prompt = pilot.app.screen.query_one(PromptInput)
    prompt.value = text
    await prompt.action_submit()
    await asyncio.sleep(0.01)
    if wait:
        await settle(pilot)
