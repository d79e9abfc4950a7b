"""AnthropicProvider against a fake Anthropic upstream over real HTTP on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator

import pytest
from fakes.adapter_calls import WEATHER_TOOL, assert_classified, chat, collect
from fakes.anthropic_server import FakeAnthropic

from switchboard.domain.chat import ChatChunk
from switchboard.providers.anthropic import AnthropicProvider
from switchboard.providers.base import UnsupportedFeature
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

KEY = "sk-ant-test-key"


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    server = FakeAnthropic().start()
    yield server
    server.stop()


@pytest.fixture
async def provider(fake) -> AsyncIterator[AnthropicProvider]:
    session = make_session()
    yield AnthropicProvider("claude", fake.base_url, KEY, session, timeout=0.3)
    await session.close()


async def test_complete_sends_key_version_and_anthropic_body(provider, fake) -> None:
    result = await provider.complete(chat("ok", temperature=0.5))
    assert (result.content, result.finish_reason, result.upstream_id) == (
        "Hello",
        "stop",
        "msg_fake",
    )
    assert (result.usage.prompt_tokens, result.usage.cached_tokens) == (8, 2)
    assert result.usage.completion_tokens == 3
    headers = fake.headers_seen[-1]
    assert headers["x-api-key"] == KEY
    assert headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in headers
    assert fake.paths_seen[-1] == "/v1/messages"
    sent = fake.requests[-1]
    assert sent["system"] == [{"type": "text", "text": "Be brief."}]
    assert sent["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert (sent["max_tokens"], sent["temperature"]) == (4096, 0.5)
    assert "stream" not in sent


async def test_api_version_is_configurable(fake) -> None:
    session = make_session()
    provider = AnthropicProvider("claude", fake.base_url, KEY, session, api_version="2099-01-01")
    try:
        await provider.complete(chat("ok"))
    finally:
        await session.close()
    assert fake.headers_seen[-1]["anthropic-version"] == "2099-01-01"


async def test_complete_with_a_tool_call(provider, fake) -> None:
    result = await provider.complete(chat("tools", params={"tools": [WEATHER_TOOL]}))
    assert result.finish_reason == "tool_calls"
    assert result.content == "Checking."
    [call] = result.tool_calls
    assert (call["id"], call["function"]["name"]) == ("toolu_fake", "get_weather")
    assert json.loads(call["function"]["arguments"]) == {"city": "Paris"}
    assert fake.requests[-1]["tools"][0]["name"] == "get_weather"


async def test_stream_text_then_finish_with_usage(provider, fake) -> None:
    chunks = await collect(provider, chat("ok"))
    assert chunks[0].role == "assistant"
    assert "".join(c.content or "" for c in chunks) == "Hello"
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["stop"]
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.cached_tokens, usage.completion_tokens) == (8, 2, 3)
    assert fake.requests[-1]["stream"] is True


async def test_stream_tool_call_deltas(provider) -> None:
    chunks = await collect(provider, chat("tools", params={"tools": [WEATHER_TOOL]}))
    calls = [call for c in chunks for call in c.tool_calls]
    assert calls[0]["id"] == "toolu_fake"
    assert calls[0]["function"]["name"] == "get_weather"
    assert {call["index"] for call in calls} == {0}
    arguments = "".join(call["function"]["arguments"] for call in calls)
    assert json.loads(arguments) == {"city": "Paris"}
    assert chunks[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize(
    ("model", "kind", "status"),
    [
        ("rate-limited", UpstreamRateLimited, 429),
        ("auth", UpstreamAuthError, 401),
        ("forbidden", UpstreamAuthError, 403),
        ("bad", UpstreamBadRequest, 400),
        ("missing", UpstreamBadRequest, 404),
        ("too-large", UpstreamBadRequest, 413),
        ("broken", UpstreamServerError, 500),
        ("overloaded", UpstreamServerError, 529),
    ],
)
async def test_errors_are_classified(provider, model, kind, status) -> None:
    await assert_classified(provider, model, kind, status, "claude")


async def test_prompt_too_long_is_not_guessed_from_the_message(provider) -> None:
    with pytest.raises(UpstreamBadRequest) as raised:
        await provider.complete(chat("bad"))
    assert not isinstance(raised.value, UpstreamContextTooLong)


async def test_flaky_is_overloaded_twice_then_answers(provider) -> None:
    for _ in range(2):
        with pytest.raises(UpstreamServerError):
            await provider.complete(chat("flaky"))
    assert (await provider.complete(chat("flaky"))).content == "Hello"


async def test_a_missing_key_is_rejected_like_anthropic_does(fake) -> None:
    session = make_session()
    provider = AnthropicProvider("claude", fake.base_url, "", session)
    try:
        with pytest.raises(UpstreamAuthError):
            await provider.complete(chat("ok"))
    finally:
        await session.close()


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
    with pytest.raises(UpstreamServerError) as raised:
        await collect(provider, chat("overloaded-midstream"))
    assert raised.value.retryable


async def test_list_models_follows_pages(provider, fake) -> None:
    models = await provider.list_models()
    assert [m.id for m in models] == ["claude/claude-ok", "claude/claude-tools"]
    assert models[0].description == "Claude OK"
    assert models[0].created == 1739923200
    assert fake.paths_seen[0] == "/v1/models?limit=1000"
    assert fake.paths_seen[1] == "/v1/models?limit=1000&after_id=claude-ok"
    assert fake.headers_seen[-1]["x-api-key"] == KEY
    assert await provider.health()


async def test_health_is_false_when_unreachable() -> None:
    session = make_session()
    provider = AnthropicProvider("claude", "http://127.0.0.1:1/v1", KEY, session, timeout=0.3)
    try:
        assert not await provider.health()
        with pytest.raises(UpstreamUnreachable):
            await provider.complete(chat("ok"))
    finally:
        await session.close()


async def test_embed_is_unsupported(provider) -> None:
    with pytest.raises(UnsupportedFeature):
        await provider.embed("claude-ok", ["hi"])
