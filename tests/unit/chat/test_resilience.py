import random

from switchboard.chat.resilience import Breakers, CircuitBreaker, RetryPolicy


def test_backoff_is_jittered_exponential_and_capped() -> None:
    policy = RetryPolicy(base_delay=0.25, max_delay=1.0)
    rng = random.Random(7)
    for attempt, ceiling in [(0, 0.25), (1, 0.5), (2, 1.0), (5, 1.0)]:
        delays = [policy.delay(attempt, None, rng) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling * 0.8  # spread over the whole range


def test_retry_after_is_honoured_up_to_the_limit() -> None:
    policy = RetryPolicy(max_retry_after=1.0)
    rng = random.Random(1)
    assert policy.delay(0, 0.5, rng) == 0.5
    assert policy.delay(0, 7, rng) is None


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=3, cooldown=10, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure()
    assert breaker.allows() and breaker.state == "closed"
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allows()
    now[0] = 10.0
    assert breaker.allows()  # one trial
    assert not breaker.allows()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allows()


def test_breakers_are_per_provider() -> None:
    breakers = Breakers(threshold=1)
    breakers.get("a").record_failure()
    assert not breakers.get("a").allows()
    assert breakers.get("b").allows()
