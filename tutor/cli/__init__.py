"""`tutor` on the command line: the outermost shell; it imports the rest of the package, nothing imports it."""

from tutor.cli.main import main

__all__ = ["main"]
