"""Rate limits: exactly N of a burst succeed, in process and across servers sharing Redis;
headers on success and refusal; tokens per minute; organization limits; Redis outage."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import grpc
import pytest
from fakes.calls import chat, chat_body, error_of
from sqlalchemy import update

from switchboard.db.schema import Organization
from switchboard.v1 import keys_pb2, keys_pb2_grpc, openai_pb2_grpc

REDIS_URL = "redis://127.0.0.1:6379/0"
DEAD_REDIS_URL = "redis://127.0.0.1:1/0"


async def clear_of_window_edge(margin: float = 5.0) -> None:
    """Fixed minute windows: keep a burst from straddling two of them."""
    left = 60 - time.time() % 60
    if left < margin:
        await asyncio.sleep(left + 0.1)


async def burst(channels: list[grpc.aio.Channel], n: int) -> tuple[list[dict], list[Any]]:
    calls = [chat(channels[i % len(channels)]) for i in range(n)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    ok = [r for r in results if isinstance(r, dict)]
    refused = [r for r in results if not isinstance(r, dict)]
    return ok, refused


def assert_rate_limited(errors: list[Any], limit: int) -> None:
    for error in errors:
        assert isinstance(error, grpc.aio.AioRpcError), error
        assert error.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
        assert error_of(error)["code"] == "RATE_LIMIT_EXCEEDED"
        trailers = dict(error.trailing_metadata())
        assert 1 <= int(trailers["retry-after"]) <= 60
        assert trailers["x-ratelimit-limit"] == str(limit)
        assert trailers["x-ratelimit-remaining"] == "0"
        assert int(trailers["x-ratelimit-reset"]) % 60 == 0


async def test_exactly_the_limit_of_a_burst_succeeds(make_key) -> None:
    _, channel = await make_key(rate_limit_per_minute=20)
    await clear_of_window_edge()
    ok, refused = await burst([channel], 50)
    assert len(ok) == 20
    assert len(refused) == 30
    assert_rate_limited(refused, 20)


async def test_success_carries_the_rate_limit_headers(make_key) -> None:
    _, channel = await make_key(rate_limit_per_minute=7, rate_limit_per_hour=1000)
    await clear_of_window_edge()
    stub = openai_pb2_grpc.OpenAIServiceStub(channel)
    call = stub.ChatCompletions(chat_body())
    [_reply] = [m async for m in call]
    headers = dict(await call.initial_metadata())
    assert headers["x-ratelimit-limit"] == "7"  # the tightest of the two
    assert headers["x-ratelimit-remaining"] == "6"
    assert int(headers["x-ratelimit-reset"]) > time.time()


async def test_tokens_per_minute_refuse_once_spent(make_key) -> None:
    _, channel = await make_key(tokens_per_minute=15)
    await clear_of_window_edge()
    spent = 0
    while spent < 15:
        spent += (await chat(channel))["usage"]["total_tokens"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await chat(channel)
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert "tokens per minute" in caught.value.details()


async def test_an_organization_limit_is_shared_by_its_keys(running, make_key) -> None:
    _, first = await make_key(organization_id="org-limited")
    _, second = await make_key(organization_id="org-limited")
    async with running.runtime.sessions.begin() as session:
        await session.execute(
            update(Organization)
            .where(Organization.id == "org-limited")
            .values(rate_limit_per_minute=5)
        )
    await clear_of_window_edge()
    ok, refused = await burst([first, second], 12)
    assert len(ok) == 5
    assert_rate_limited(refused, 5)


async def test_two_servers_sharing_redis_enforce_one_limit(database_url, server_on) -> None:
    one = await server_on(database_url, redis_url=REDIS_URL)
    two = await server_on(database_url, redis_url=REDIS_URL)
    key = await keys_pb2_grpc.KeysServiceStub(one.channel).CreateKey(
        keys_pb2.CreateKeyRequest(name="shared", permissions=["ai:chat"], rate_limit_per_minute=20)
    )
    channels = [one.channel_with_key(key.key), two.channel_with_key(key.key)]
    try:
        await clear_of_window_edge()
        ok, refused = await burst(channels, 50)
    finally:
        for channel in channels:
            await channel.close()
    assert len(ok) == 20
    assert_rate_limited(refused, 20)


async def test_without_redis_each_replica_still_enforces_the_limit(database_url, server_on) -> None:
    server = await server_on(database_url, redis_url=DEAD_REDIS_URL)
    key = await keys_pb2_grpc.KeysServiceStub(server.channel).CreateKey(
        keys_pb2.CreateKeyRequest(name="no-redis", permissions=["ai:chat"], rate_limit_per_minute=5)
    )
    channel = server.channel_with_key(key.key)
    try:
        await clear_of_window_edge()
        ok, refused = await burst([channel], 8)
    finally:
        await channel.close()
    assert len(ok) == 5
    assert_rate_limited(refused, 5)
    assert server.runtime.metrics.limit_backend_errors._value.get() >= 1
