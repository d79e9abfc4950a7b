"""Atomic counter stores behind rate limits and budgets.

`charge` checks every counter of a request and, only if ALL pass, increments them: one
atomic step (a Lua script on Redis, a synchronous block in process), so concurrent requests
can never overshoot a limit, and a refused request consumes nothing.

A charge with amount 0 is a ceiling check only (current < limit), used for tokens per minute,
which are known only after the call and added with `add`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Charge:
    key: str
    limit: int
    amount: int
    ttl_seconds: int
    # What the counter starts from when it does not exist (a budget's spend already logged):
    # set in the same atomic step as the charge, so a counter lost (a Redis restart, a key
    # evicted) or never written (Redis was away) is not charged from zero.
    seed: int | None = None


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    # Counter values after the charge (or as found, when refused), in charge order.
    values: tuple[int, ...]
    # Index of the first charge that did not fit (None when allowed).
    refused: int | None = None


class CounterStore(Protocol):
    async def charge(self, charges: Sequence[Charge]) -> Verdict: ...

    async def add(self, key: str, amount: int, ttl_seconds: int) -> None: ...

    async def seed(self, key: str, value: int, ttl_seconds: int) -> None:
        """Set the counter unless it exists (e.g. from the database after a restart)."""
        ...


def fits(current: int, charge: Charge) -> bool:
    if charge.amount == 0:
        return current < charge.limit
    return current + charge.amount <= charge.limit


class LocalCounters:
    """One process's counters (the default without SWITCHBOARD_REDIS_URL)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._values: dict[str, tuple[int, float]] = {}

    def _get(self, key: str) -> int:
        entry = self._values.get(key)
        if entry is None or entry[1] <= self._clock():
            return 0
        return entry[0]

    def _put(self, key: str, value: int, ttl_seconds: int) -> None:
        entry = self._values.get(key)
        alive = entry is not None and entry[1] > self._clock()
        expires = entry[1] if alive and entry else self._clock() + ttl_seconds
        self._values[key] = (value, expires)

    async def charge(self, charges: Sequence[Charge]) -> Verdict:
        for charge in charges:
            if charge.seed is not None:
                await self.seed(charge.key, charge.seed, charge.ttl_seconds)
        found = [self._get(c.key) for c in charges]
        for index, (current, charge) in enumerate(zip(found, charges, strict=True)):
            if not fits(current, charge):
                return Verdict(False, tuple(found), index)
        values = []
        for current, charge in zip(found, charges, strict=True):
            if charge.amount:
                self._put(charge.key, current + charge.amount, charge.ttl_seconds)
            values.append(current + charge.amount)
        self._sweep()
        return Verdict(True, tuple(values))

    async def add(self, key: str, amount: int, ttl_seconds: int) -> None:
        self._put(key, self._get(key) + amount, ttl_seconds)

    async def seed(self, key: str, value: int, ttl_seconds: int) -> None:
        entry = self._values.get(key)
        if entry is None or entry[1] <= self._clock():
            self._values[key] = (value, self._clock() + ttl_seconds)

    def _sweep(self) -> None:
        if len(self._values) > 100_000:
            now = self._clock()
            self._values = {k: v for k, v in self._values.items() if v[1] > now}


# KEYS = counters; ARGV = limit, amount, ttl, seed (-1: none) for each.
# Returns {allowed, refused, v1, v2, ...}. A missing counter with a seed starts from it.
# Values stay below 2^53 (budgets count nano-USD), where Lua's numbers are exact.
CHARGE_SCRIPT = """
local values = {}
for i = 1, #KEYS do
  local raw = redis.call('GET', KEYS[i])
  local seed = tonumber(ARGV[4 * i])
  local current = tonumber(raw or '0')
  if not raw and seed >= 0 then
    redis.call('SET', KEYS[i], seed, 'EX', ARGV[4 * i - 1])
    current = seed
  end
  local limit = tonumber(ARGV[4 * i - 3])
  local amount = tonumber(ARGV[4 * i - 2])
  values[i] = current
  if (amount == 0 and current >= limit) or (amount > 0 and current + amount > limit) then
    return {0, i, unpack(values)}
  end
end
for i = 1, #KEYS do
  local amount = tonumber(ARGV[4 * i - 2])
  if amount > 0 then
    values[i] = redis.call('INCRBY', KEYS[i], amount)
    if redis.call('TTL', KEYS[i]) < 0 then
      redis.call('EXPIRE', KEYS[i], ARGV[4 * i - 1])
    end
  end
end
return {1, 0, unpack(values)}
"""
ADD_SCRIPT = """
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
end
return value
"""


