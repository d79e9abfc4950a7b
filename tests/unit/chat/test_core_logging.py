"""ChatCore hands each call's log record over once, just after answering it."""

from __future__ import annotations

import asyncio
import time

import pytest

from switchboard.chat.core import ChatCore
from switchboard.chat.directory import Directory
from switchboard.chat.outcome import CallContext, Outcome
from switchboard.chat.request import parse_chat
from switchboard.providers.registry import builtin_providers

BODY = {"model": "echo/echo-1", "messages": [{"role": "user", "content": "hello"}]}


def core_logging_to(records: list[dict]) -> ChatCore:
    adapters = builtin_providers()
    models = {m.id: m for m in asyncio.run(adapters["echo"].list_models())}
    return ChatCore(lambda: Directory(adapters, models), records.append)


def context() -> CallContext:
    return CallContext("req-1", "chat.completions", "test", False, BODY)


def test_a_completed_call_is_logged_once_in_the_loops_next_turn() -> None:
    records: list[dict] = []
    core = core_logging_to(records)

    async def call() -> tuple[int, int]:
        _, outcome = await core.complete(parse_chat(BODY), context())
        submitted_at_return = len(records)
        await asyncio.sleep(0)
        return submitted_at_return, outcome.latency_ms

    submitted_at_return, latency_ms = asyncio.run(call())
    assert submitted_at_return == 0  # built off the request's path
    assert len(records) == 1
    record = records[0]
    assert (record["request_id"], record["status"]) == ("req-1", "success")
    assert record["latency_ms"] == latency_ms
    assert record["prompt_tokens"] > 0


def test_a_call_finished_outside_a_running_loop_is_logged_at_once() -> None:
    records: list[dict] = []
    core = core_logging_to(records)
    core._finish(Outcome(model="echo/echo-1"), context(), time.perf_counter())
    assert [record["request_id"] for record in records] == ["req-1"]


class SlowSettle:
    """Admission whose settle waits (a remote counter store) until released."""

    def __init__(self) -> None:
        self.settling = asyncio.Event()
        self.release = asyncio.Event()

    async def reserve(self, principal: object, worst_case_pico: int) -> object:
        return "ticket"

    async def settle(self, ticket: object, cost_pico: int, tokens: int) -> None:
        self.settling.set()
        await self.release.wait()


async def _answer(core: ChatCore) -> None:
    await core.complete(parse_chat(BODY), context())


async def _stream(core: ChatCore) -> None:
    _, events = await core.open_stream(parse_chat({**BODY, "stream": True}), context())
    async for _ in events:
        pass


@pytest.mark.parametrize("call", [_answer, _stream], ids=["answer", "stream"])
def test_a_call_whose_client_goes_away_while_it_settles_is_logged_once(call) -> None:
    records: list[dict] = []
    adapters = builtin_providers()
    models = {m.id: m for m in asyncio.run(adapters["echo"].list_models())}

    async def scenario() -> None:
        admission = SlowSettle()
        core = ChatCore(lambda: Directory(adapters, models), records.append, admission=admission)
        task = asyncio.create_task(call(core))
        await admission.settling.wait()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await asyncio.sleep(0)

    asyncio.run(scenario())
    assert [(r["request_id"], r["status"]) for r in records] == [("req-1", "success")]
