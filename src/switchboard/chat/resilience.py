"""Retry pacing and per-provider circuit breakers."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from switchboard.routing.latency import LatencyTracker


@dataclass(frozen=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay: float = 0.25
    max_delay: float = 8.0
    # A Retry-After longer than this is not waited for: the next target is tried instead.
    max_retry_after: float = 1.0

    def delay(self, attempt: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retry number `attempt` (0-based), or None to stop retrying."""
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return rng.uniform(0, ceiling)  # "full jitter"


@dataclass
class CircuitBreaker:
    """Opens after `threshold` consecutive failures; after `cooldown` s lets one trial through."""

    threshold: int = 5
    cooldown: float = 30.0
    failures: int = 0
    opened_at: float | None = None
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def allows(self) -> bool:
        if self.opened_at is None:
            return True
        if self.clock() - self.opened_at >= self.cooldown:
            self.opened_at = self.clock()  # half-open: one trial, then wait again
            return True
        return False

    def record_success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def record_failure(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = self.clock()

    @property
    def state(self) -> str:
        """ "closed", "open", or "half-open" once the cooldown is over (a trial may go)."""
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.cooldown else "open"


class Breakers:
    def __init__(self, threshold: int = 5, cooldown: float = 30.0) -> None:
        self._threshold = threshold
        self._cooldown = cooldown
        self._by_provider: dict[str, CircuitBreaker] = {}

    def get(self, provider: str) -> CircuitBreaker:
        breaker = self._by_provider.get(provider)
        if breaker is None:
            breaker = CircuitBreaker(self._threshold, self._cooldown)
            self._by_provider[provider] = breaker
        return breaker


@dataclass
class Resilience:
    """How the core retries: the policy, the breakers, and (for tests) randomness and sleep."""

    policy: RetryPolicy = field(default_factory=RetryPolicy)
    breakers: Breakers = field(default_factory=Breakers)
    rng: random.Random = field(default_factory=random.Random)
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    # Observed upstream latency per model, for lowest-latency routes.
    latency: LatencyTracker = field(default_factory=LatencyTracker)

    def circuit_open(self, provider: str) -> bool:
        return self.breakers.get(provider).state == "open"
