import random

from switchboard.chat.resilience import Breakers, CircuitBreaker, Resilience, RetryPolicy


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
    assert breaker.state == "half-open"  # routes stop putting it last: the trial can happen
    assert breaker.allows()  # one trial
    assert breaker.state == "open"
    assert not breaker.allows()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allows()


def test_breakers_are_per_provider() -> None:
    breakers = Breakers(threshold=1)
    breakers.get("a").record_failure()
    assert not breakers.get("a").allows()
    assert breakers.get("b").allows()


def test_a_failed_trial_opens_the_circuit_for_another_cooldown() -> None:
    now = [0.0]
    breaker = CircuitBreaker(threshold=1, cooldown=10, clock=lambda: now[0])
    breaker.record_failure()
    now[0] = 10.0
    assert breaker.allows()
    breaker.record_failure()
    now[0] = 19.0
    assert breaker.state == "open" and not breaker.allows()
    now[0] = 20.0
    assert breaker.state == "half-open"


def test_routes_stop_demoting_a_provider_once_its_cooldown_is_over() -> None:
    now = [0.0]
    resilience = Resilience(breakers=Breakers(threshold=1, cooldown=10))
    breaker = resilience.breakers.get("openai")
    breaker.clock = lambda: now[0]
    breaker.record_failure()
    assert resilience.circuit_open("openai")
    now[0] = 10.0
    assert not resilience.circuit_open("openai")
