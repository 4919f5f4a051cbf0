"""Slow down password guessing: after a few failed logins from one address, each further attempt waits.

The first `free` failures cost nothing; then the wait doubles from `base` up to `cap` seconds. A
success, or `window` seconds without a failure, forgets the address. At most `most` addresses are
remembered (the least recently failing forgotten first), so a flood of addresses cannot fill memory.
"""

import time
from collections import OrderedDict
from collections.abc import Callable


class Throttle:
    """Failed logins per address, and how long the next attempt from it must wait."""

    def __init__(self, free: int = 3, base: float = 1.0, cap: float = 30.0, window: float = 900.0,
                 most: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.base, self.cap, self.window, self.most, self.clock = free, base, cap, window, most, clock
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # address -> (count, last failure)

    def delay(self, address: str) -> float:
        """Seconds to wait before trying the next login from `address`: 0, then 1, 2, 4 ... up to `cap`."""
        self._forget_old()
        count = self._failures.get(address, (0, 0.0))[0]
        return 0.0 if count < self.free else min(self.cap, self.base * 2.0 ** min(count - self.free, 64))

    def failed(self, address: str) -> None:
        """A login from `address` failed."""
        self._forget_old()
        count = self._failures.pop(address, (0, 0.0))[0]
        self._failures[address] = (count + 1, self.clock())
        while len(self._failures) > self.most:
            self._failures.popitem(last=False)

    def succeeded(self, address: str) -> None:
        """A login from `address` succeeded: its failures are forgiven."""
        self._failures.pop(address, None)

    def _forget_old(self) -> None:
        """Drop addresses whose last failure is older than the window (the oldest come first)."""
        now = self.clock()
        while self._failures:
            address, (_, last) = next(iter(self._failures.items()))
            if now - last < self.window:
                break
            del self._failures[address]
