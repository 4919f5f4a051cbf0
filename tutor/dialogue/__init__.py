"""Free-text dialogue: `parse` turns a student's message (es/en) into an `Intent`."""

from tutor.dialogue.intent import Change, Intent, Search
from tutor.dialogue.parse import parse

__all__ = ["Change", "Intent", "Search", "parse"]
