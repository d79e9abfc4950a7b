"""Helpers for auth tests: create keys through KeysService, read error bodies."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import grpc
import pytest
from google.api import httpbody_pb2

from switchboard.v1 import keys_pb2, keys_pb2_grpc, openai_pb2_grpc


def error_of(exc: grpc.aio.AioRpcError) -> dict[str, Any]:
    return json.loads(dict(exc.trailing_metadata())["x-error-json"])["error"]


def chat_body(model: str = "echo/echo-1", **extra: Any) -> httpbody_pb2.HttpBody:
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}
    return httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(body).encode())


async def chat(channel: grpc.aio.Channel, model: str = "echo/echo-1", **extra: Any) -> dict:
    stub = openai_pb2_grpc.OpenAIServiceStub(channel)
    [reply] = [m async for m in stub.ChatCompletions(chat_body(model, **extra))]
    return json.loads(reply.data)


KeyMaker = Callable[..., Awaitable[tuple[keys_pb2.ApiKey, grpc.aio.Channel]]]


@pytest.fixture
async def make_key(running) -> AsyncIterator[KeyMaker]:
    """Create a key with the admin key; returns it and a channel that sends it."""
    channels: list[grpc.aio.Channel] = []

    async def make(**fields: Any) -> tuple[keys_pb2.ApiKey, grpc.aio.Channel]:
        fields.setdefault("name", "test key")
        fields.setdefault("permissions", ["ai:chat"])
        stub = keys_pb2_grpc.KeysServiceStub(running.channel)
        key = await stub.CreateKey(keys_pb2.CreateKeyRequest(**fields))
        channels.append(running.channel_with_key(key.key))
        return key, channels[-1]

    yield make
    for channel in channels:
        await channel.close()
