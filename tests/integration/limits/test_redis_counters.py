"""Counters on the real Redis: a budget counter that is missing when charged (Redis restarted
without persistence, the key evicted, or never written while Redis was away) starts from the
spend already logged, in the same atomic step, never from zero."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from switchboard.limits.counters import Charge, RedisCounters

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def test_a_missing_counter_starts_from_its_seed(redis: Redis) -> None:
    store, key = RedisCounters(redis), f"sb:test:{uuid.uuid4().hex}"
    spent_already = 90
    verdict = await store.charge([Charge(key, 100, 5, 60, seed=spent_already)])
    assert verdict.allowed and verdict.values == (95,)
    assert not (await store.charge([Charge(key, 100, 6, 60, seed=spent_already)])).allowed
    assert 0 < await redis.ttl(key) <= 60
    await redis.delete(key)  # a Redis restart without persistence
    refused = await store.charge([Charge(key, 100, 11, 60, seed=spent_already)])
    assert not refused.allowed and refused.values == (90,)
    await redis.delete(key)


async def test_an_existing_counter_ignores_the_seed(redis: Redis) -> None:
    store, key = RedisCounters(redis), f"sb:test:{uuid.uuid4().hex}"
    await store.charge([Charge(key, 100, 10, 60)])
    verdict = await store.charge([Charge(key, 100, 1, 60, seed=80)])
    assert verdict.values == (11,)
    await redis.delete(key)
