"""One base error for everything a user can cause; the CLI prints it and exits 2, the UI notifies."""


class TutorError(Exception):
    """A problem the user can fix; `str(err)` is the whole message, already translated."""

    def __init__(self, message: str, title: str = "tutor") -> None:
        super().__init__(message)
        self.message = message
        self.title = title


class ConfigError(TutorError):
    """An experiment setting out of range or malformed."""


class DeviceError(TutorError):
    """The requested compute device cannot be used (missing compiler, no such backend)."""


class StoreError(TutorError):
    """The data folder or database cannot be used."""
