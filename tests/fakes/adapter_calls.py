"""Calling a provider adapter directly in tests: a small chat request, its stream collected,
and how a failing model's error is classified."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest
from switchboard.providers.base import Provider
from switchboard.providers.errors import UpstreamError, UpstreamRateLimited, UpstreamServerError

WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def chat(model: str, **kwargs: Any) -> ChatRequest:
    messages = (ChatMessage("system", "Be brief."), ChatMessage("user", "hi"))
    return ChatRequest(model=model, messages=messages, **kwargs)


async def collect(provider: Provider, request: ChatRequest) -> list[ChatChunk]:
    return [chunk async for chunk in provider.stream(request)]


async def assert_classified(
    provider: Provider, model: str, kind: type[UpstreamError], status: int, name: str
) -> None:
    """Both calls (complete and stream) to `model` fail as `kind` with `status`, naming the
    provider `name`; a rate limit carries the fake's retry-after of 7 s."""
    for call in (provider.complete(chat(model)), collect(provider, chat(model))):
        with pytest.raises(kind) as raised:
            await call
        assert type(raised.value) is kind
        assert raised.value.status == status
        assert raised.value.provider == name
    if kind is UpstreamRateLimited:
        assert raised.value.retry_after == 7
    assert raised.value.retryable == (kind in (UpstreamRateLimited, UpstreamServerError))
