"""Counter stores: all-or-nothing charges, ceilings, expiry, set-if-absent, Redis failover."""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError

from switchboard.limits.counters import Charge, FailoverCounters, LocalCounters


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_a_refused_charge_consumes_nothing() -> None:
    store = LocalCounters()
    roomy, tight = Charge("a", 10, 1, 60), Charge("b", 1, 1, 60)
    assert (await store.charge([roomy, tight])).allowed
    refused = await store.charge([roomy, tight])
    assert (refused.allowed, refused.refused, refused.values) == (False, 1, (1, 1))
    assert (await store.charge([roomy])).values == (2,)


async def test_a_zero_charge_is_a_ceiling_check() -> None:
    store = LocalCounters()
    await store.add("tokens", 14, 60)
    assert (await store.charge([Charge("tokens", 15, 0, 60)])).allowed
    await store.add("tokens", 1, 60)
    assert not (await store.charge([Charge("tokens", 15, 0, 60)])).allowed


async def test_counters_expire_with_their_window() -> None:
    clock = Clock()
    store = LocalCounters(clock)
    await store.charge([Charge("w", 1, 1, 120)])
    assert not (await store.charge([Charge("w", 1, 1, 120)])).allowed
    clock.now += 121
    assert (await store.charge([Charge("w", 1, 1, 120)])).allowed


async def test_seed_never_overwrites_a_live_counter() -> None:
    store = LocalCounters()
    await store.seed("s", 5, 60)
    await store.seed("s", 99, 60)
    assert (await store.charge([Charge("s", 6, 1, 60)])).values == (6,)


class DeadStore:
    calls = 0

    async def charge(self, charges):
        DeadStore.calls += 1
        raise RedisConnectionError("refused")

    async def add(self, key, amount, ttl_seconds):
        raise RedisConnectionError("refused")

    async def seed(self, key, value, ttl_seconds):
        raise RedisConnectionError("refused")


async def test_failover_uses_local_counters_and_retries_redis_later() -> None:
    clock, errors = Clock(), []
    store = FailoverCounters(
        DeadStore(), LocalCounters(clock), lambda: errors.append(1), clock=clock
    )
    one = Charge("k", 2, 1, 60)
    assert (await store.charge([one])).allowed
    assert (await store.charge([one])).allowed
    assert not (await store.charge([one])).allowed
    assert DeadStore.calls == 1  # not retried inside the back-off interval
    clock.now += 6
    await store.charge([one])
    assert DeadStore.calls == 2
    assert len(errors) == 2


class FlakyStore(LocalCounters):
    """Redis that answers until `fail` is set (a timeout under load, say)."""

    fail = False

    async def charge(self, charges):
        if self.fail:
            raise RedisConnectionError("timed out")
        return await super().charge(charges)

    async def add(self, key, amount, ttl_seconds):
        if self.fail:
            raise RedisConnectionError("timed out")
        await super().add(key, amount, ttl_seconds)


async def test_a_failover_mid_period_remembers_what_this_replica_already_spent() -> None:
    redis = FlakyStore()
    store = FailoverCounters(redis, LocalCounters(), lambda: None)
    await store.seed("budget", 3, 60)  # spent before this process started, from the database
    one = Charge("budget", 10, 2, 60)
    assert (await store.charge([one])).allowed  # 5
    assert (await store.charge([one])).allowed  # 7
    await store.add("budget", -1, 60)  # settled below the reservation: 6
    redis.fail = True
    assert (await store.charge([one])).values == (8,)  # locally, from 6, not from 0
    assert (await store.charge([one])).values == (10,)
    assert not (await store.charge([one])).allowed  # 12 would exceed 10
