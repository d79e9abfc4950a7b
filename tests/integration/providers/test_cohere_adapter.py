"""CohereProvider against a fake Cohere v2 upstream over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
from fakes.adapter_calls import WEATHER_TOOL, assert_classified, chat, collect
from fakes.cohere_server import FakeCohere

from switchboard.domain.chat import ChatChunk
from switchboard.providers.cohere import CohereProvider
from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
    UpstreamUnreachable,
)
from switchboard.providers.fasthttp import make_session

KEY = "co-test-key"


@pytest.fixture
def fake() -> Iterator[FakeCohere]:
    server = FakeCohere().start()
    yield server
    server.stop()


@pytest.fixture
async def provider(fake) -> AsyncIterator[CohereProvider]:
    session = make_session()
    yield CohereProvider("co", fake.base_url, KEY, session, timeout=0.3)
    await session.close()


async def test_complete_sends_bearer_key_and_cohere_body(provider, fake) -> None:
    result = await provider.complete(chat("ok", temperature=0.5, params={"top_p": 0.9}))
    assert (result.content, result.finish_reason, result.upstream_id) == (
        "Hello",
        "stop",
        "chat-fake",
    )
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (5, 3)
    assert fake.headers_seen[-1]["authorization"] == f"Bearer {KEY}"
    assert fake.paths_seen[-1] == "/v2/chat"
    sent = fake.requests[-1]
    assert sent["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
    ]
    assert (sent["temperature"], sent["p"], sent["stream"]) == (0.5, 0.9, False)


async def test_complete_with_a_tool_call(provider, fake) -> None:
    params = {"tools": [WEATHER_TOOL], "tool_choice": "required"}
    result = await provider.complete(chat("tools", params=params))
    assert result.finish_reason == "tool_calls"
    assert result.content is None
    [call] = result.tool_calls
    assert (call["id"], call["function"]["name"]) == ("get_weather_1byjy32y4hvq", "get_weather")
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
    sent = fake.requests[-1]
    assert sent["tools"][0]["function"]["name"] == "get_weather"
    assert sent["tool_choice"] == "REQUIRED"


async def test_stream_text_then_finish_with_usage(provider, fake) -> None:
    chunks = await collect(provider, chat("ok"))
    assert chunks[0].role == "assistant"
    assert "".join(c.content or "" for c in chunks) == "Hello"
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    assert chunks[-1].finish_reason == "stop"
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (5, 3)
    assert fake.requests[-1]["stream"] is True
    assert fake.headers_seen[-1]["authorization"] == f"Bearer {KEY}"


async def test_stream_tool_call_deltas(provider) -> None:
    chunks = await collect(provider, chat("tools", params={"tools": [WEATHER_TOOL]}))
    calls = [call for c in chunks for call in c.tool_calls]
    assert calls[0]["id"] == "get_weather_1byjy32y4hvq"
    assert calls[0]["function"]["name"] == "get_weather"
    assert {call["index"] for call in calls} == {0}
    arguments = "".join(call["function"]["arguments"] for call in calls)
    assert json.loads(arguments) == {"city": "Paris"}
    assert not any(c.content for c in chunks)
    assert chunks[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize(
    ("model", "kind", "status"),
    [
        ("rate-limited", UpstreamRateLimited, 429),
        ("auth", UpstreamAuthError, 401),
        ("payment", UpstreamAuthError, 402),
        ("invalid-token", UpstreamAuthError, 498),
        ("bad", UpstreamBadRequest, 400),
        ("missing", UpstreamBadRequest, 404),
        ("unprocessable", UpstreamBadRequest, 422),
        ("cancelled", UpstreamBadRequest, 499),
        ("broken", UpstreamServerError, 500),
        ("unavailable", UpstreamServerError, 503),
    ],
)
async def test_errors_are_classified(provider, model, kind, status) -> None:
    await assert_classified(provider, model, kind, status, "co")


async def test_too_many_tokens_is_not_guessed_to_be_context_length(provider) -> None:
    with pytest.raises(UpstreamBadRequest) as raised:
        await provider.complete(chat("bad"))
    assert not isinstance(raised.value, UpstreamContextTooLong)
    assert raised.value.message.startswith("too many tokens")


async def test_an_error_finish_is_a_retryable_server_error(provider) -> None:
    for call in (provider.complete(chat("error-finish")), collect(provider, chat("error-finish"))):
        with pytest.raises(UpstreamServerError) as raised:
            await call
        assert raised.value.retryable


async def test_flaky_is_unavailable_twice_then_answers(provider) -> None:
    for _ in range(2):
        with pytest.raises(UpstreamServerError):
            await provider.complete(chat("flaky"))
    assert (await provider.complete(chat("flaky"))).content == "Hello"


async def test_a_missing_key_is_rejected_like_cohere_does(fake) -> None:
    session = make_session()
    provider = CohereProvider("co", fake.base_url, "", session)
    try:
        with pytest.raises(UpstreamAuthError):
            await provider.complete(chat("ok"))
    finally:
        await session.close()
    assert "authorization" not in fake.headers_seen[-1]


async def test_hang_times_out(provider) -> None:
    with pytest.raises(UpstreamTimeout):
        await provider.complete(chat("hang"))
    with pytest.raises(UpstreamTimeout):
        await collect(provider, chat("hang"))


async def test_cut_stream_is_unreachable(provider) -> None:
    chunks: list[ChatChunk] = []
    with pytest.raises(UpstreamUnreachable):
        async for chunk in provider.stream(chat("cut")):
            chunks.append(chunk)
    assert "".join(c.content or "" for c in chunks) == "Hel"
    assert not any(c.finish_reason for c in chunks)


async def test_list_models_reads_v1_pages(provider, fake) -> None:
    models = await provider.list_models()
    assert [m.id for m in models] == ["co/command-ok", "co/embed-ok", "co/command-vision"]
    assert models[0].context_length == 256000
    assert models[1].output_modalities == ("embeddings",)
    assert models[2].input_modalities == ("text", "image")
    assert fake.paths_seen[0] == "/v1/models?page_size=1000"
    assert fake.paths_seen[1] == "/v1/models?page_size=1000&page_token=p2"
    assert fake.headers_seen[-1]["authorization"] == f"Bearer {KEY}"
    assert await provider.health()


async def test_embed_in_batches_of_96(provider, fake) -> None:
    vectors, tokens = await provider.embed("embed-ok", [f"text {i}" for i in range(100)])
    assert len(vectors) == 100
    assert vectors[1] == [0.5, -0.25, 1.0]
    assert vectors[96] == [0.5, -0.25, 0.0]
    assert tokens == 200
    assert fake.paths_seen[-2:] == ["/v2/embed", "/v2/embed"]
    assert [len(r["texts"]) for r in fake.requests] == [96, 4]
    assert fake.requests[0]["input_type"] == "search_document"
    assert fake.requests[0]["embedding_types"] == ["float"]
    assert fake.headers_seen[-1]["authorization"] == f"Bearer {KEY}"


async def test_health_is_false_when_unreachable() -> None:
    session = make_session()
    provider = CohereProvider("co", "http://127.0.0.1:1/v2", KEY, session, timeout=0.3)
    try:
        assert not await provider.health()
        with pytest.raises(UpstreamUnreachable):
            await provider.complete(chat("ok"))
    finally:
        await session.close()
