"""GeminiProvider against a fake Gemini API over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
from fakes.adapter_calls import WEATHER_TOOL, assert_classified, chat, collect
from fakes.google_server import SIGNATURE, FakeGemini

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest
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
from switchboard.providers.google import GeminiProvider

KEY = "AIza-test-key"


@pytest.fixture
def fake() -> Iterator[FakeGemini]:
    server = FakeGemini().start()
    yield server
    server.stop()


@pytest.fixture
async def provider(fake) -> AsyncIterator[GeminiProvider]:
    session = make_session()
    yield GeminiProvider("gemini", fake.base_url, KEY, session, timeout=0.3)
    await session.close()


async def test_complete_sends_the_key_header_and_a_gemini_body(provider, fake) -> None:
    result = await provider.complete(chat("ok", temperature=0.5, max_tokens=20))
    assert (result.content, result.finish_reason, result.upstream_id) == (
        "Hello",
        "stop",
        "fake-response-id",
    )
    usage = result.usage
    assert (usage.prompt_tokens, usage.cached_tokens) == (7, 2)
    assert (usage.completion_tokens, usage.reasoning_tokens) == (4, 1)
    headers = fake.headers_seen[-1]
    assert headers["x-goog-api-key"] == KEY
    assert "authorization" not in headers
    assert fake.paths_seen[-1] == "/v1beta/models/ok:generateContent"
    sent = fake.requests[-1]
    assert sent["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert sent["contents"] == [{"role": "user", "parts": [{"text": "hi"}]}]
    assert sent["generationConfig"] == {"temperature": 0.5, "maxOutputTokens": 20}


async def test_complete_with_tool_calls(provider, fake) -> None:
    result = await provider.complete(chat("tools", params={"tools": [WEATHER_TOOL]}))
    assert result.finish_reason == "tool_calls"
    assert result.content == "Checking."
    assert [call["id"] for call in result.tool_calls] == ["call_0", "call_1"]
    paris, london = result.tool_calls
    assert paris["function"]["name"] == "get_weather"
    assert json.loads(paris["function"]["arguments"]) == {"city": "Paris"}
    assert paris["extra_content"]["google"]["thought_signature"] == SIGNATURE
    assert json.loads(london["function"]["arguments"]) == {"city": "London"}
    declaration = fake.requests[-1]["tools"][0]["functionDeclarations"][0]
    assert declaration["name"] == "get_weather"


async def test_a_tool_result_turn_goes_back_as_a_function_response(provider, fake) -> None:
    first = await provider.complete(chat("tools", params={"tools": [WEATHER_TOOL]}))
    messages = (
        ChatMessage("user", "weather?"),
        ChatMessage("assistant", first.content, tool_calls=first.tool_calls),
        ChatMessage("tool", "18C", tool_call_id="call_0"),
        ChatMessage("tool", "12C", tool_call_id="call_1"),
    )
    await provider.complete(ChatRequest(model="ok", messages=messages))
    model_turn, results = fake.requests[-1]["contents"][1:]
    assert model_turn["parts"][1]["thoughtSignature"] == SIGNATURE
    assert results == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"content": "18C"}}},
            {"functionResponse": {"name": "get_weather", "response": {"content": "12C"}}},
        ],
    }


async def test_max_tokens_and_a_blocked_prompt(provider) -> None:
    assert (await provider.complete(chat("long"))).finish_reason == "length"
    blocked = await provider.complete(chat("blocked"))
    assert (blocked.content, blocked.finish_reason) == ("", "content_filter")
    chunks = await collect(provider, chat("blocked"))
    assert [c.finish_reason for c in chunks] == ["content_filter"]


async def test_stream_text_then_finish_with_usage(provider, fake) -> None:
    chunks = await collect(provider, chat("ok"))
    assert chunks[0].role == "assistant"
    assert "".join(c.content or "" for c in chunks) == "Hello"
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens) == (7, 2, 4)
    assert usage.reasoning_tokens == 1
    assert fake.paths_seen[-1] == "/v1beta/models/ok:streamGenerateContent?alt=sse"
    assert fake.headers_seen[-1]["x-goog-api-key"] == KEY


async def test_stream_tool_call_deltas(provider) -> None:
    chunks = await collect(provider, chat("tools", params={"tools": [WEATHER_TOOL]}))
    calls = [call for c in chunks for call in c.tool_calls]
    assert [(call["index"], call["id"]) for call in calls] == [(0, "call_0"), (1, "call_1")]
    cities = [json.loads(call["function"]["arguments"])["city"] for call in calls]
    assert cities == ["Paris", "London"]
    assert chunks[-1].finish_reason == "tool_calls"
    assert chunks[-1].usage is not None


@pytest.mark.parametrize(
    ("model", "kind", "status"),
    [
        ("rate-limited", UpstreamRateLimited, 429),
        ("auth", UpstreamAuthError, 401),
        ("forbidden", UpstreamAuthError, 403),
        ("bad", UpstreamBadRequest, 400),
        ("missing", UpstreamBadRequest, 404),
        ("broken", UpstreamServerError, 500),
        ("overloaded", UpstreamServerError, 503),
        ("deadline", UpstreamServerError, 504),
    ],
)
async def test_errors_are_classified(provider, model, kind, status) -> None:
    await assert_classified(provider, model, kind, status, "gemini")


async def test_a_too_long_prompt_is_not_guessed_from_the_message(provider) -> None:
    with pytest.raises(UpstreamBadRequest) as raised:
        await provider.complete(chat("bad"))
    assert not isinstance(raised.value, UpstreamContextTooLong)


@pytest.mark.parametrize(("key", "status"), [("", 403), ("invalid-key", 401)])
async def test_a_missing_or_invalid_key_is_an_auth_error(fake, key, status) -> None:
    session = make_session()
    provider = GeminiProvider("gemini", fake.base_url, key, session)
    try:
        with pytest.raises(UpstreamAuthError) as raised:
            await provider.complete(chat("ok"))
        assert raised.value.status == status
        assert not await provider.health()
    finally:
        await session.close()


async def test_flaky_is_overloaded_twice_then_answers(provider) -> None:
    for _ in range(2):
        with pytest.raises(UpstreamServerError):
            await provider.complete(chat("flaky"))
    assert (await provider.complete(chat("flaky"))).content == "Hello"


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


async def test_error_event_mid_stream_is_a_retryable_server_error(provider) -> None:
    chunks: list[ChatChunk] = []
    with pytest.raises(UpstreamServerError) as raised:
        async for chunk in provider.stream(chat("overloaded-midstream")):
            chunks.append(chunk)
    assert [c.content for c in chunks] == ["Hel"]
    assert raised.value.status == 503
    assert raised.value.retryable


async def test_list_models_follows_page_tokens(provider, fake) -> None:
    models = await provider.list_models()
    assert [m.id for m in models] == ["gemini/gemini-ok", "gemini/text-embedding-fake"]
    chat_model, embedding = models
    assert chat_model.context_length == 1048576
    assert embedding.output_modalities == ("embeddings",)
    assert fake.paths_seen[0] == "/v1beta/models?pageSize=1000"
    assert fake.paths_seen[1] == "/v1beta/models?pageSize=1000&pageToken=page-2"
    assert fake.headers_seen[-1]["x-goog-api-key"] == KEY
    assert await provider.health()


async def test_embed_in_order_without_token_counts(provider, fake) -> None:
    vectors, tokens = await provider.embed("text-embedding-fake", ["a", "b", "c"])
    assert vectors == [[0.5, -0.25, 0.0], [0.5, -0.25, 1.0], [0.5, -0.25, 2.0]]
    assert tokens == 0
    assert fake.paths_seen[-1] == "/v1beta/models/text-embedding-fake:batchEmbedContents"
    assert fake.requests[-1]["requests"][1] == {
        "model": "models/text-embedding-fake",
        "content": {"parts": [{"text": "b"}]},
    }
    assert fake.headers_seen[-1]["x-goog-api-key"] == KEY


async def test_health_is_false_when_unreachable() -> None:
    session = make_session()
    provider = GeminiProvider("gemini", "http://127.0.0.1:1/v1beta", KEY, session, timeout=0.3)
    try:
        assert not await provider.health()
        with pytest.raises(UpstreamUnreachable):
            await provider.complete(chat("ok"))
    finally:
        await session.close()
