"""Pure translation between the hub format (OpenAI's vocabulary) and Cohere's v2 Chat API.

Cohere v2 is close to OpenAI: the same roles, OpenAI-shaped tool calls and tools. It differs
in parameter names (p, k, stop_sequences), a named `tool_choice` (REQUIRED/NONE), the stream
(named SSE events ending in message-end) and finish reasons in upper case.
Not forwarded (no equivalent): n, logprobs, logit_bias, user, parallel_tool_calls, message
names, and `extra_body`. The assistant's `tool_plan` and reasoning models' `thinking` are not
returned as content.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamAuthError,
    UpstreamError,
    UpstreamServerError,
    UpstreamTimeout,
)
from switchboard.providers.transport import classify

FINISH_REASONS = {
    "COMPLETE": "stop",
    "STOP_SEQUENCE": "stop",
    "MAX_TOKENS": "length",
    "TOOL_CALL": "tool_calls",
}
# Finish reasons that mean the generation failed upstream: raised, never returned.
FAILED_FINISHES: dict[str, type[UpstreamError]] = {
    "ERROR": UpstreamServerError,
    "TIMEOUT": UpstreamTimeout,
}
# Statuses Cohere uses for credentials or billing the gateway's operator must fix
# (402 payment required, 498 invalid token), besides the usual 401 and 403.
AUTH_STATUSES = frozenset({401, 402, 403, 498})
TOOL_CHOICES = {"required": "REQUIRED", "none": "NONE"}
SYSTEM_ROLES = frozenset({"system", "developer"})
# Sampling parameters renamed on the way: OpenAI name -> Cohere name.
RENAMED_PARAMS = {
    "top_p": "p",
    "top_k": "k",
    "seed": "seed",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
}
# The texts Cohere's /embed accepts per call.
EMBED_BATCH_SIZE = 96


# --- request ----------------------------------------------------------------------------


def image_part(part: dict[str, Any]) -> dict[str, Any]:
    """data: and http(s) URLs both go as they are; Cohere accepts either."""
    image = part.get("image_url")
    image = {"url": image} if isinstance(image, str) else dict(image or {})
    wire_image = {"url": image.get("url") or ""}
    if image.get("detail"):
        wire_image["detail"] = image["detail"]
    return {"type": "image_url", "image_url": wire_image}


def user_content(content: str | list[dict[str, Any]] | None) -> str | list[dict[str, Any]]:
    """A string stays a string; parts keep text and images (others have no twin: refused)."""
    if isinstance(content, str) or content is None:
        return content or ""
    parts: list[dict[str, Any]] = []
    for part in content:
        if part.get("type") == "text":
            parts.append({"type": "text", "text": part.get("text") or ""})
        elif part.get("type") == "image_url":
            parts.append(image_part(part))
        else:
            raise UnsupportedInput(str(part.get("type")))
    return parts


def _arguments_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw or "{}"
    return json.dumps(raw or {}, separators=(",", ":"), ensure_ascii=False)


def tool_call_to_wire(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "id": call.get("id") or "",
        "type": "function",
        "function": {
            "name": function.get("name") or "",
            "arguments": _arguments_text(function.get("arguments")),
        },
    }


def assistant_to_wire(message: ChatMessage) -> dict[str, Any]:
    wire: dict[str, Any] = {"role": "assistant"}
    text = message.text()
    if text:
        wire["content"] = text
    if message.tool_calls:
        wire["tool_calls"] = [tool_call_to_wire(call) for call in message.tool_calls]
    return wire


def message_to_wire(message: ChatMessage) -> dict[str, Any]:
    if message.role in SYSTEM_ROLES:
        return {"role": "system", "content": message.text()}
    if message.role == "assistant":
        return assistant_to_wire(message)
    if message.role == "tool":
        return {
            "role": "tool",
            "tool_call_id": message.tool_call_id or "",
            "content": message.text(),
        }
    return {"role": "user", "content": user_content(message.content)}


def tool_to_wire(tool: dict[str, Any]) -> dict[str, Any] | None:
    if tool.get("type", "function") != "function":
        return None
    function = tool.get("function") or {}
    wire_function: dict[str, Any] = {"name": function.get("name") or ""}
    if function.get("description"):
        wire_function["description"] = function["description"]
    wire_function["parameters"] = function.get("parameters") or {"type": "object"}
    return {"type": "function", "function": wire_function}


def _chosen_function(choice: Any) -> str | None:
    if isinstance(choice, dict) and choice.get("type") == "function":
        return (choice.get("function") or {}).get("name")
    return None


def tools_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    """Tools in OpenAI's shape; a named tool_choice becomes REQUIRED over that tool alone."""
    tools = [wire for wire in map(tool_to_wire, params.get("tools") or ()) if wire]
    if not tools:
        return {}
    body: dict[str, Any] = {"tools": tools}
    choice = params.get("tool_choice")
    chosen = _chosen_function(choice)
    if chosen:
        body["tools"] = [t for t in tools if t["function"]["name"] == chosen] or tools
        body["tool_choice"] = "REQUIRED"
    elif isinstance(choice, str) and choice in TOOL_CHOICES:
        body["tool_choice"] = TOOL_CHOICES[choice]
    if any((t.get("function") or {}).get("strict") for t in params.get("tools") or ()):
        body["strict_tools"] = True
    return body


