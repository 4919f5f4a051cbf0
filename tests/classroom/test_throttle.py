"""The login throttle, on a clock the test moves by hand: nothing sleeps."""

from tutor.classroom.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_parallel_attempts_are_counted_as_they_arrive_and_let_through_one_a_second():
    throttle = Throttle(free=3, interval=1.0, queue=100, clock=Clock())
    waits = [throttle.reserve("10.0.0.1") for _ in range(8)]  # all arrive before any is checked
    assert waits == [0, 0, 0, 0, 1, 2, 3, 4]
    assert throttle.reserve("10.0.0.2") == 0  # other addresses are not slowed


def test_a_failure_is_answered_at_the_next_turn_and_then_the_right_password_waits_for_nothing():
    clock = Clock()
    throttle = Throttle(free=0, interval=1.0, clock=clock)
    assert throttle.reserve("10.0.0.1") == 0
    assert throttle.failed("10.0.0.1") == 1.0
    clock.now += 1.0  # the guesser has its answer only now
    assert throttle.reserve("10.0.0.1") == 0


def test_too_many_waiting_are_refused_unchecked():
    throttle = Throttle(free=0, interval=1.0, queue=4, clock=Clock())
    waits = [throttle.reserve("10.0.0.1") for _ in range(6)]
    assert waits == [0, 1, 2, 3, None, None]


def test_a_login_that_succeeded_from_an_address_is_not_slowed_by_others_failures_there():
    clock = Clock()
    throttle = Throttle(free=3, clock=clock)
    key = throttle.key("10.0.0.1", "ana")
    assert throttle.reserve(key) == 0
    throttle.succeeded(key, "10.0.0.1", "ana")
    for _ in range(30):  # someone else behind the same NAT guesses
        throttle.reserve(throttle.key("10.0.0.1", "bob"))
    assert throttle.key("10.0.0.1", "ana") == "10.0.0.1 ana"
    assert throttle.reserve(throttle.key("10.0.0.1", "ana")) == 0
    assert throttle.key("10.0.0.2", "ana") == "10.0.0.2"  # trusted from that address only


def test_a_success_takes_back_its_own_attempt_but_not_others():
    throttle = Throttle(free=2, queue=100, clock=Clock())
    for _ in range(2):
        throttle.reserve("10.0.0.1")
    throttle.succeeded("10.0.0.1", "10.0.0.1", "ana")  # one of the two was right
    assert throttle.reserve("10.0.0.1") == 0  # the second free attempt again
    assert throttle.reserve("10.0.0.1") == 0  # past the free ones: the first turn is now
    assert throttle.reserve("10.0.0.1") == 1


def test_the_window_passing_forgives():
    clock = Clock()
    throttle = Throttle(free=1, window=600, queue=100, clock=clock)
    for _ in range(5):
        throttle.reserve("10.0.0.1")
    clock.now += 599
    assert throttle.reserve("10.0.0.1") == 0  # its turn came long ago, but it is still counted
    assert throttle.reserve("10.0.0.1") == 1
    clock.now += 601
    assert throttle.reserve("10.0.0.1") == 0 and throttle._counts["10.0.0.1"].attempts == 1


def test_memory_is_bounded():
    clock = Clock()
    throttle = Throttle(most=3, window=600, clock=clock)
    for i in range(5):
        throttle.reserve(f"10.0.0.{i}")
        throttle.succeeded(f"10.0.0.{i}", f"10.0.0.{i}", "ana")
        clock.now += 1
    assert len(throttle._counts) == 3 and len(throttle._trusted) == 3
    clock.now += 600
    throttle.reserve("10.0.0.9")
    assert list(throttle._counts) == ["10.0.0.9"]  # old addresses are dropped, not only ignored