class RedisCounters:
    """Counters shared by every replica: one round trip per charge."""

    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._charge = redis.register_script(CHARGE_SCRIPT)
        self._add = redis.register_script(ADD_SCRIPT)

    async def charge(self, charges: Sequence[Charge]) -> Verdict:
        args: list[int] = []
        for charge in charges:
            seed = -1 if charge.seed is None else charge.seed
            args += [charge.limit, charge.amount, charge.ttl_seconds, seed]
        allowed, refused, *values = await self._charge(keys=[c.key for c in charges], args=args)
        found = tuple(int(v) for v in values)
        if allowed:
            return Verdict(True, found)
        return Verdict(False, found, int(refused) - 1)

    async def add(self, key: str, amount: int, ttl_seconds: int) -> None:
        await self._add(keys=[key], args=[amount, ttl_seconds])

    async def seed(self, key: str, value: int, ttl_seconds: int) -> None:
        await self._redis.set(key, value, ex=ttl_seconds, nx=True)


class FailoverCounters:
    """Redis when it answers; this process's own counters when it does not.

    Chosen over failing closed (every request refused while Redis is down) and failing open
    (no limits at all): each replica keeps enforcing the limits on its own, so with N replicas
    a limit can be exceeded at most N-fold while Redis is away. The local counters shadow
    every seed and charge Redis took, so a failover starts from this replica's own usage
    (a budget already spent here stays spent), not from zero. Each failure is counted in a
    metric and logged (at most once per `quiet_seconds`); Redis is retried after
    `retry_seconds`, so a dead Redis costs one timeout per interval, not one per request.
    """

    def __init__(
        self,
        primary: CounterStore,
        fallback: CounterStore,
        on_error: Callable[[], None],
        *,
        retry_seconds: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._primary = primary
        self._fallback = fallback
        self._on_error = on_error
        self._retry_seconds = retry_seconds
        self._clock = clock
        self._down_until = 0.0

    def _store(self) -> CounterStore:
        return self._fallback if self._clock() < self._down_until else self._primary

    def _failed(self, exc: Exception) -> None:
        self._on_error()
        if self._clock() >= self._down_until:
            log.warning(
                "Redis unavailable for rate limits (%s); using per-replica limits for %.0f s",
                type(exc).__name__,
                self._retry_seconds,
            )
        self._down_until = self._clock() + self._retry_seconds

    async def charge(self, charges: Sequence[Charge]) -> Verdict:
        store = self._store()
        if store is self._primary:
            try:
                verdict = await store.charge(charges)
            except (RedisError, OSError) as exc:
                self._failed(exc)
            else:
                for charge in charges:  # shadowed locally, for a failover mid-period
                    if charge.seed is not None:
                        await self._fallback.seed(charge.key, charge.seed, charge.ttl_seconds)
                    if verdict.allowed and charge.amount:
                        await self._fallback.add(charge.key, charge.amount, charge.ttl_seconds)
                return verdict
        return await self._fallback.charge(charges)

    async def add(self, key: str, amount: int, ttl_seconds: int) -> None:
        store = self._store()
        if store is self._primary:
            try:
                await store.add(key, amount, ttl_seconds)
            except (RedisError, OSError) as exc:
                self._failed(exc)
        await self._fallback.add(key, amount, ttl_seconds)

    async def seed(self, key: str, value: int, ttl_seconds: int) -> None:
        store = self._store()
        if store is self._primary:
            try:
                await store.seed(key, value, ttl_seconds)
            except (RedisError, OSError) as exc:
                self._failed(exc)
        await self._fallback.seed(key, value, ttl_seconds)
