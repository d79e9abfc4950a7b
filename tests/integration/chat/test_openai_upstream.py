"""The REST facade RPC against a fake OpenAI upstream: routing, cost, errors, streams, logs."""

from __future__ import annotations

import json

import grpc
import pytest
from fakes.seed import UPSTREAM_KEY, logged
from google.api import httpbody_pb2

from switchboard.money import cost_pico, pico_to_usd
from switchboard.v1 import openai_pb2_grpc

MESSAGES = [{"role": "user", "content": "hi"}]


async def post(running, body: dict) -> list[httpbody_pb2.HttpBody]:
    stub = openai_pb2_grpc.OpenAIServiceStub(running.channel)
    request = httpbody_pb2.HttpBody(content_type="application/json", data=json.dumps(body).encode())
    return [m async for m in stub.ChatCompletions(request)]


def error_of(exc: grpc.aio.AioRpcError) -> dict:
    return json.loads(dict(exc.trailing_metadata())["x-error-json"])["error"]


async def test_completion_is_routed_priced_exactly_and_logged(gateway, fake_openai) -> None:
    [reply] = await post(
        gateway,
        {"model": "acme/ok", "messages": MESSAGES, "seed": 2**63 - 1, "custom_knob": {"a": 1}},
    )
    body = json.loads(reply.data)
    assert reply.content_type == "application/json"
    assert body["model"] == "acme/ok"
    assert body["provider"] == "acme"
    assert body["choices"][0]["message"]["content"] == "Hello"
    expected = cost_pico(
        7, 3, input_price=150_000, output_price=600_000, cached_tokens=2, cached_input_price=75_000
    )
    assert reply.data.decode().count(f'"estimated_usd":{pico_to_usd(expected)}') == 1
    assert body["usage"]["prompt_tokens_details"]["cached_tokens"] == 2
    sent = fake_openai.requests[-1]
    assert sent["model"] == "ok"
    assert sent["seed"] == 2**63 - 1  # exact, not through a float
    assert sent["custom_knob"] == {"a": 1}  # unknown fields are forwarded
    assert fake_openai.headers_seen[-1]["authorization"] == f"Bearer {UPSTREAM_KEY}"
    [row] = await logged(gateway, 1)
    assert (row.status, row.provider, row.model, row.http_status) == (
        "success",
        "acme",
        "acme/ok",
        200,
    )
    assert (row.prompt_tokens, row.completion_tokens, row.cached_tokens) == (7, 3, 2)
    assert row.cost_pico_usd == expected
    assert row.retries == 0


async def test_alias_resolves(gateway) -> None:
    [reply] = await post(gateway, {"model": "cheap", "messages": MESSAGES})
    assert json.loads(reply.data)["model"] == "acme/ok"


async def test_stream_relays_chunks_then_usage_and_done(gateway) -> None:
    frames = await post(
        gateway,
        {
            "model": "acme/ok",
            "messages": MESSAGES,
            "stream": True,
            "stream_options": {"include_usage": True},
        },
    )
    payloads = [f.data.decode() for f in frames]
    assert all(p.startswith("data: ") and p.endswith("\n\n") for p in payloads)
    assert payloads[-1] == "data: [DONE]\n\n"
    chunks = [json.loads(p[6:]) for p in payloads[:-1]]
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in chunks if c["choices"])
    assert text == "Hello"
    usage_chunk = chunks[-1]
    assert usage_chunk["choices"] == []
    assert usage_chunk["usage"]["total_tokens"] == 10
    assert usage_chunk["cost"]["currency"] == "USD"
    [row] = await logged(gateway, 1)
    assert row.stream is True
    assert row.completion_tokens == 3
    assert row.response_body == {"content": "Hello"}


async def test_upstream_rate_limit_becomes_429_with_retry_after(gateway) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await post(gateway, {"model": "acme/rate-limited", "messages": MESSAGES})
    assert caught.value.code() is grpc.StatusCode.RESOURCE_EXHAUSTED
    assert dict(caught.value.trailing_metadata())["retry-after"] == "7"
    assert error_of(caught.value)["code"] == "RATE_LIMIT_EXCEEDED"


