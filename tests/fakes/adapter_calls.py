"""Calling a provider adapter directly in tests: a small chat request, its stream collected."""

from __future__ import annotations

from typing import Any

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest
from switchboard.providers.base import Provider

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
