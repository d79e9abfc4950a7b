"""A provider answer the translators cannot read is the provider's fault: it is retried and
falls back like a 5xx, a stream gets an error event instead of ending silently, and the call
is logged either way."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest

from switchboard.chat.core import ChatCore, StreamEnd, StreamFailure
from switchboard.chat.directory import Directory
from switchboard.chat.outcome import CallContext
from switchboard.chat.request import parse_chat
from switchboard.chat.resilience import Resilience, RetryPolicy
from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatRequest, ChatResult, Usage
from switchboard.errors import ProviderError
from switchboard.providers.echo.adapter import EchoProvider

BROKEN = ModelInfo("broken", "m", 8192, 1, 1)


class Garbled:
    """A provider whose answers do not parse (what a translator meets in a bad JSON line)."""

    name = "broken"

    def __init__(self) -> None:
        self.calls = 0

    async def complete(self, request: ChatRequest) -> ChatResult:
        self.calls += 1
        return json.loads("{oops")

    async def stream(self, request: ChatRequest) -> AsyncIterator[ChatChunk]:
        yield ChatChunk(role="assistant", content="Hel")
        raise KeyError("choices")


async def no_wait(seconds: float) -> None:
    return None


def setup(records: list[dict]) -> tuple[ChatCore, Garbled]:
    garbled, echo = Garbled(), EchoProvider()
    models = {m.id: m for m in asyncio.run(echo.list_models())}
    models[BROKEN.id] = BROKEN
    adapters = {"broken": garbled, "echo": echo}
    resilience = Resilience(policy=RetryPolicy(max_retries=1), sleep=no_wait)
    core = ChatCore(lambda: Directory(adapters, models), records.append, resilience=resilience)
    return core, garbled


def context() -> CallContext:
    return CallContext("req-1", "chat.completions", "test", False, None)


def call(**extra: object):
    body = {"model": "broken/m", "messages": [{"role": "user", "content": "hi"}], **extra}
    return parse_chat(body)


def test_an_unreadable_answer_is_retried_then_falls_back() -> None:
    records: list[dict] = []
    core, garbled = setup(records)

    async def run() -> ChatResult:
        result, _ = await core.complete(call(models=["echo/echo-1"]), context())
        await asyncio.sleep(0)
        return result

    result = asyncio.run(run())
    assert result.content.startswith("Echo")
    assert garbled.calls == 2  # the first try and one retry
    assert [(r["provider"], r["status"]) for r in records] == [("echo", "success")]


def test_an_unreadable_answer_without_fallback_is_a_provider_error_and_is_logged() -> None:
    records: list[dict] = []
    core, _ = setup(records)

    async def run() -> None:
        with pytest.raises(ProviderError):
            await core.complete(call(), context())
        await asyncio.sleep(0)

    asyncio.run(run())
    assert [r["status"] for r in records] == ["error"]


def test_an_unreadable_stream_event_ends_in_an_error_event_and_is_logged() -> None:
    records: list[dict] = []
    core, _ = setup(records)

    async def run() -> list:
        _, events = await core.open_stream(call(stream=True), context())
        seen = [event async for event in events]
        await asyncio.sleep(0)
        return seen

    seen = asyncio.run(run())
    assert isinstance(seen[0], ChatChunk) and seen[0].content == "Hel"
    assert isinstance(seen[1], StreamFailure)
    assert isinstance(seen[2], StreamEnd)
    outcome = seen[2].outcome  # the provider never said: "Hel" and "hi" are estimated
    assert outcome.usage_estimated
    assert (outcome.usage.prompt_tokens, outcome.usage.completion_tokens) == (3, 1)
    assert outcome.cost_pico == 3 + 1  # BROKEN costs 1 pico-USD per token either way
    assert [r["status"] for r in records] == ["error"]
    assert records[0]["response_body"] == {"content": "Hel", "usage_estimated": True}


class Silent(Garbled):
    """A provider that answers without any usage."""

    async def complete(self, request: ChatRequest) -> ChatResult:
        return ChatResult(content="Hello", finish_reason="stop", usage=Usage())


def test_an_answer_without_usage_is_charged_an_estimate() -> None:
    records: list[dict] = []
    echo = EchoProvider()
    models = {m.id: m for m in asyncio.run(echo.list_models())}
    models[BROKEN.id] = BROKEN
    core = ChatCore(lambda: Directory({"broken": Silent(), "echo": echo}, models), records.append)

    async def run() -> None:
        await core.complete(call(), context())
        await asyncio.sleep(0)

    asyncio.run(run())
    [record] = records
    assert (record["prompt_tokens"], record["completion_tokens"]) == (3, 2)  # "hi", "Hello"
    assert record["cost_pico_usd"] == 3 + 2  # priced like the usage it logs
    assert record["response_body"]["usage_estimated"] is True
