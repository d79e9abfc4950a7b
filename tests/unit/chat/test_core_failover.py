"""Which failures move on to the next target, and which count against a provider's circuit."""

from __future__ import annotations

import asyncio
import dataclasses

from switchboard.chat.core import ChatCore
from switchboard.chat.directory import Directory
from switchboard.chat.outcome import CallContext
from switchboard.chat.request import CallLimits, parse_chat
from switchboard.chat.resilience import Breakers, Resilience, RetryPolicy
from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatRequest, ChatResult
from switchboard.providers.echo.adapter import EchoProvider
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamBadRequest,
    UpstreamServerError,
)

ELSEWHERE = ModelInfo("elsewhere", "m", 8192, 1, 1)


class Missing:
    """A provider that does not have the model (HTTP 404)."""

    name = "elsewhere"

    async def complete(self, request: ChatRequest) -> ChatResult:
        raise UpstreamBadRequest("model not found", provider=self.name, status=404)


class Deaf:
    """A provider whose translator refuses audio before any call."""

    name = "elsewhere"

    async def complete(self, request: ChatRequest) -> ChatResult:
        raise UnsupportedInput("input_audio")


class Slow:
    name = "elsewhere"

    async def complete(self, request: ChatRequest) -> ChatResult:
        await asyncio.sleep(5)
        raise AssertionError("the call's deadline should have ended this")


def core_with(adapter: object, resilience: Resilience) -> ChatCore:
    echo = EchoProvider()
    models = {m.id: m for m in asyncio.run(echo.list_models())}
    models[ELSEWHERE.id] = ELSEWHERE
    adapters = {"elsewhere": adapter, "echo": echo}
    return ChatCore(lambda: Directory(adapters, models), lambda record: None, resilience=resilience)


def call(**limits: int):
    body = {
        "model": "elsewhere/m",
        "models": ["echo/echo-1"],
        "messages": [{"role": "user", "content": "hi"}],
    }
    return dataclasses.replace(parse_chat(body), limits=CallLimits(**limits))


def context() -> CallContext:
    return CallContext("req-1", "chat.completions", "test", False, None)


def test_a_model_the_provider_does_not_have_falls_back_to_the_next_model() -> None:
    core = core_with(Missing(), Resilience())
    result, outcome = asyncio.run(core.complete(call(), context()))
    assert outcome.provider == "echo" and result.content.startswith("Echo")
    assert [a.status for a in outcome.attempts] == ["error", "success"]


def test_a_failing_target_stops_looking_fast_to_lowest_latency_routes() -> None:
    resilience = Resilience()
    resilience.latency.observe(ELSEWHERE.id, 50)

    class Broken(Deaf):
        async def complete(self, request: ChatRequest) -> ChatResult:
            raise UpstreamServerError("boom", provider="elsewhere", status=500)

    core = core_with(Broken(), resilience)
    asyncio.run(core.complete(call(), context()))
    assert resilience.latency.estimate(ELSEWHERE.id) > 5_000


def test_the_callers_own_deadline_does_not_trip_the_providers_circuit() -> None:
    breakers = Breakers(threshold=1)
    resilience = Resilience(policy=RetryPolicy(max_retries=0), breakers=breakers)
    core = core_with(Slow(), resilience)
    _, outcome = asyncio.run(core.complete(call(timeout_ms=20), context()))
    assert outcome.provider == "echo"  # timed out, fell back
    assert breakers.get("elsewhere").state == "closed"


def test_a_part_one_provider_cannot_take_falls_back_to_one_that_can() -> None:
    core = core_with(Deaf(), Resilience(breakers=Breakers(threshold=1)))
    _, outcome = asyncio.run(core.complete(call(), context()))
    assert outcome.provider == "echo"
    assert outcome.attempts[0].provider == "elsewhere"
    assert "input_audio" in outcome.attempts[0].error
    assert core._breakers.get("elsewhere").state == "closed"  # not the provider's fault
