"""The key cache in front of the database: one lookup per key per ttl, shared by concurrent
callers, and never cancelled by a caller that goes away."""

from __future__ import annotations

import asyncio

import pytest

from switchboard.auth.authenticator import INVALID_KEY, Authenticator
from switchboard.auth.keys import generate_key, key_digest
from switchboard.auth.principal import Principal
from switchboard.errors import Unauthorized

KEY = generate_key()
METADATA = (("authorization", f"Bearer {KEY}"),)
PRINCIPAL = Principal("key-1", "ci", None, None, frozenset({"chat"}))


class Loader:
    """Answers a lookup once `release` is set; counts lookups per digest."""

    def __init__(self, answer: Principal | None = PRINCIPAL) -> None:
        self.answer = answer
        self.lookups: list[str] = []
        self.release = asyncio.Event()
        self.release.set()
        self.failure: Exception | None = None

    async def __call__(self, digest: str) -> Principal | None:
        self.lookups.append(digest)
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return self.answer


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_key_is_looked_up_once_per_ttl() -> None:
    load, clock = Loader(), Clock()
    auth = Authenticator(load, ttl=2.0, clock=clock)
    assert await auth.authenticate(METADATA) == PRINCIPAL
    clock.now = 1.9
    assert await auth.authenticate(METADATA) == PRINCIPAL
    assert load.lookups == [key_digest(KEY)]
    clock.now = 2.1
    assert await auth.authenticate(METADATA) == PRINCIPAL
    assert len(load.lookups) == 2


async def test_an_unknown_key_is_refused_and_remembered() -> None:
    load = Loader(answer=None)
    auth = Authenticator(load)
    for _ in range(2):
        with pytest.raises(Unauthorized) as refused:
            await auth.authenticate(METADATA)
        assert refused.value.message == INVALID_KEY
        assert KEY not in refused.value.message
    assert len(load.lookups) == 1


async def test_concurrent_callers_share_one_lookup() -> None:
    load = Loader()
    load.release.clear()
    auth = Authenticator(load)
    callers = [asyncio.create_task(auth.authenticate(METADATA)) for _ in range(5)]
    await asyncio.sleep(0)
    load.release.set()
    assert await asyncio.gather(*callers) == [PRINCIPAL] * 5
    assert len(load.lookups) == 1


async def test_a_caller_that_goes_away_does_not_cancel_the_others_lookup() -> None:
    load = Loader()
    load.release.clear()
    auth = Authenticator(load)
    first = asyncio.create_task(auth.authenticate(METADATA))
    await asyncio.sleep(0)
    others = [asyncio.create_task(auth.authenticate(METADATA)) for _ in range(3)]
    await asyncio.sleep(0)
    first.cancel()
    await asyncio.sleep(0)
    load.release.set()
    assert await asyncio.gather(*others) == [PRINCIPAL] * 3
    assert first.cancelled()
    assert len(load.lookups) == 1


async def test_a_failed_lookup_reaches_every_waiter_and_is_not_cached() -> None:
    load = Loader()
    load.release.clear()
    load.failure = ConnectionError("database down")
    auth = Authenticator(load)
    callers = [asyncio.create_task(auth.authenticate(METADATA)) for _ in range(3)]
    await asyncio.sleep(0)
    load.release.set()
    results = await asyncio.gather(*callers, return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in results)
    load.failure = None
    assert await auth.authenticate(METADATA) == PRINCIPAL
    assert len(load.lookups) == 2
