"""Pure translation between the hub format (OpenAI's vocabulary) and Anthropic's Messages API.

System messages become the top-level `system`; tool results become user turns of
`tool_result` blocks; consecutive turns of one role are merged, as Anthropic requires.
Not forwarded (no equivalent): `response_format: json_object`, n, seed, penalties, logprobs,
and `extra_body`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage
from switchboard.providers.errors import UnsupportedInput, UpstreamError
from switchboard.providers.transport import classify

# Anthropic requires max_tokens; this is what a request without one gets.
DEFAULT_MAX_TOKENS = 4096

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}

# The HTTP status each error type is sent with; used for errors inside a 200 stream.
ERROR_TYPE_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

SYSTEM_ROLES = frozenset({"system", "developer"})
EMPTY_SCHEMA: dict[str, Any] = {"type": "object", "properties": {}}


# --- request ----------------------------------------------------------------------------


def _with_cache_control(block: dict[str, Any], part: dict[str, Any]) -> dict[str, Any]:
    if part.get("cache_control"):
        block["cache_control"] = part["cache_control"]
    return block


def _data_url_source(url: str) -> dict[str, Any]:
    header, _, data = url.partition(",")
    media_type = header.removeprefix("data:").split(";")[0]
    return {"type": "base64", "media_type": media_type, "data": data}


def image_block(part: dict[str, Any]) -> dict[str, Any]:
    image = part.get("image_url")
    url = image if isinstance(image, str) else (image or {}).get("url", "")
    source = _data_url_source(url) if url.startswith("data:") else {"type": "url", "url": url}
    return _with_cache_control({"type": "image", "source": source}, part)


def document_block(part: dict[str, Any]) -> dict[str, Any] | None:
    """An OpenAI `file` part with inline data (a PDF) as a document; file ids have no twin."""
    data = (part.get("file") or {}).get("file_data") or ""
    if not data.startswith("data:"):
        return None
    return _with_cache_control({"type": "document", "source": _data_url_source(data)}, part)


def part_to_block(part: dict[str, Any]) -> dict[str, Any] | None:
    kind = part.get("type")
    if kind == "text":
        text = part.get("text") or ""
        return _with_cache_control({"type": "text", "text": text}, part) if text else None
    if kind == "image_url":
        return image_block(part)
    block = document_block(part) if kind == "file" else None
    if block is None:  # audio, a file id, a part type Anthropic has no twin for
        raise UnsupportedInput(str(kind))
    return block


def content_blocks(content: str | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Text, image and document blocks; empty text is dropped (Anthropic rejects it)."""
    if isinstance(content, str):
        return [{"type": "text", "text": content}] if content else []
    blocks = (part_to_block(part) for part in content or ())
    return [block for block in blocks if block is not None]


def _arguments(raw: Any) -> dict[str, Any]:
    """A tool call's JSON arguments as the object Anthropic wants ({} if not an object)."""
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def tool_use_block(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "type": "tool_use",
        "id": call.get("id") or "",
        "name": function.get("name") or "",
        "input": _arguments(function.get("arguments")),
    }


def turn_of(message: ChatMessage) -> tuple[str, list[dict[str, Any]]]:
    """A non-system message as (Anthropic role, content blocks)."""
    if message.role == "assistant":
        blocks = content_blocks(message.content)
        return "assistant", blocks + [tool_use_block(call) for call in message.tool_calls]
    if message.role == "tool":
        result: dict[str, Any] = {"type": "tool_result", "tool_use_id": message.tool_call_id}
        blocks = content_blocks(message.content)
        if blocks:
            result["content"] = blocks
        return "user", [result]
    return "user", content_blocks(message.content)


