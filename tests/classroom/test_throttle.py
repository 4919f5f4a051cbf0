"""The login throttle, on a clock the test moves by hand: nothing sleeps."""

import itertools
from collections.abc import Iterator

from tutor.classroom.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def guesses_checked_in_a_minute(throttle: Throttle, clock: Clock, logins: Iterator[str]) -> int:
    """A guesser at one address tries as fast as the throttle lets it, for a minute: how many of its
    guesses are checked within that minute (all fail)."""
    start, checked = clock.now, 0
    for step in range(600):
        clock.now = start + step / 10
        while (attempt := throttle.reserve("10.0.0.66", next(logins))) is not None:
            checked += clock.now + attempt.wait < start + 60
            throttle.failed(attempt)
    return checked


def test_parallel_attempts_are_counted_as_they_arrive_and_let_through_one_a_second():
    throttle = Throttle(free=3, interval=1.0, queue=100, clock=Clock())
    waits = [throttle.reserve("10.0.0.1", "ana").wait for _ in range(8)]  # all arrive before any is checked
    assert waits == [0, 0, 0, 0, 1, 2, 3, 4]
    assert throttle.reserve("10.0.0.2", "ana").wait == 0  # other addresses are not slowed
    assert throttle.reserve("10.0.0.1", "bob").wait == 0  # nor other logins, while the address has room


def test_a_class_behind_one_address_logs_in_at_once():
    throttle = Throttle(clock=Clock())
    attempts = [throttle.reserve("10.0.0.1", f"s{i:02d}") for i in range(30)]  # the right passwords, at once
    assert [a.wait for a in attempts] == [0] * 30  # all checked at once, none refused
    for attempt in attempts:
        throttle.succeeded(attempt)
    assert throttle._counts[("10.0.0.1", None)].attempts == 0  # and all taken back: the address is free again
    assert throttle.reserve("10.0.0.1", "s00").keys == (("10.0.0.1", "s00"),)  # trusted from there now


def test_guessing_one_login_stays_within_its_bound():
    clock = Clock()
    throttle = Throttle(free=10, interval=1.0, clock=clock)
    assert guesses_checked_in_a_minute(throttle, clock, itertools.repeat("ana")) == 10 + 60


def test_guessing_many_logins_from_one_address_stays_within_the_address_bound():
    clock = Clock()
    throttle = Throttle(free=10, address_free=40, interval=1.0, clock=clock)
    logins = (f"u{i}" for i in itertools.count())  # a new login each time: no login's own count binds
    assert guesses_checked_in_a_minute(throttle, clock, logins) == 40 + 60


def test_a_flood_from_one_address_does_not_slow_a_class_at_another():
    clock = Clock()
    throttle = Throttle(clock=clock)
    guesses_checked_in_a_minute(throttle, clock, itertools.cycle(f"s{i:02d}" for i in range(30)))
    assert throttle.reserve("10.0.0.66", "s00") is None  # the guesser is refused
    assert [throttle.reserve("10.0.0.1", f"s{i:02d}").wait for i in range(30)] == [0] * 30


def test_a_failure_is_answered_at_the_next_turn_and_then_the_right_password_waits_for_nothing():
    clock = Clock()
    throttle = Throttle(free=0, interval=1.0, clock=clock)
    attempt = throttle.reserve("10.0.0.1", "ana")
    assert attempt.wait == 0
    assert throttle.failed(attempt) == 1.0
    clock.now += 1.0  # the guesser has its answer only now
    assert throttle.reserve("10.0.0.1", "ana").wait == 0


def test_too_many_waiting_are_refused_unchecked_and_uncounted():
    throttle = Throttle(free=0, interval=1.0, queue=4, clock=Clock())
    attempts = [throttle.reserve("10.0.0.1", "ana") for _ in range(6)]
    assert [a and a.wait for a in attempts] == [0, 1, 2, 3, None, None]
    assert throttle._counts[("10.0.0.1", None)].attempts == 4  # the refused ones cost the address nothing
    throttle = Throttle(free=5, address_free=2, address_queue=1, clock=Clock())
    attempts = [throttle.reserve("10.0.0.1", f"u{i}") for i in range(5)]
    assert [a and a.wait for a in attempts] == [0, 0, 0, None, None]  # the address's queue, over many logins


def test_a_login_that_succeeded_from_an_address_is_not_slowed_by_others_failures_there():
    throttle = Throttle(free=3, clock=Clock())
    throttle.succeeded(throttle.reserve("10.0.0.1", "ana"))
    for _ in range(100):  # someone else behind the same NAT guesses
        throttle.reserve("10.0.0.1", "bob")
    assert throttle.reserve("10.0.0.1", "ana").wait == 0
    assert throttle.reserve("10.0.0.2", "ana").keys == (("10.0.0.2", "ana"), ("10.0.0.2", None))  # from there only


def test_a_success_takes_back_its_own_attempt_but_not_others():
    throttle = Throttle(free=10, address_free=2, queue=100, address_queue=100, clock=Clock())
    first = throttle.reserve("10.0.0.1", "ana")
    throttle.reserve("10.0.0.1", "bob")
    throttle.succeeded(first)  # ana's was right
    assert throttle.reserve("10.0.0.1", "cy").wait == 0  # the address's second free attempt again
    assert throttle.reserve("10.0.0.1", "cy").wait == 0  # past the free ones: the first turn is now
    assert throttle.reserve("10.0.0.1", "cy").wait == 1


def test_the_window_passing_forgives():
    clock = Clock()
    throttle = Throttle(free=1, window=600, queue=100, clock=clock)
    for _ in range(5):
        throttle.reserve("10.0.0.1", "ana")
    clock.now += 599
    assert throttle.reserve("10.0.0.1", "ana").wait == 0  # its turn came long ago, but it is still counted
    assert throttle.reserve("10.0.0.1", "ana").wait == 1
    clock.now += 601
    assert throttle.reserve("10.0.0.1", "ana").wait == 0 and throttle._counts[("10.0.0.1", "ana")].attempts == 1


def test_memory_is_bounded():
    clock = Clock()
    throttle = Throttle(most=3, window=600, clock=clock)
    for i in range(5):
        throttle.reserve(f"10.0.0.{i}", "bob")  # a failure: counted against bob there and the address
        throttle.succeeded(throttle.reserve(f"10.0.0.{i}", "ana"))  # ana trusted there
        clock.now += 1
    assert list(throttle._counts) == [("10.0.0.4", "bob"), ("10.0.0.4", None)]  # ana's taken back, the rest dropped
    assert list(throttle._trusted) == [("10.0.0.2", "ana"), ("10.0.0.3", "ana"), ("10.0.0.4", "ana")]
    clock.now += 600
    throttle.reserve("10.0.0.9", "ana")
    assert list(throttle._counts) == [("10.0.0.9", "ana"), ("10.0.0.9", None)]  # old ones dropped, not only ignored