def response_format_to_wire(response_format: Any) -> dict[str, Any] | None:
    if not isinstance(response_format, dict):
        return None
    kind = response_format.get("type")
    if kind == "json_object":
        return {"type": "json_object"}
    if kind == "json_schema":
        schema = (response_format.get("json_schema") or {}).get("schema")
        return {"type": "json_object", "json_schema": schema} if schema else {"type": "json_object"}
    return None


def sampling_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    body = {
        cohere: params[openai]
        for openai, cohere in RENAMED_PARAMS.items()
        if params.get(openai) is not None
    }
    stop = params.get("stop")
    if stop:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    response_format = response_format_to_wire(params.get("response_format"))
    if response_format:
        body["response_format"] = response_format
    return body


def to_wire(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    params = dict(request.params)
    body: dict[str, Any] = {
        "model": request.model,
        "messages": [message_to_wire(m) for m in request.messages],
    }
    if request.max_tokens is not None:
        body["max_tokens"] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    body.update(sampling_to_wire(params))
    body.update(tools_to_wire(params))
    body["stream"] = stream
    return body


# --- response ---------------------------------------------------------------------------


def usage_from_wire(usage: dict[str, Any] | None) -> Usage:
    """`billed_units` is what Cohere charges for (cost must match the invoice); `tokens` also
    counts the prompt template it adds, and is the fallback when billed units are absent."""
    usage = usage or {}
    counts = usage.get("billed_units") or usage.get("tokens") or {}
    return Usage(
        prompt_tokens=int(counts.get("input_tokens") or 0),
        completion_tokens=int(counts.get("output_tokens") or 0),
        cached_tokens=int(usage.get("cached_tokens") or 0),
    )


def finish_reason_of(finish_reason: str | None, provider: str) -> str:
    """OpenAI's finish reason; ERROR and TIMEOUT are raised as retryable upstream failures."""
    reason = (finish_reason or "").upper()
    failure = FAILED_FINISHES.get(reason)
    if failure is not None:
        raise failure(f"{provider} generation ended with {reason}", provider=provider)
    return FINISH_REASONS.get(reason, "stop")


def tool_call_from_wire(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {
            "name": function.get("name"),
            "arguments": _arguments_text(function.get("arguments")),
        },
    }


def from_wire(body: dict[str, Any], provider: str = "cohere") -> ChatResult:
    message = body.get("message") or {}
    texts = [p.get("text") or "" for p in message.get("content") or () if p.get("type") == "text"]
    calls = tuple(tool_call_from_wire(c) for c in message.get("tool_calls") or ())
    return ChatResult(
        content="".join(texts) if texts or not calls else None,
        finish_reason=finish_reason_of(body.get("finish_reason"), provider),
        usage=usage_from_wire(body.get("usage")),
        tool_calls=calls,
        upstream_id=body.get("id"),
    )


# --- stream -----------------------------------------------------------------------------


@dataclass
class StreamState:
    provider: str
    finished: bool = False
    # Cohere's tool call index -> OpenAI tool call index.
    tool_indexes: dict[int, int] = field(default_factory=dict)


def _delta_message(event: dict[str, Any]) -> dict[str, Any]:
    return (event.get("delta") or {}).get("message") or {}


def _message_start(event: dict[str, Any], state: StreamState) -> ChatChunk:
    return ChatChunk(role="assistant")


def _content_delta(event: dict[str, Any], state: StreamState) -> ChatChunk | None:
    content = _delta_message(event).get("content") or {}
    text = content.get("text") if isinstance(content, dict) else None
    return ChatChunk(content=text) if text else None


def _tool_call_start(event: dict[str, Any], state: StreamState) -> ChatChunk:
    call = _delta_message(event).get("tool_calls") or {}
    function = call.get("function") or {}
    index = state.tool_indexes[event.get("index", 0)] = len(state.tool_indexes)
    delta = {
        "index": index,
        "id": call.get("id"),
        "type": "function",
        "function": {"name": function.get("name"), "arguments": function.get("arguments") or ""},
    }
    return ChatChunk(tool_calls=(delta,))


def _tool_call_delta(event: dict[str, Any], state: StreamState) -> ChatChunk | None:
    call = _delta_message(event).get("tool_calls") or {}
    fragment = (call.get("function") or {}).get("arguments")
    index = state.tool_indexes.get(event.get("index", 0))
    if not fragment or index is None:
        return None
    return ChatChunk(tool_calls=({"index": index, "function": {"arguments": fragment}},))


def _message_end(event: dict[str, Any], state: StreamState) -> ChatChunk:
    delta = event.get("delta") or {}
    state.finished = True
    return ChatChunk(
        finish_reason=finish_reason_of(delta.get("finish_reason"), state.provider),
        usage=usage_from_wire(delta.get("usage")),
    )


# The events that carry something for the client; citations, tool plans, debug events and
# content/tool-call ends do not.
EVENT_HANDLERS: dict[str, Callable[[dict[str, Any], StreamState], ChatChunk | None]] = {
    "message-start": _message_start,
    "content-delta": _content_delta,
    "tool-call-start": _tool_call_start,
    "tool-call-delta": _tool_call_delta,
    "message-end": _message_end,
}


def chunk_from_event(data: str, state: StreamState) -> ChatChunk | None:
    """One SSE `data:` payload -> a chunk; finish reason and usage come with message-end."""
    if data.strip() == "[DONE]":
        return None
    event = json.loads(data)
    handler = EVENT_HANDLERS.get(event.get("type") or "")
    return handler(event, state) if handler else None


# --- errors, embeddings and models ------------------------------------------------------


def error_from_response(
    status: int, body: Any, headers: dict[str, str], provider: str
) -> UpstreamError:
    """Classified by status alone: Cohere's error body is only {"id", "message"}, with no
    structured type, so context-too-long is never inferred from the message."""
    message = body.get("message") if isinstance(body, dict) else None
    message = str(message or f"{provider} answered HTTP {status}")
    if status in AUTH_STATUSES:
        return UpstreamAuthError(message, provider=provider, status=status)
    return classify(
        status, provider=provider, message=message, retry_after=headers.get("retry-after")
    )


def embed_batches(inputs: list[str]) -> list[list[str]]:
    return [inputs[i : i + EMBED_BATCH_SIZE] for i in range(0, len(inputs), EMBED_BATCH_SIZE)]


def embed_to_wire(model: str, texts: list[str], dimensions: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": model,
        "texts": texts,
        "input_type": "search_document",
        "embedding_types": ["float"],
    }
    if dimensions is not None:
        body["output_dimension"] = dimensions
    return body


def embeddings_from_wire(body: dict[str, Any]) -> tuple[list[list[float]], int]:
    """(float vectors in input order, billed input tokens)."""
    embeddings = body.get("embeddings") or {}
    vectors = embeddings.get("float") if isinstance(embeddings, dict) else embeddings
    billed = (body.get("meta") or {}).get("billed_units") or {}
    return [list(v) for v in vectors or ()], int(billed.get("input_tokens") or 0)


def _usable(model: dict[str, Any]) -> bool:
    endpoints = model.get("endpoints")
    return endpoints is None or bool({"chat", "embed"} & set(endpoints))


def model_from_wire(model: dict[str, Any], provider: str) -> ModelInfo:
    endpoints = set(model.get("endpoints") or ())
    vision = bool(model.get("supports_vision")) or "vision" in (model.get("features") or ())
    embed_only = "embed" in endpoints and "chat" not in endpoints
    return ModelInfo(
        provider=provider,
        upstream=model["name"],
        context_length=int(model.get("context_length") or 0),
        input_price=0,
        output_price=0,
        input_modalities=("text", "image") if vision else ("text",),
        output_modalities=("embeddings",) if embed_only else ("text",),
    )


def models_from_wire(page: dict[str, Any], provider: str) -> list[ModelInfo]:
    """Chat and embed models of one GET /v1/models page (rerank and classify ones have no
    use behind this gateway)."""
    return [model_from_wire(m, provider) for m in page.get("models") or () if _usable(m)]