@pytest.mark.parametrize(
    ("model", "status", "code"),
    [
        ("auth", grpc.StatusCode.UNAVAILABLE, "PROVIDER_ERROR"),
        ("context", grpc.StatusCode.INVALID_ARGUMENT, "CONTEXT_LENGTH_EXCEEDED"),
        ("bad", grpc.StatusCode.INVALID_ARGUMENT, "INVALID_REQUEST"),
        ("broken", grpc.StatusCode.UNAVAILABLE, "PROVIDER_ERROR"),
    ],
)
async def test_error_classes(gateway, fake_openai, model, status, code) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await post(gateway, {"model": f"acme/{model}", "messages": MESSAGES})
    assert caught.value.code() is status
    error = error_of(caught.value)
    assert error["code"] == code
    assert UPSTREAM_KEY not in json.dumps(error)
    [row] = await logged(gateway, 1)
    assert (row.status, row.error_code) == ("error", code)


async def test_retryable_errors_are_retried_and_counted(gateway, fake_openai) -> None:
    [reply] = await post(gateway, {"model": "acme/flaky", "messages": MESSAGES})
    assert json.loads(reply.data)["choices"][0]["message"]["content"] == "Hello"
    assert fake_openai.calls["flaky"] == 3
    [row] = await logged(gateway, 1)
    assert row.retries == 2
    assert [a["status"] for a in row.attempts] == ["error", "error", "success"]


async def test_fallback_list_moves_on_after_failures(gateway, fake_openai) -> None:
    [reply] = await post(
        gateway, {"model": "acme/broken", "models": ["acme/ok"], "messages": MESSAGES}
    )
    assert json.loads(reply.data)["model"] == "acme/ok"
    [row] = await logged(gateway, 1)
    assert row.model == "acme/ok"
    assert [a["model"] for a in row.attempts] == ["broken", "broken", "broken", "ok"]


async def test_bad_request_does_not_fall_back(gateway, fake_openai) -> None:
    with pytest.raises(grpc.aio.AioRpcError):
        await post(gateway, {"model": "acme/bad", "models": ["acme/ok"], "messages": MESSAGES})
    assert fake_openai.calls["ok"] == 0


async def test_midstream_disconnect_becomes_an_error_event(gateway) -> None:
    frames = await post(gateway, {"model": "acme/cut", "messages": MESSAGES, "stream": True})
    last = frames[-1].data.decode()
    assert last.startswith('data: {"error"')
    assert json.loads(last[6:])["error"]["code"] == "PROVIDER_ERROR"
    assert all(f.data != b"data: [DONE]\n\n" for f in frames)
    [row] = await logged(gateway, 1)
    assert row.status == "error"
    # What reached the client before the cut; the provider never said what it used.
    assert row.response_body == {"content": "Hello", "usage_estimated": True}
    assert row.completion_tokens == 2  # "Hello": 5 bytes, about 4 a token


async def test_a_hanging_upstream_times_out_as_504(gateway, fake_openai) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await post(gateway, {"model": "acme/hang", "messages": MESSAGES})
    assert caught.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    assert error_of(caught.value)["code"] == "PROVIDER_TIMEOUT"
    assert fake_openai.calls["hang"] == 3  # timeouts are retried
    [row] = await logged(gateway, 1)
    assert (row.http_status, row.retries) == (504, 2)


async def test_a_client_that_gives_up_is_still_logged(gateway) -> None:
    stub = openai_pb2_grpc.OpenAIServiceStub(gateway.channel)
    body = json.dumps({"model": "acme/hang", "messages": MESSAGES}).encode()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in stub.ChatCompletions(httpbody_pb2.HttpBody(data=body), timeout=0.2):
            pass
    assert caught.value.code() is grpc.StatusCode.DEADLINE_EXCEEDED
    [row] = await logged(gateway, 1)
    assert (row.status, row.http_status, row.error_code) == ("error", 499, "CLIENT_CLOSED_REQUEST")
