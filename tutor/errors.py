"""One base error for everything a user can cause; the CLI prints it and exits 2, the UI notifies."""


class TutorError(Exception):
    """A problem the user can fix; `str(err)` is the whole message, already translated."""

    def __init__(self, message: str, title: str = "tutor") -> None:
        message = printable(message)
        super().__init__(message)
        self.message = message
        self.title = title


class ConfigError(TutorError):
    """An experiment setting out of range or malformed."""


class DeviceError(TutorError):
    """The requested compute device cannot be used (missing compiler, no such backend)."""


class StoreError(TutorError):
    """The data folder or database cannot be used."""


def printable(text: str) -> str:
    """`text` safe for a terminal, on one line: control characters (an ESC sequence, a newline) and
    bytes that were not UTF-8 (a login, a file name) escaped as Python writes them."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
