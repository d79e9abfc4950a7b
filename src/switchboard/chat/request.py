"""OpenAI chat completion request JSON -> a validated ChatCall. Unknown fields are kept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.errors import InvalidRequest
from switchboard.providers.errors import UpstreamTimeout

T = TypeVar("T")

ROLES = frozenset({"system", "developer", "user", "assistant", "tool", "function"})
# Fields the gateway itself interprets; everything else OpenAI defines goes to `params`.
GATEWAY_FIELDS = frozenset(
    {
        "model",
        "models",
        "provider",
        "messages",
        "stream",
        "stream_options",
        "max_tokens",
        "max_completion_tokens",
        "temperature",
        "metadata",
    }
)
OPENAI_PARAMS = frozenset(
    {
        "top_p",
        "frequency_penalty",
        "presence_penalty",
        "seed",
        "n",
        "stop",
        "tools",
        "tool_choice",
        "parallel_tool_calls",
        "response_format",
        "logprobs",
        "top_logprobs",
        "logit_bias",
        "reasoning_effort",
        "modalities",
        "audio",
        "prediction",
        "service_tier",
        "store",
        "functions",
        "function_call",
        "web_search_options",
        "verbosity",
        "user",
    }
)
NUMBER_PARAMS = {
    "temperature": (0, 2),
    "top_p": (0, 1),
    "frequency_penalty": (-2, 2),
    "presence_penalty": (-2, 2),
}


@dataclass(frozen=True)
class CallLimits:
    """Per-call retry count and per-attempt deadline from scoped settings (None: defaults)."""

    max_retries: int | None = None
    timeout_ms: int | None = None

    async def bounded(self, attempt: Awaitable[T], provider: str) -> T:
        if self.timeout_ms is None:
            return await attempt
        try:
            async with asyncio.timeout(self.timeout_ms / 1000):
                return await attempt
        except TimeoutError:
            raise CallerDeadline(
                f"no answer within {self.timeout_ms} ms", provider=provider
            ) from None


class CallerDeadline(UpstreamTimeout):
    """The call's own timeout_ms (a scoped setting) ran out: retried and fallen back like any
    timeout, but no sign that the provider is unwell (its circuit breaker does not count it)."""


NO_LIMITS = CallLimits()


@dataclass(frozen=True)
class ChatCall:
    """A client's chat request, validated, before routing picks a provider."""

    model: str
    fallbacks: tuple[str, ...]
    provider_order: tuple[str, ...]
    allow_fallbacks: bool
    stream: bool
    include_usage: bool
    request: ChatRequest
    metadata: Mapping[str, str] = field(default_factory=dict)
    user: str | None = None
    limits: CallLimits = NO_LIMITS


def _fail(message: str, param: str) -> InvalidRequest:
    return InvalidRequest(message, param=param)


