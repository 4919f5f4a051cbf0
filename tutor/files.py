"""Files the user names: read with a size bound, written atomically, edited one at a time, and never anything
but regular files.

A path given on the command line may name a device, a FIFO or a folder (`--roster /dev/null`,
`--key /dev/zero`): reading one could block forever or fill memory, and renaming a temporary file
over one would replace it. Both helpers refuse anything but a regular file (or, to write, a new path).
"""

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tutor.errors import StoreError
from tutor.i18n import Lang, t


class Unreadable(StoreError):
    """A file that cannot be read or written as asked; `reason` says why, the message names the file too."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{shown_path(path)}: {reason}")
        self.reason = reason


def shown_path(path: Path | str) -> str:
    """A path for a message: control characters escaped, very long ones cut in the middle."""
    text = str(path)
    text = text if text.isprintable() else repr(text)[1:-1]
    return text if len(text) <= 120 else f"{text[:60]}…{text[-59:]}"


def named(text: str, lang: Lang = "en") -> Path:
    """The path `text` names; an Unreadable error for '' (a Path of it would be the current folder)."""
    if not text:
        raise Unreadable("''", t("files.empty", lang))
    return Path(text)


def read_text(path: Path, limit: int, lang: Lang = "en") -> str | None:
    """The UTF-8 text of the regular file `path`, at most `limit` bytes; None if there is no such file.

    An Unreadable error names the path and the reason: not a regular file, too large, unreadable, not UTF-8.
    """
    _check_name(path, lang)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)  # a FIFO opens without a writer
    except FileNotFoundError:
        return None
    except OSError as err:
        raise _error(path, err) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # before fdopen, which refuses a folder with its own error
            raise Unreadable(path, t("files.not_regular", lang))
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(limit + 1)
    except OSError as err:
        raise _error(path, err) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise Unreadable(path, t("files.too_large", lang, kib=limit // 1024))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Unreadable(path, t("files.not_utf8", lang)) from None


def write_atomically(path: Path, data: bytes, lang: Lang = "en", folder_mode: int | None = 0o777) -> None:
    """Replace `path` with `data` all at once (a temporary file, synced, renamed over it), mode 0600.

    `path` must be a regular file or not exist yet; a symlink's target is written, the link stays.
    The folder is made if missing, with `folder_mode`; None: it must exist. An Unreadable error names
    the path and the reason.
    """
    _check_name(path, lang)
    target = Path(os.path.realpath(path))
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as err:
        raise _error(path, err) from None
    if mode is not None and not stat.S_ISREG(mode):
        raise Unreadable(path, t("files.not_regular", lang))
    tmp = None
    try:
        if folder_mode is not None:
            target.parent.mkdir(mode=folder_mode, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:64]}.", suffix=".tmp")  # mode 0600
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except OSError as err:
        raise _error(path, err) from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # gone already once renamed


@contextlib.contextmanager
def editing(path: Path, lang: Lang = "en") -> Iterator[None]:
    """Hold the lock for one read-modify-write of `path` (an flock on its folder, made if missing): other
    threads and processes editing it wait, so no edit undoes another. An Unreadable error names the path."""
    _check_name(path, lang)
    folder = Path(os.path.realpath(path)).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as err:
        raise _error(path, err) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except OSError as err:  # a file system without locks
            raise _error(path, err) from None
        yield
    finally:
        os.close(fd)  # the lock goes with it


def _check_name(path: Path | str, lang: Lang) -> None:
    """No system call takes a name with a NUL in it (Python raises ValueError, not OSError)."""
    if "\0" in str(path):
        raise Unreadable(path, t("files.nul", lang))


def _error(path: Path, err: OSError) -> "Unreadable":
    return Unreadable(path, err.strerror or str(err))
