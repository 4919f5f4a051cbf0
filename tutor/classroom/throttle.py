"""Slow down password guessing without locking out the right person.

A password attempt is counted twice: against its login from its address, and against the address as a
whole. A login gets `free` attempts, the address `address_free` (a lab behind one NAT shares an address,
so a class logging in at the same moment must fit in it); past its free ones, each count lets attempts
through one per `interval` seconds, in order, however many connections make them at once, and an
attempt waits for the later of its two turns. Every login is counted alike, enrolled or not, so the
throttle's timing does not tell who is enrolled. Once a login has succeeded from an address it is counted
against its own key only, so others' failures there never slow it. Keys are never throttled: they
cannot be guessed.

An attempt is counted when it arrives, before its password is checked (so parallel attempts cannot all
read "free"); a success takes it back. At most `queue` attempts on a login (`address_queue` on an
address) may wait their turn; more are refused unchecked. A failure is answered only when the next turn
comes, so a guesser learns nothing sooner than the rate allows, and once the guessing stops the right
password is checked at once. Wrong guesses from one address, at one login or spread over many, stay at
or below `address_free` + one per `interval` (with the defaults 100 in the first minute, then 60 a
minute), and at one login at or below `free` + one per `interval`. A count is forgotten `window` seconds
after its last attempt, and at most `most` are kept (the least recently used dropped first), so a
flood of addresses or logins cannot fill memory.
"""

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Key = tuple[str, str | None]  # (address, login), or (address, None): the address as a whole


@dataclass
class _Count:
    attempts: int = 0  # failed or still being checked
    next_turn: float = 0.0  # when the next attempt past the free ones may be checked
    last: float = 0.0


@dataclass(frozen=True)
class Attempt:
    """A counted attempt: what it was counted against (its login's key first), and the seconds to wait
    before checking it."""

    keys: tuple[Key, ...]
    wait: float


class Throttle:
    """Password attempts per login from an address and per address, and when each may be checked."""

    def __init__(self, free: int = 10, address_free: int = 40, interval: float = 1.0, queue: int = 8,
                 address_queue: int = 40, window: float = 900.0, most: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free, self.address_free, self.interval = free, address_free, interval
        self.queue, self.address_queue, self.window = queue, address_queue, window
        self.most, self.clock = most, clock
        self._counts: OrderedDict[Key, _Count] = OrderedDict()
        self._trusted: OrderedDict[Key, float] = OrderedDict()  # (address, login) -> last success

    def reserve(self, address: str, login: str) -> Attempt | None:
        """Count an attempt, or None: too many are waiting already, refuse it unchecked."""
        now = self._forget_old()
        pair = (address, login)
        keys = (pair,) if pair in self._trusted else (pair, (address, None))
        counts = [self._count(key, now) for key in keys]
        turns = [self._turn(key, count, now) for key, count in zip(keys, counts)]
        if None in turns:
            return None
        for key, count, turn in zip(keys, counts, turns):
            if count.attempts >= self._limits(key)[0]:
                count.next_turn = turn + self.interval
            count.attempts += 1
        return Attempt(keys, max(turns) - now)

    def failed(self, attempt: Attempt) -> float:
        """The attempt failed: the seconds to wait before saying so (until its keys' next turns)."""
        now = self.clock()
        return max((self._counts[key].next_turn - now for key in attempt.keys if key in self._counts), default=0.0)

    def succeeded(self, attempt: Attempt) -> None:
        """The attempt succeeded: all of its login's attempts from there are taken back, and its own from the
        address; the login is trusted from this address from now on."""
        pair, *rest = attempt.keys
        self._counts.pop(pair, None)
        for key in rest:
            if key in self._counts:
                self._counts[key].attempts = max(0, self._counts[key].attempts - 1)
        self._trusted.pop(pair, None)
        self._trusted[pair] = self.clock()
        while len(self._trusted) > self.most:
            self._trusted.popitem(last=False)

    def _limits(self, key: Key) -> tuple[int, int]:
        """(free attempts, attempts that may wait) for a login's key or an address's."""
        return (self.free, self.queue) if key[1] is not None else (self.address_free, self.address_queue)

    def _count(self, key: Key, now: float) -> _Count:
        """The key's count, made the most recently used (and the least recently used dropped past `most`)."""
        count = self._counts.pop(key, None) or _Count()
        self._counts[key] = count
        count.last = now
        while len(self._counts) > self.most:
            self._counts.popitem(last=False)
        return count

    def _turn(self, key: Key, count: _Count, now: float) -> float | None:
        """When one more attempt on this count may be checked, or None: its queue is full."""
        free, queue = self._limits(key)
        if count.attempts < free:
            return now
        turn = max(now, count.next_turn)
        return None if turn - now >= queue * self.interval else turn

    def _forget_old(self) -> float:
        """Drop keys whose last attempt is older than the window (the oldest come first); returns now."""
        now = self.clock()
        while self._counts:
            key, count = next(iter(self._counts.items()))
            if now - count.last < self.window or now < count.next_turn:
                break
            del self._counts[key]
        return now
