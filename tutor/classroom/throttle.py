"""Slow down password guessing without locking out the right person.

Password attempts are counted per address, or per address and login once that login has succeeded
from there (a lab behind one NAT shares an address; a student's own success sets their attempts
apart, so others' failures never slow them). Keys are never throttled: they cannot be guessed.

Each key gets `free` attempts; then attempts are let through one per `interval` seconds, in order,
however many connections make them at once. An attempt is counted when it arrives, before its
password is checked (so parallel attempts cannot all read "free"); a success takes it back. At most
`queue` attempts may wait their turn; more are refused unchecked. A failure is answered only when
the next turn comes, so a guesser learns nothing sooner than the rate allows, and once the guessing
stops the right password is checked at once. Wrong guesses from one key stay at or below
`free` + one per `interval`; a key is forgotten `window` seconds after its last attempt, and at most
`most` keys are kept (the least recently used dropped first), so a flood of addresses cannot fill memory.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Count:
    attempts: int = 0  # failed or still being checked
    next_turn: float = 0.0  # when the next attempt past the free ones may be checked
    last: float = 0.0


class Throttle:
    """Password attempts per address (or per address and login), and when each may be checked."""

    def __init__(self, free: int = 10, interval: float = 1.0, queue: int = 8, window: float = 900.0,
                 most: int = 10_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.interval, self.queue, self.window = free, interval, queue, window
        self.most, self.clock = most, clock
        self._counts: OrderedDict[str, _Count] = OrderedDict()
        self._trusted: OrderedDict[str, float] = OrderedDict()  # "address login" -> last success

    def key(self, address: str, login: str) -> str:
        """What an attempt counts against: the address, or the address and login after a success from there."""
        pair = f"{address} {login}"
        return pair if pair in self._trusted else address

    def reserve(self, key: str) -> float | None:
        """Count an attempt; the seconds it must wait before its password is checked, or None: too many
        are waiting already, refuse it unchecked."""
        now = self._forget_old()
        count = self._counts.pop(key, None) or _Count()
        self._counts[key] = count
        count.last = now
        while len(self._counts) > self.most:
            self._counts.popitem(last=False)
        if count.attempts < self.free:
            count.attempts += 1
            return 0.0
        turn = max(now, count.next_turn)
        if turn - now >= self.queue * self.interval:
            return None
        count.attempts += 1
        count.next_turn = turn + self.interval
        return turn - now

    def failed(self, key: str) -> float:
        """The attempt failed: the seconds to wait before saying so (until the next turn)."""
        count = self._counts.get(key)
        return max(0.0, count.next_turn - self.clock()) if count else 0.0

    def succeeded(self, key: str, address: str, login: str) -> None:
        """The attempt succeeded: it is taken back (all are, for a login's own key) and the login is trusted
        from this address from now on."""
        count = self._counts.get(key)
        if count and key != address:
            del self._counts[key]
        elif count:
            count.attempts = max(0, count.attempts - 1)
        pair = f"{address} {login}"
        self._trusted.pop(pair, None)
        self._trusted[pair] = self.clock()
        while len(self._trusted) > self.most:
            self._trusted.popitem(last=False)

    def _forget_old(self) -> float:
        """Drop keys whose last attempt is older than the window (the oldest come first); returns now."""
        now = self.clock()
        while self._counts:
            key, count = next(iter(self._counts.items()))
            if now - count.last < self.window or now < count.next_turn:
                break
            del self._counts[key]
        return now
