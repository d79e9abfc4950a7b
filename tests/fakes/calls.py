"""Calling the gateway in tests: chat through the REST facade RPC, read error bodies."""

from __future__ import annotations

import json
from typing import Any

import grpc
from google.api import httpbody_pb2

from switchboard.v1 import openai_pb2_grpc


def error_of(exc: grpc.aio.AioRpcError) -> dict[str, Any]:
    return json.loads(dict(exc.trailing_metadata())["x-error-json"])["error"]


def chat_body(model: str = "echo/echo-1", **extra: Any) -> httpbody_pb2.HttpBody:
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}], **extra}
    return httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(body).encode())


async def chat(channel: grpc.aio.Channel, model: str = "echo/echo-1", **extra: Any) -> dict:
    stub = openai_pb2_grpc.OpenAIServiceStub(channel)
    [reply] = [m async for m in stub.ChatCompletions(chat_body(model, **extra))]
    return json.loads(reply.data)
