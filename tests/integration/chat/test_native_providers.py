"""Anthropic, Gemini and Cohere providers registered in the database and called through the
gateway: routing, exact cost from their usage, streams, error classes, retries, embeddings."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any

import grpc
import pytest
from fakes.adapter_calls import WEATHER_TOOL
from fakes.anthropic_server import FakeAnthropic
from fakes.calls import error_of
from fakes.cohere_server import FakeCohere
from fakes.google_server import FakeGemini
from fakes.seed import UPSTREAM_KEY, PricedModel, ProviderSeed, logged, seed_provider
from google.api import httpbody_pb2
from google.protobuf import struct_pb2

from switchboard.money import cost_pico, pico_to_usd
from switchboard.v1 import chat_pb2, chat_pb2_grpc, openai_pb2_grpc

MESSAGES = [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}]
MODELS = ["ok", "tools", "rate-limited", "auth", "bad", "broken", "flaky", "cut"]
FAKES = {"anthropic": FakeAnthropic, "google": FakeGemini, "cohere": FakeCohere}
# (prompt, completion, cached) each fake's `ok` model reports, in OpenAI's terms.
# Gemini's thought tokens count as completion tokens, as OpenAI's reasoning tokens do.
USAGE = {"anthropic": (8, 3, 2), "google": (7, 4, 2), "cohere": (5, 3, 0)}
# Cohere bills 2 tokens a text; Gemini's batchEmbedContents reports no usage at all.
EMBEDDING_TOKENS = {"google": 0, "cohere": 4}
PRICES = {"input_price": 150_000, "output_price": 600_000, "cached_input_price": 75_000}


@pytest.fixture(params=sorted(FAKES))
def upstream(request) -> Iterator[tuple[str, Any]]:
    server = FAKES[request.param]().start()
    yield request.param, server
    server.stop()


@pytest.fixture
async def native(running, upstream, database_url) -> AsyncIterator[Any]:
    kind, server = upstream
    models = [PricedModel(m) for m in MODELS] + [PricedModel("text-embedding-fake")]
    seed = ProviderSeed(
        name="native",
        type=kind,
        base_url=server.base_url,
        api_key=UPSTREAM_KEY,
        models=models,
        timeout_ms=2000,
    )
    seed_provider(database_url, running.runtime.vault, seed)
    await running.runtime.directory.refresh()
    yield running


async def post(running, body: dict) -> list[httpbody_pb2.HttpBody]:
    stub = openai_pb2_grpc.OpenAIServiceStub(running.channel)
    request = httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(body).encode())
    return [m async for m in stub.ChatCompletions(request)]


def expected_cost(kind: str) -> int:
    prompt, completion, cached = USAGE[kind]
    return cost_pico(prompt, completion, cached_tokens=cached, **PRICES)


def exact(payload: bytes | str) -> dict:
    """The JSON body with its numbers read as Decimals, so costs compare digit for digit."""
    return json.loads(payload, parse_float=Decimal)


async def test_completion_is_translated_priced_and_logged(native, upstream) -> None:
    kind, server = upstream
    [reply] = await post(native, {"model": "native/ok", "messages": MESSAGES, "max_tokens": 50})
    body = exact(reply.data)
    assert body["object"] == "chat.completion"
    message = body["choices"][0]["message"]
    assert (message["role"], message["content"]) == ("assistant", "Hello")
    assert body["choices"][0]["finish_reason"] == "stop"
    prompt, completion, cached = USAGE[kind]
    assert (body["usage"]["prompt_tokens"], body["usage"]["completion_tokens"]) == (
        prompt,
        completion,
    )
    assert body["cost"]["estimated_usd"] == Decimal(pico_to_usd(expected_cost(kind)))
    assert UPSTREAM_KEY in json.dumps(server.headers_seen[-1])
    [row] = await logged(native, 1)
    assert (row.status, row.provider, row.cost_pico_usd) == (
        "success",
        "native",
        expected_cost(kind),
    )
    assert row.cached_tokens == cached


async def test_stream_ends_with_usage_cost_and_done(native, upstream) -> None:
    kind, _ = upstream
    body = {
        "model": "native/ok",
        "messages": MESSAGES,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    payloads = [f.data.decode() for f in await post(native, body)]
    assert payloads[-1] == "data: [DONE]\n\n"
    chunks = [exact(p[6:]) for p in payloads[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks if c["choices"])
    assert text == "Hello"
    assert chunks[-1]["usage"]["completion_tokens"] == USAGE[kind][1]
    assert chunks[-1]["cost"]["estimated_usd"] == Decimal(pico_to_usd(expected_cost(kind)))
    [row] = await logged(native, 1)
    assert (row.stream, row.cost_pico_usd) == (True, expected_cost(kind))


async def test_tool_calls_come_back_in_openai_shape(native) -> None:
    body = {
        "model": "native/tools",
        "messages": MESSAGES,
        "tools": [WEATHER_TOOL],
        "max_tokens": 50,
    }
    [reply] = await post(native, body)
    choice = json.loads(reply.data)["choices"][0]
    assert choice["finish_reason"] == "tool_calls"
    call = choice["message"]["tool_calls"][0]
    assert call["type"] == "function"
    assert call["function"]["name"] == "get_weather"
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}


@pytest.mark.parametrize(
    ("model", "status", "code"),
    [
        ("rate-limited", grpc.StatusCode.RESOURCE_EXHAUSTED, "RATE_LIMIT_EXCEEDED"),
        ("auth", grpc.StatusCode.UNAVAILABLE, "PROVIDER_ERROR"),
        ("broken", grpc.StatusCode.UNAVAILABLE, "PROVIDER_ERROR"),
    ],
)
async def test_error_classes(native, model, status, code) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await post(native, {"model": f"native/{model}", "messages": MESSAGES, "max_tokens": 9})
    assert caught.value.code() is status
    assert error_of(caught.value)["code"] == code
    assert UPSTREAM_KEY not in json.dumps(error_of(caught.value))
    if model == "rate-limited":
        assert dict(caught.value.trailing_metadata())["retry-after"] == "7"
    [row] = await logged(native, 1)
    assert (row.status, row.error_code) == ("error", code)


async def test_a_bad_request_is_400_and_not_retried(native, upstream) -> None:
    _, server = upstream
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await post(native, {"model": "native/bad", "messages": MESSAGES, "max_tokens": 9})
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert server.calls["bad"] == 1


async def test_overloaded_upstream_is_retried(native, upstream) -> None:
    _, server = upstream
    [reply] = await post(native, {"model": "native/flaky", "messages": MESSAGES, "max_tokens": 9})
    assert json.loads(reply.data)["choices"][0]["message"]["content"] == "Hello"
    assert server.calls["flaky"] == 3
    [row] = await logged(native, 1)
    assert row.retries == 2


async def test_midstream_disconnect_becomes_an_error_event(native) -> None:
    body = {"model": "native/cut", "messages": MESSAGES, "stream": True, "max_tokens": 9}
    payloads = [f.data.decode() for f in await post(native, body)]
    assert payloads[-1] != "data: [DONE]\n\n"
    assert "error" in json.loads(payloads[-1][6:])
    [row] = await logged(native, 1)
    assert row.status == "error"


async def test_embeddings_where_the_provider_has_them(native, upstream) -> None:
    kind, _ = upstream
    stub = chat_pb2_grpc.ChatServiceStub(native.channel)
    inputs = struct_pb2.Value()
    inputs.list_value.extend(["x", "y"])
    request = chat_pb2.CreateEmbeddingRequest(model="native/text-embedding-fake", input=inputs)
    if kind == "anthropic":  # Anthropic has no embeddings API.
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.CreateEmbedding(request)
        assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        return
    reply = await stub.CreateEmbedding(request)
    assert len(reply.data) == 2
    assert all(len(d.embedding.list_value.values) > 0 for d in reply.data)
    assert reply.usage.prompt_tokens == EMBEDDING_TOKENS[kind]
    assert reply.cost.estimated_usd == pico_to_usd(
        cost_pico(reply.usage.prompt_tokens, 0, input_price=150_000, output_price=600_000)
    )