def _number(body: Mapping[str, Any], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _fail(f"'{name}' must be a number, got {type(value).__name__}", name)
    low, high = NUMBER_PARAMS[name]
    if not low <= value <= high:
        raise _fail(f"'{name}' must be between {low} and {high}, got {value}", name)
    return value


def _positive_int(body: Mapping[str, Any], name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _fail(f"'{name}' must be a positive integer, got {value!r}", name)
    return value


# What the field named after each known content part type must hold (a text part's "text", an
# image_url part's "image_url", ...); unknown part types go to the provider as they are.
PART_PAYLOADS: dict[str, type | tuple[type, ...]] = {
    "text": str,
    "image_url": (dict, str),
    "input_audio": dict,
    "file": dict,
}


def _part(part: Any, where: str) -> None:
    if not isinstance(part, dict) or not isinstance(part.get("type"), str):
        raise _fail("each content part must be an object with a string 'type'", where)
    kind = part["type"]
    payload = PART_PAYLOADS.get(kind)
    if payload is not None and not isinstance(part.get(kind), payload):
        raise _fail(f"a {kind} part needs a valid '{kind}'", where)


def _content(value: Any, index: int) -> str | list[dict[str, Any]] | None:
    where = f"messages[{index}].content"
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, list):
        raise _fail("content must be a string or an array of content parts", where)
    for number, part in enumerate(value):
        _part(part, f"{where}[{number}]")
    return value


def _function(value: Any, where: str) -> None:
    """A tool's or tool call's `function`: an object with a string name."""
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        raise _fail("'function' must be an object with a string 'name'", where)


def _tool_calls(raw: Any, index: int) -> tuple[dict[str, Any], ...]:
    where = f"messages[{index}].tool_calls"
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise _fail("tool_calls must be an array", where)
    for number, call in enumerate(raw):
        if not isinstance(call, dict):
            raise _fail("each tool call must be an object", f"{where}[{number}]")
        _function(call.get("function"), f"{where}[{number}].function")
        if not isinstance(call["function"].get("arguments", ""), str):
            raise _fail("arguments must be a JSON string", f"{where}[{number}].function")
    return tuple(raw)


def _message(raw: Any, index: int) -> ChatMessage:
    if not isinstance(raw, dict):
        raise _fail("each message must be an object", f"messages[{index}]")
    role = raw.get("role")
    if role not in ROLES:
        raise _fail(f"unknown role {role!r}", f"messages[{index}].role")
    return ChatMessage(
        role=role,
        content=_content(raw.get("content"), index),
        name=raw.get("name") if isinstance(raw.get("name"), str) else None,
        tool_calls=_tool_calls(raw.get("tool_calls"), index),
        tool_call_id=raw.get("tool_call_id") if isinstance(raw.get("tool_call_id"), str) else None,
    )


def _messages(body: Mapping[str, Any]) -> tuple[ChatMessage, ...]:
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise _fail("'messages' must be a non-empty array", "messages")
    return tuple(_message(m, i) for i, m in enumerate(raw))


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _fail(f"'{name}' must be an array of strings", name)
    return tuple(value)


def _stop(body: Mapping[str, Any]) -> None:
    stop = body.get("stop")
    if stop is None or isinstance(stop, str):
        return
    if not isinstance(stop, list) or len(stop) > 4 or not all(isinstance(s, str) for s in stop):
        raise _fail("'stop' must be a string or an array of up to 4 strings", "stop")


def _tools(body: Mapping[str, Any]) -> None:
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            raise _fail("'tools' must be an array", "tools")
        for number, tool in enumerate(tools):
            if not isinstance(tool, dict) or not isinstance(tool.get("type", "function"), str):
                raise _fail("each tool must be an object with a string 'type'", f"tools[{number}]")
            if tool.get("type", "function") == "function":
                _function(tool.get("function"), f"tools[{number}].function")
    choice = body.get("tool_choice")
    if choice is None or isinstance(choice, str):
        return
    if not isinstance(choice, dict):
        raise _fail("'tool_choice' must be a string or an object", "tool_choice")
    if choice.get("type") == "function":
        _function(choice.get("function"), "tool_choice.function")


def _response_format(body: Mapping[str, Any]) -> None:
    fmt = body.get("response_format")
    if fmt is None:
        return
    if not isinstance(fmt, dict) or not isinstance(fmt.get("type"), str):
        raise _fail("'response_format' must be an object with a string 'type'", "response_format")
    if fmt["type"] != "json_schema":
        return
    spec = fmt.get("json_schema")
    if not isinstance(spec, dict) or not isinstance(spec.get("schema", {}), dict):
        raise _fail(
            "'json_schema' must be an object whose 'schema' is an object",
            "response_format.json_schema",
        )


def _one_choice(body: Mapping[str, Any]) -> None:
    n = _positive_int(body, "n")
    if n is not None and n > 1:
        raise _fail("n > 1 is not supported: the gateway returns one choice per request", "n")


def _metadata(body: Mapping[str, Any]) -> dict[str, str]:
    metadata = body.get("metadata")
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise _fail("'metadata' must be an object", "metadata")
    return {str(k): str(v) for k, v in metadata.items()}


def _provider_prefs(body: Mapping[str, Any]) -> tuple[tuple[str, ...], bool]:
    prefs = body.get("provider")
    if prefs is None:
        return (), True
    if not isinstance(prefs, dict):
        raise _fail("'provider' must be an object", "provider")
    allow = prefs.get("allow_fallbacks", True)
    if not isinstance(allow, bool):
        raise _fail("'provider.allow_fallbacks' must be a boolean", "provider.allow_fallbacks")
    return _strings(prefs.get("order"), "provider.order"), allow


def parse_chat(body: Any) -> ChatCall:
    """Validate an OpenAI chat completion body; wrong types are INVALID_REQUEST naming the field."""
    if not isinstance(body, dict):
        raise _fail("the request body must be a JSON object", "body")
    model = body.get("model")
    fallbacks = _strings(body.get("models"), "models")
    if model is not None and not isinstance(model, str):
        raise _fail("'model' must be a string", "model")
    if not model and fallbacks:
        model, fallbacks = fallbacks[0], fallbacks[1:]
    # An empty model takes the scoped default_model, or is refused by the core.
    model = model or ""
    stream = body.get("stream", False)
    if not isinstance(stream, bool):
        raise _fail("'stream' must be a boolean", "stream")
    options = body.get("stream_options")
    options = {} if options is None else options
    if not isinstance(options, dict):
        raise _fail("'stream_options' must be an object", "stream_options")
    include_usage = options.get("include_usage", False)
    if not isinstance(include_usage, bool):
        raise _fail("'include_usage' must be a boolean", "stream_options.include_usage")
    _stop(body)
    _tools(body)
    _response_format(body)
    _one_choice(body)
    order, allow = _provider_prefs(body)
    user = body.get("user")
    if user is not None and not isinstance(user, str):
        raise _fail("'user' must be a string", "user")
    limit_field = "max_completion_tokens" if body.get("max_completion_tokens") else "max_tokens"
    max_tokens = _positive_int(body, "max_completion_tokens") or _positive_int(body, "max_tokens")
    _number(body, "top_p")
    _number(body, "frequency_penalty")
    _number(body, "presence_penalty")
    request = ChatRequest(
        model=model,
        messages=_messages(body),
        max_tokens=max_tokens,
        temperature=_number(body, "temperature"),
        max_tokens_field=limit_field,
        params={k: v for k, v in body.items() if k in OPENAI_PARAMS},
        extra_body={k: v for k, v in body.items() if k not in OPENAI_PARAMS | GATEWAY_FIELDS},
    )
    return ChatCall(
        model=model,
        fallbacks=fallbacks,
        provider_order=order,
        allow_fallbacks=allow,
        stream=stream,
        include_usage=include_usage,
        request=request,
        metadata=_metadata(body),
        user=user,
    )
