"""ChatService over gRPC with the generated stubs: same core, typed messages."""

from __future__ import annotations

import grpc
import pytest
from fakes.seed import logged

from switchboard.money import cost_pico, pico_to_usd
from switchboard.v1 import chat_pb2, chat_pb2_grpc


def request(model: str, **kwargs) -> chat_pb2.CreateChatCompletionRequest:
    messages = [
        chat_pb2.ChatMessage(role="system", text="be brief"),
        chat_pb2.ChatMessage(
            role="user",
            parts=chat_pb2.ContentParts(parts=[chat_pb2.ContentPart(text="typed hello")]),
        ),
    ]
    return chat_pb2.CreateChatCompletionRequest(model=model, messages=messages, **kwargs)


async def test_unary_against_echo(gateway) -> None:
    stub = chat_pb2_grpc.ChatServiceStub(gateway.channel)
    reply = await stub.CreateChatCompletion(request("echo/echo-1", max_tokens=10))
    assert reply.object == "chat.completion"
    assert reply.model == "echo/echo-1"
    assert reply.choices[0].message.text == "Echo: typed hello"
    assert reply.choices[0].finish_reason == "stop"
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens) == (4, 3)
    assert (reply.cost.estimated_usd, reply.cost.currency) == ("0", "USD")
    assert reply.provider == "echo"


async def test_unary_against_the_upstream_is_priced(gateway, fake_openai) -> None:
    stub = chat_pb2_grpc.ChatServiceStub(gateway.channel)
    reply = await stub.CreateChatCompletion(request("acme/ok", seed=2**62))
    expected = cost_pico(
        7, 3, input_price=150_000, output_price=600_000, cached_tokens=2, cached_input_price=75_000
    )
    assert reply.cost.estimated_usd == pico_to_usd(expected)
    assert reply.usage.prompt_tokens_details.cached_tokens == 2
    assert fake_openai.requests[-1]["seed"] == 2**62
    assert fake_openai.requests[-1]["messages"][1]["content"] == [
        {"type": "text", "text": "typed hello"}
    ]
    [row] = await logged(gateway, 1)
    assert row.cost_pico_usd == expected


async def test_stream_with_usage(gateway) -> None:
    stub = chat_pb2_grpc.ChatServiceStub(gateway.channel)
    options = chat_pb2.StreamOptions(include_usage=True)
    chunks = [
        c async for c in stub.StreamChatCompletion(request("acme/ok", stream_options=options))
    ]
    assert "".join(c.choices[0].delta.content for c in chunks if c.choices) == "Hello"
    assert chunks[-1].usage.total_tokens == 10
    assert chunks[-1].cost.currency == "USD"
    assert all(c.model == "acme/ok" for c in chunks)


async def test_stream_failure_after_first_chunk_is_a_status(gateway) -> None:
    stub = chat_pb2_grpc.ChatServiceStub(gateway.channel)
    received = []
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for chunk in stub.StreamChatCompletion(request("acme/cut")):
            received.append(chunk)
    assert received
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE


async def test_bad_model_is_not_found(gateway) -> None:
    stub = chat_pb2_grpc.ChatServiceStub(gateway.channel)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.CreateChatCompletion(request("acme/missing"))
    assert caught.value.code() is grpc.StatusCode.NOT_FOUND
