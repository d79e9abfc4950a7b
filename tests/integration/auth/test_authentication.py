"""Who may call: absent, malformed, hostile, unknown, revoked, expired and rotated keys."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from fakes.calls import chat, chat_body, error_of
from google.protobuf.timestamp_pb2 import Timestamp
from sqlalchemy import update

from switchboard.auth.keys import generate_key
from switchboard.db.schema import ApiKey
from switchboard.v1 import keys_pb2, keys_pb2_grpc, models_pb2, models_pb2_grpc, openai_pb2_grpc

HOSTILE = [
    "Bearer ' OR '1'='1' --",
    "Bearer sk-sb-'; DROP TABLE api_keys; --",
    "Bearer " + "A" * 10_240,
    "Basic dXNlcjpwYXNz",
    "Bearer",
    "Bearer " + generate_key(),  # well-formed, unknown
]


async def refused(channel: grpc.aio.Channel) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await chat(channel)
    return caught.value


async def test_no_key_is_401_with_an_openai_shaped_body(running) -> None:
    error = await refused(running.bare_channel)
    assert error.code() is grpc.StatusCode.UNAUTHENTICATED
    body = error_of(error)
    assert body["code"] == "UNAUTHORIZED"
    assert body["type"] == "authentication_error"
    assert body["request_id"]


async def chat_with(channel: grpc.aio.Channel, metadata: tuple) -> list:
    stub = openai_pb2_grpc.OpenAIServiceStub(channel)
    return [m async for m in stub.ChatCompletions(chat_body(), metadata=metadata)]


@pytest.mark.parametrize("header", HOSTILE, ids=range(len(HOSTILE)))
async def test_hostile_headers_are_401_and_never_echoed(running, header: str, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await chat_with(running.bare_channel, (("authorization", header),))
    assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
    assert error_of(caught.value)["code"] == "UNAUTHORIZED"
    secret = header.split(" ", 1)[-1]
    assert secret not in str(caught.value.trailing_metadata())
    assert secret not in caught.value.details()
    assert secret not in caplog.text


async def test_x_api_key_header_works_like_bearer(running) -> None:
    replies = await chat_with(running.bare_channel, (("x-api-key", running.admin_key),))
    assert b"Echo: hi" in replies[0].data


async def test_public_rpcs_need_no_key(running) -> None:
    stub = models_pb2_grpc.ModelsServiceStub(running.bare_channel)
    listing = await stub.ListModels(models_pb2.ListModelsRequest())
    assert any(m.id == "echo/echo-1" for m in listing.data)


async def test_a_key_without_the_permission_is_403(running, make_key) -> None:
    _, channel = await make_key(permissions=["ai:chat"])
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await keys_pb2_grpc.KeysServiceStub(channel).ListKeys(keys_pb2.ListKeysRequest())
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert error_of(caught.value)["code"] == "FORBIDDEN"
    _, reader = await make_key(permissions=["logs:read:own"])
    assert (await refused(reader)).code() is grpc.StatusCode.PERMISSION_DENIED


async def test_revoked_here_is_refused_at_once(running, make_key) -> None:
    key, channel = await make_key()
    assert (await chat(channel))["object"] == "chat.completion"
    await keys_pb2_grpc.KeysServiceStub(running.channel).RevokeKey(
        keys_pb2.RevokeKeyRequest(id=key.id)
    )
    error = await refused(channel)
    assert error.code() is grpc.StatusCode.UNAUTHENTICATED
    assert "revoked" in error.details()


async def set_key_columns(running, key_id: str, **values) -> None:
    async with running.runtime.sessions.begin() as session:
        await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(**values))


async def seconds_until_refused(channel: grpc.aio.Channel, limit: float = 8.0) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    while loop.time() - started < limit:
        try:
            await chat(channel)
        except grpc.aio.AioRpcError as exc:
            assert exc.code() is grpc.StatusCode.UNAUTHENTICATED
            return loop.time() - started
        await asyncio.sleep(0.1)
    raise AssertionError("the key kept working")


async def test_revoked_elsewhere_is_refused_within_5_seconds(running, make_key) -> None:
    key, channel = await make_key()
    await chat(channel)  # cached now
    # Another replica revokes it: only the database changes.
    await set_key_columns(running, key.id, revoked_at=datetime.now(UTC))
    assert await seconds_until_refused(channel) <= 5.0


async def test_expired_key_is_refused_within_5_seconds(running, make_key) -> None:
    soon = datetime.now(UTC) + timedelta(seconds=1)
    stamp = Timestamp()
    stamp.FromDatetime(soon)
    _, channel = await make_key(expires_at=stamp)
    await chat(channel)
    waited = await seconds_until_refused(channel)
    assert waited <= 5.0
    assert "expired" in (await refused(channel)).details()
