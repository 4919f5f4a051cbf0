"""The input line: free text for the tutor, or, when it is empty, a number key that picks an option."""

from dataclasses import dataclass

from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widgets import Input


class PromptInput(Input):
    """An Input whose digits 1–`options` choose an option while nothing has been typed."""

    @dataclass
    class Chosen(Message):
        """The student pressed the number of an option (1-based)."""

        number: int

    options = 0  # how many numbered options are on offer; set by the screen
    # Each key press gives the line a new scrollable width, which Textual's widgets declare as a change of
    # layout: the whole screen was laid out again per key. The line scrolls within its own fixed box (the
    # layout never reads that width: the box is 100% wide, not auto), so here a key only repaints the line.
    virtual_size = Reactive(Size(0, 0), layout=False)

    def on_key(self, event: events.Key) -> None:
        char = event.character or ""
        if not self.value and char.isdigit() and 1 <= int(char) <= self.options:
            event.prevent_default()
            event.stop()
            self.post_message(self.Chosen(int(char)))