def _tool_results_first(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(blocks, key=lambda block: block["type"] != "tool_result")


def messages_to_wire(
    messages: tuple[ChatMessage, ...],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(system blocks, alternating turns) from OpenAI-style messages."""
    system: list[dict[str, Any]] = []
    turns: list[dict[str, Any]] = []
    for message in messages:
        if message.role in SYSTEM_ROLES:
            system.extend(content_blocks(message.content))
            continue
        role, blocks = turn_of(message)
        if not blocks:
            continue
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    for turn in turns:
        if turn["role"] == "user":
            turn["content"] = _tool_results_first(turn["content"])
    return system, turns


def tool_to_wire(tool: dict[str, Any]) -> dict[str, Any] | None:
    if tool.get("type", "function") != "function":
        return None
    function = tool.get("function") or {}
    wire: dict[str, Any] = {
        "name": function.get("name") or "",
        "input_schema": function.get("parameters") or EMPTY_SCHEMA,
    }
    if function.get("description"):
        wire["description"] = function["description"]
    if function.get("strict") is not None:
        wire["strict"] = function["strict"]
    return wire


def tool_choice_to_wire(choice: Any, parallel: Any) -> dict[str, Any] | None:
    wire: dict[str, Any] | None = None
    if choice == "auto":
        wire = {"type": "auto"}
    elif choice == "required":
        wire = {"type": "any"}
    elif choice == "none":
        return {"type": "none"}
    elif isinstance(choice, dict) and choice.get("type") == "function":
        wire = {"type": "tool", "name": (choice.get("function") or {}).get("name") or ""}
    if parallel is False:
        wire = {**(wire or {"type": "auto"}), "disable_parallel_tool_use": True}
    return wire


def tools_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    tools = [wire for wire in map(tool_to_wire, params.get("tools") or ()) if wire]
    if tools:
        body["tools"] = tools
    choice = tool_choice_to_wire(params.get("tool_choice"), params.get("parallel_tool_calls"))
    if choice and tools:
        body["tool_choice"] = choice
    return body


def output_config(response_format: Any) -> dict[str, Any] | None:
    """`json_schema` as structured output; `json_object` and `text` have no equivalent."""
    if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
        return None
    schema = (response_format.get("json_schema") or {}).get("schema") or EMPTY_SCHEMA
    return {"format": {"type": "json_schema", "schema": schema}}


def sampling_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if params.get("top_p") is not None:
        body["top_p"] = params["top_p"]
    stop = params.get("stop")
    if stop:
        body["stop_sequences"] = [stop] if isinstance(stop, str) else list(stop)
    if params.get("user"):
        body["metadata"] = {"user_id": str(params["user"])}
    config = output_config(params.get("response_format"))
    if config:
        body["output_config"] = config
    return body


def max_tokens_of(request: ChatRequest) -> int:
    return DEFAULT_MAX_TOKENS if request.max_tokens is None else request.max_tokens


def to_wire(request: ChatRequest, *, stream: bool) -> dict[str, Any]:
    params = dict(request.params)
    system, messages = messages_to_wire(request.messages)
    body: dict[str, Any] = {
        "model": request.model,
        "max_tokens": max_tokens_of(request),
        "messages": messages,
    }
    if system:
        body["system"] = system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    body.update(sampling_to_wire(params))
    body.update(tools_to_wire(params))
    if stream:
        body["stream"] = True
    return body


# --- response ---------------------------------------------------------------------------


def usage_from_wire(usage: dict[str, Any] | None) -> Usage:
    """OpenAI counts cached input inside prompt_tokens; Anthropic reports the parts apart."""
    usage = usage or {}
    cache_read = int(usage.get("cache_read_input_tokens") or 0)
    cache_write = int(usage.get("cache_creation_input_tokens") or 0)
    return Usage(
        prompt_tokens=int(usage.get("input_tokens") or 0) + cache_read + cache_write,
        completion_tokens=int(usage.get("output_tokens") or 0),
        cached_tokens=cache_read,
    )


def finish_reason_of(stop_reason: str | None) -> str:
    return FINISH_REASONS.get(stop_reason or "", "stop")


def tool_call_from_block(block: dict[str, Any]) -> dict[str, Any]:
    arguments = json.dumps(block.get("input") or {}, separators=(",", ":"), ensure_ascii=False)
    return {
        "id": block.get("id"),
        "type": "function",
        "function": {"name": block.get("name"), "arguments": arguments},
    }


def from_wire(body: dict[str, Any]) -> ChatResult:
    blocks = body.get("content") or []
    texts = [b.get("text") or "" for b in blocks if b.get("type") == "text"]
    calls = tuple(tool_call_from_block(b) for b in blocks if b.get("type") == "tool_use")
    return ChatResult(
        content="".join(texts) if texts or not calls else None,
        finish_reason=finish_reason_of(body.get("stop_reason")),
        usage=usage_from_wire(body.get("usage")),
        tool_calls=calls,
        upstream_id=body.get("id"),
    )


# --- stream -----------------------------------------------------------------------------


@dataclass
class StreamState:
    provider: str
    finished: bool = False
    stop_reason: str | None = None
    # The latest counts seen (message_start, then message_delta's cumulative ones).
    usage: dict[str, Any] = field(default_factory=dict)
    # Content block index -> OpenAI tool call index.
    tool_indexes: dict[int, int] = field(default_factory=dict)
    # Tool calls (OpenAI index) whose arguments have begun.
    tool_arguments: set[int] = field(default_factory=set)


def _remember_usage(state: StreamState, usage: dict[str, Any] | None) -> None:
    state.usage.update({k: v for k, v in (usage or {}).items() if v is not None})


def _block_start(event: dict[str, Any], state: StreamState) -> ChatChunk | None:
    block = event.get("content_block") or {}
    if block.get("type") == "text":
        return ChatChunk(content=block["text"]) if block.get("text") else None
    if block.get("type") != "tool_use":
        return None
    index = state.tool_indexes[event.get("index", 0)] = len(state.tool_indexes)
    call = {
        "index": index,
        "id": block.get("id"),
        "type": "function",
        "function": {"name": block.get("name"), "arguments": ""},
    }
    return ChatChunk(tool_calls=(call,))


def _block_delta(event: dict[str, Any], state: StreamState) -> ChatChunk | None:
    delta = event.get("delta") or {}
    if delta.get("type") == "text_delta":
        return ChatChunk(content=delta.get("text") or "")
    tool_index = state.tool_indexes.get(event.get("index", 0))
    if delta.get("type") != "input_json_delta" or tool_index is None:
        return None
    if not delta.get("partial_json"):
        return None
    state.tool_arguments.add(tool_index)
    call = {"index": tool_index, "function": {"arguments": delta["partial_json"]}}
    return ChatChunk(tool_calls=(call,))


def _block_stop(event: dict[str, Any], state: StreamState) -> ChatChunk | None:
    """A tool without parameters streams no JSON at all: OpenAI clients expect "{}"."""
    tool_index = state.tool_indexes.get(event.get("index", 0))
    if tool_index is None or tool_index in state.tool_arguments:
        return None
    state.tool_arguments.add(tool_index)
    return ChatChunk(tool_calls=({"index": tool_index, "function": {"arguments": "{}"}},))


def _message_start(event: dict[str, Any], state: StreamState) -> ChatChunk:
    """The input tokens come now: a stream cut later is still charged for its prompt."""
    _remember_usage(state, (event.get("message") or {}).get("usage"))
    return ChatChunk(role="assistant", usage=usage_from_wire(state.usage))


def _message_delta(event: dict[str, Any], state: StreamState) -> ChatChunk:
    state.stop_reason = (event.get("delta") or {}).get("stop_reason") or state.stop_reason
    _remember_usage(state, event.get("usage"))
    return ChatChunk(usage=usage_from_wire(state.usage))


def _message_stop(state: StreamState) -> ChatChunk:
    state.finished = True
    return ChatChunk(
        finish_reason=finish_reason_of(state.stop_reason), usage=usage_from_wire(state.usage)
    )


_EVENT_HANDLERS: dict[str, Callable[[dict[str, Any], StreamState], ChatChunk | None]] = {
    "message_start": _message_start,
    "content_block_start": _block_start,
    "content_block_delta": _block_delta,
    "content_block_stop": _block_stop,
    "message_delta": _message_delta,
}


def chunk_from_event(data: str, state: StreamState) -> ChatChunk | None:
    """One SSE `data:` payload -> a chunk; usage as it grows, the finish reason at
    message_stop."""
    event = json.loads(data)
    kind = event.get("type")
    if kind == "error":
        raise stream_error(event.get("error") or {}, state.provider)
    if kind == "message_stop":
        return _message_stop(state)
    handler = _EVENT_HANDLERS.get(kind)
    return handler(event, state) if handler is not None else None


# --- errors and models ------------------------------------------------------------------


def _error_parts(body: Any) -> tuple[str, str]:
    """(type, message) of an Anthropic error body, empty strings where absent."""
    error = body.get("error") if isinstance(body, dict) else None
    error = error if isinstance(error, dict) else {}
    return str(error.get("type") or ""), str(error.get("message") or "")


def stream_error(error: dict[str, Any], provider: str) -> UpstreamError:
    """An `error` event inside a 200 stream: only its type says what happened."""
    kind, message = _error_parts({"error": error})
    status = ERROR_TYPE_STATUS.get(kind, 500)
    return classify(status, provider=provider, message=message or f"{provider} stream {kind}")


def error_from_response(
    status: int, body: Any, headers: dict[str, str], provider: str
) -> UpstreamError:
    """Classified by status; Anthropic has no structured context-length type (it is an
    invalid_request_error), so context-too-long is never inferred from the message."""
    kind, message = _error_parts(body)
    if status < 400:
        status = ERROR_TYPE_STATUS.get(kind, 502)
    return classify(
        status,
        provider=provider,
        message=message or f"{provider} answered HTTP {status}",
        retry_after=headers.get("retry-after"),
    )


def _epoch(timestamp: Any) -> int:
    try:
        return int(datetime.fromisoformat(str(timestamp)).timestamp())
    except ValueError:
        return 0


def models_from_wire(page: dict[str, Any], provider: str) -> list[ModelInfo]:
    return [
        ModelInfo(
            provider=provider,
            upstream=m["id"],
            context_length=int(m.get("max_input_tokens") or 0),
            input_price=0,
            output_price=0,
            description=str(m.get("display_name") or ""),
            created=_epoch(m.get("created_at")),
        )
        for m in page.get("data") or []
    ]
