"""The login throttle, on a clock the test moves by hand: nothing sleeps."""

from tutor.classroom.throttle import Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: Throttle, address: str, times: int) -> list[float]:
    """The delay before each of `times` attempts, every one of them failing."""
    delays = []
    for _ in range(times):
        delays.append(throttle.delay(address))
        throttle.failed(address)
    return delays


def test_three_free_failures_then_doubling_waits_up_to_the_cap():
    throttle = Throttle(clock=Clock())
    assert fail(throttle, "10.0.0.1", 11) == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]
    assert throttle.delay("10.0.0.2") == 0  # other addresses are not slowed


def test_a_success_forgives():
    throttle = Throttle(clock=Clock())
    fail(throttle, "10.0.0.1", 5)
    throttle.succeeded("10.0.0.1")
    assert throttle.delay("10.0.0.1") == 0


def test_the_window_passing_forgives_but_a_recent_failure_does_not():
    clock = Clock()
    throttle = Throttle(window=600, clock=clock)
    fail(throttle, "10.0.0.1", 5)
    clock.now += 599
    assert throttle.delay("10.0.0.1") == 4
    throttle.failed("10.0.0.1")  # the window counts from the last failure
    clock.now += 599
    assert throttle.delay("10.0.0.1") == 8
    clock.now += 1
    assert throttle.delay("10.0.0.1") == 0


def test_memory_is_bounded():
    clock = Clock()
    throttle = Throttle(most=3, window=600, clock=clock)
    for i in range(5):
        fail(throttle, f"10.0.0.{i}", 4)
        clock.now += 1
    assert len(throttle._failures) == 3 and throttle.delay("10.0.0.0") == 0 and throttle.delay("10.0.0.4") == 2
    clock.now += 600
    throttle.delay("10.0.0.9")
    assert not throttle._failures  # old addresses are dropped, not only ignored


def test_many_failures_do_not_overflow():
    throttle = Throttle(clock=Clock())
    for _ in range(5000):
        throttle.failed("10.0.0.1")
    assert throttle.delay("10.0.0.1") == 30
