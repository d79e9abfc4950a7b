"""Pure translation between the hub format and OpenAI's wire format (nearly the identity)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage
from switchboard.money import InvalidPrice, usd_to_pico
from switchboard.providers.errors import UpstreamAuthError, UpstreamError
from switchboard.providers.transport import classify

CONTEXT_TOO_LONG_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})


def message_to_wire(message: ChatMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": message.role, "content": message.content}
    if message.name:
        wire["name"] = message.name
    if message.tool_calls:
        wire["tool_calls"] = list(message.tool_calls)
    if message.tool_call_id:
        wire["tool_call_id"] = message.tool_call_id
    return wire


def to_wire(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    body: dict[str, Any] = {**request.extra_body, **request.params}
    body["model"] = request.model
    body["messages"] = [message_to_wire(m) for m in request.messages]
    if request.max_tokens is not None:
        body[request.max_tokens_field] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    body["stream"] = stream
    if stream:
        body["stream_options"] = {"include_usage": True}
    else:
        body.pop("stream_options", None)
    return body


def usage_from_wire(usage: dict[str, Any] | None) -> Usage:
    if not usage:
        return Usage()
    prompt_details = usage.get("prompt_tokens_details") or {}
    completion_details = usage.get("completion_tokens_details") or {}
    return Usage(
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
        cached_tokens=int(prompt_details.get("cached_tokens") or 0),
        reasoning_tokens=int(completion_details.get("reasoning_tokens") or 0),
    )


def from_wire(body: dict[str, Any]) -> ChatResult:
    choice = (body.get("choices") or [{}])[0]
    message = choice.get("message") or {}
    return ChatResult(
        content=message.get("content"),
        finish_reason=choice.get("finish_reason") or "stop",
        usage=usage_from_wire(body.get("usage")),
        tool_calls=tuple(message.get("tool_calls") or ()),
        upstream_id=body.get("id"),
        refusal=message.get("refusal"),
        logprobs=choice.get("logprobs"),
    )


@dataclass
class StreamState:
    provider: str
    finished: bool = False


def chunk_from_event(data: str, state: StreamState) -> ChatChunk | None:
    """One `data:` payload -> a chunk (None for [DONE] and empty keep-alives)."""
    if data.strip() == "[DONE]":
        state.finished = True
        return None
    event = json.loads(data)
    if "error" in event and not event.get("choices"):
        raise stream_error(event["error"], state.provider)
    usage = usage_from_wire(event["usage"]) if event.get("usage") else None
    choices = event.get("choices") or []
    if not choices:
        return ChatChunk(usage=usage) if usage else None
    choice = choices[0]
    delta = choice.get("delta") or {}
    return ChatChunk(
        role=delta.get("role"),
        content=delta.get("content"),
        tool_calls=tuple(delta.get("tool_calls") or ()),
        finish_reason=choice.get("finish_reason"),
        usage=usage,
        refusal=delta.get("refusal"),
        logprobs=choice.get("logprobs"),
    )


def stream_error(error: dict[str, Any], provider: str) -> UpstreamError:
    """An error event inside an SSE stream (OpenRouter and vLLM send these)."""
    status = error.get("code") if isinstance(error.get("code"), int) else 502
    return classify(status, provider=provider, message=str(error.get("message") or "stream error"))


QUOTA_EXHAUSTED = "insufficient_quota"


def error_from_response(
    status: int, body: Any, headers: dict[str, str], provider: str
) -> UpstreamError:
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code")
    message = str(error.get("message") or f"{provider} answered HTTP {status}")
    if QUOTA_EXHAUSTED in (code, error.get("type")):  # a 429 no retry or wait will cure
        return UpstreamAuthError(message, provider=provider, status=status)
    return classify(
        status,
        provider=provider,
        message=message,
        retry_after=headers.get("retry-after"),
        context_too_long=code in CONTEXT_TOO_LONG_CODES,
    )


def _price_per_token(pricing: dict[str, Any], key: str) -> int:
    """OpenRouter's per-token USD price string -> pico-USD per token; 0 when absent or finer
    than a pico-dollar (such a price is left for an admin to set, never rounded)."""
    try:
        return usd_to_pico(str(pricing.get(key) or "0"))
    except InvalidPrice:
        return 0


def model_from_wire(entry: dict[str, Any], provider: str) -> ModelInfo:
    """One entry of GET /models; OpenRouter adds context_length and per-token pricing."""
    pricing = entry.get("pricing") or {}
    architecture = entry.get("architecture") or {}
    return ModelInfo(
        provider=provider,
        upstream=str(entry["id"]),
        context_length=int(entry.get("context_length") or 0),
        input_price=_price_per_token(pricing, "prompt"),
        output_price=_price_per_token(pricing, "completion"),
        cached_input_price=_price_per_token(pricing, "input_cache_read") or None,
        input_modalities=tuple(architecture.get("input_modalities") or ("text",)),
        output_modalities=tuple(architecture.get("output_modalities") or ("text",)),
        description=str(entry.get("description") or ""),
        created=int(entry.get("created") or 0),
    )
