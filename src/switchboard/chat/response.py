"""Domain results -> OpenAI's `chat.completion` / `chat.completion.chunk` JSON, with
Switchboard's `cost`, `latency_ms` and `provider`. Money is written as an exact JSON number."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from switchboard.domain.chat import ChatChunk, ChatResult, Usage
from switchboard.jsontext import dumps


@dataclass(frozen=True)
class Stamp:
    """What every object of one completion shares."""

    completion_id: str
    created: int
    model: str
    provider: str


def usage_json(usage: Usage) -> dict[str, Any]:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


def message_json(result: ChatResult) -> dict[str, Any]:
    message: dict[str, Any] = {
        "role": "assistant",
        "content": result.content,
        "refusal": result.refusal,
    }
    if result.tool_calls:
        message["tool_calls"] = list(result.tool_calls)
    return message


def completion_json(result: ChatResult, stamp: Stamp) -> dict[str, Any]:
    return {
        "id": stamp.completion_id,
        "object": "chat.completion",
        "created": stamp.created,
        "model": stamp.model,
        "choices": [
            {
                "index": 0,
                "message": message_json(result),
                "logprobs": result.logprobs,
                "finish_reason": result.finish_reason,
            }
        ],
        "usage": usage_json(result.usage),
        "provider": stamp.provider,
    }


def _chunk_base(stamp: Stamp) -> dict[str, Any]:
    return {
        "id": stamp.completion_id,
        "object": "chat.completion.chunk",
        "created": stamp.created,
        "model": stamp.model,
        "provider": stamp.provider,
    }


def chunk_json(chunk: ChatChunk, stamp: Stamp) -> dict[str, Any]:
    delta: dict[str, Any] = {}
    if chunk.role is not None:
        delta["role"] = chunk.role
    if chunk.content is not None:
        delta["content"] = chunk.content
    if chunk.tool_calls:
        delta["tool_calls"] = list(chunk.tool_calls)
    if chunk.refusal is not None:
        delta["refusal"] = chunk.refusal
    choice = {
        "index": 0,
        "delta": delta,
        "logprobs": chunk.logprobs,
        "finish_reason": chunk.finish_reason,
    }
    return {**_chunk_base(stamp), "choices": [choice]}


def usage_chunk_json(usage: Usage, stamp: Stamp) -> dict[str, Any]:
    """The final chunk of `stream_options.include_usage`: no choices, just usage."""
    return {**_chunk_base(stamp), "choices": [], "usage": usage_json(usage)}


def dumps_with_cost(body: dict[str, Any], cost_usd: str, latency_ms: int) -> bytes:
    """JSON of `body` plus `cost` and `latency_ms`; the cost is an exact decimal number, never a
    float (cost_usd comes from switchboard.money.pico_to_usd: digits and at most one dot)."""
    if not cost_usd.replace(".", "", 1).isdigit():
        raise ValueError(f"not a plain decimal: {cost_usd!r}")
    extra = f',"cost":{{"estimated_usd":{cost_usd},"currency":"USD"}},"latency_ms":{latency_ms}}}'
    return dumps(body)[:-1] + extra.encode()
