"""Pure translation between the hub format (OpenAI's vocabulary) and the Gemini API
(generativelanguage v1beta).

System messages become `systemInstruction`; assistant turns are `model` turns whose tool calls
are `functionCall` parts; tool results are `functionResponse` parts in a user turn, named after
the assistant tool call they answer; consecutive turns of one role are merged.
Gemini gives tool calls no ids (unless it sends `functionCall.id`), so each response numbers its
own: call_0, call_1, ... A part's `thoughtSignature` travels in the tool call's
`extra_content.google.thought_signature`, as in Google's OpenAI-compatible endpoint, and goes
back on the functionCall part (Gemini 3 rejects a function-calling turn without it).
Not forwarded (no equivalent): logprobs, logit_bias, parallel_tool_calls, user, and extra_body.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from switchboard.domain.catalog import ModelInfo
from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest, ChatResult, Usage
from switchboard.providers.errors import UnsupportedInput, UpstreamError
from switchboard.providers.transport import classify

FINISH_REASONS = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}

# google.rpc.Code names -> the HTTP status Google maps them to; for errors inside a 200 stream.
RPC_STATUS_HTTP = {
    "INVALID_ARGUMENT": 400,
    "FAILED_PRECONDITION": 400,
    "OUT_OF_RANGE": 400,
    "UNAUTHENTICATED": 401,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ABORTED": 409,
    "ALREADY_EXISTS": 409,
    "RESOURCE_EXHAUSTED": 429,
    "CANCELLED": 499,
    "UNKNOWN": 500,
    "INTERNAL": 500,
    "DATA_LOSS": 500,
    "UNIMPLEMENTED": 501,
    "UNAVAILABLE": 503,
    "DEADLINE_EXCEEDED": 504,
}
RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo"
ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo"
# An unusable key is a 400 INVALID_ARGUMENT whose ErrorInfo reason says so: an auth error.
BAD_KEY_REASONS = frozenset({"API_KEY_INVALID", "API_KEY_EXPIRED"})

SYSTEM_ROLES = frozenset({"system", "developer"})
TOOL_ROLES = frozenset({"tool", "function"})
TOOL_CHOICE_MODES = {"auto": "AUTO", "required": "ANY", "none": "NONE"}
# reasoning_effort -> thinking budget, as Google's OpenAI-compatible endpoint maps it.
THINKING_BUDGETS = {"none": 0, "minimal": 1024, "low": 1024, "medium": 8192, "high": 24576}
# OpenAI sampling params that are a plain rename in generationConfig.
GENERATION_PARAMS = {
    "top_p": "topP",
    "n": "candidateCount",
    "seed": "seed",
    "presence_penalty": "presencePenalty",
    "frequency_penalty": "frequencyPenalty",
}
# For fileData, which needs a MIME type: guessed from the URL's extension.
FILE_TYPES = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
    "pdf": "application/pdf",
}
DEFAULT_FILE_TYPE = "image/jpeg"
AUDIO_TYPES = {"wav": "audio/wav", "mp3": "audio/mp3"}
EMBED_METHODS = frozenset({"embedContent", "batchEmbedContents"})


def model_path(model: str) -> str:
    """`models/<name>` for a bare name; `models/...` and `tunedModels/...` stay as they are."""
    return model if "/" in model else f"models/{model}"


# --- request ----------------------------------------------------------------------------


def _inline(data_url: str) -> dict[str, Any]:
    header, _, data = data_url.partition(",")
    mime_type = header.removeprefix("data:").split(";")[0] or "application/octet-stream"
    return {"inlineData": {"mimeType": mime_type, "data": data}}


def image_part(part: dict[str, Any]) -> dict[str, Any]:
    image = part.get("image_url")
    url = image if isinstance(image, str) else (image or {}).get("url", "")
    if url.startswith("data:"):
        return _inline(url)
    extension = urlsplit(url).path.rpartition(".")[2].lower()
    mime_type = FILE_TYPES.get(extension, DEFAULT_FILE_TYPE)
    return {"fileData": {"mimeType": mime_type, "fileUri": url}}


def _file_part(part: dict[str, Any]) -> dict[str, Any] | None:
    """An OpenAI `file` part with inline data (a PDF); file ids have no twin."""
    data = (part.get("file") or {}).get("file_data") or ""
    return _inline(data) if data.startswith("data:") else None


def _audio_part(part: dict[str, Any]) -> dict[str, Any] | None:
    audio = part.get("input_audio") or {}
    mime_type = AUDIO_TYPES.get(audio.get("format") or "")
    if not mime_type or not audio.get("data"):
        return None
    return {"inlineData": {"mimeType": mime_type, "data": audio["data"]}}


def part_to_wire(part: dict[str, Any]) -> dict[str, Any] | None:
    kind = part.get("type")
    if kind == "text":
        return {"text": part["text"]} if part.get("text") else None
    if kind == "image_url":
        return image_part(part)
    wire = _file_part(part) if kind == "file" else None
    if kind == "input_audio":
        wire = _audio_part(part)
    if wire is None:  # a file id, an audio format Gemini lacks, an unknown part type
        raise UnsupportedInput(str(kind))
    return wire


def content_parts(content: str | list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Text, inline data and file parts; empty text is dropped (Gemini rejects it)."""
    if isinstance(content, str):
        return [{"text": content}] if content else []
    parts = (part_to_wire(part) for part in content or ())
    return [part for part in parts if part is not None]


def _arguments(raw: Any) -> dict[str, Any]:
    """A tool call's JSON arguments as the object Gemini wants ({} if not an object)."""
    if isinstance(raw, dict):
        return raw
    try:
        parsed = json.loads(raw or "{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _thought_signature(call: dict[str, Any]) -> str | None:
    return ((call.get("extra_content") or {}).get("google") or {}).get("thought_signature")


def function_call_part(call: dict[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    part: dict[str, Any] = {
        "functionCall": {
            "name": function.get("name") or "",
            "args": _arguments(function.get("arguments")),
        }
    }
    signature = _thought_signature(call)
    if signature:
        part["thoughtSignature"] = signature
    return part


def function_response_part(message: ChatMessage, names: dict[str, str]) -> dict[str, Any]:
    """A tool result, named after the function of the tool call it answers."""
    name = names.get(message.tool_call_id or "") or message.name or ""
    return {"functionResponse": {"name": name, "response": {"content": message.text()}}}


def turn_of(message: ChatMessage, names: dict[str, str]) -> tuple[str, list[dict[str, Any]]]:
    """A non-system message as (Gemini role, parts); remembers tool call id -> function name."""
    if message.role == "assistant":
        for call in message.tool_calls:
            names[call.get("id") or ""] = (call.get("function") or {}).get("name") or ""
        calls = [function_call_part(call) for call in message.tool_calls]
        return "model", content_parts(message.content) + calls
    if message.role in TOOL_ROLES:
        return "user", [function_response_part(message, names)]
    return "user", content_parts(message.content)


def messages_to_wire(
    messages: tuple[ChatMessage, ...],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(system instruction parts, contents) from OpenAI-style messages."""
    system: list[dict[str, Any]] = []
    contents: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for message in messages:
        if message.role in SYSTEM_ROLES:
            system.extend(content_parts(message.content))
            continue
        role, parts = turn_of(message, names)
        if not parts:
            continue
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": role, "parts": parts})
    return system, contents


def function_declaration(tool: dict[str, Any]) -> dict[str, Any] | None:
    """OpenAI's JSON Schema parameters go as `parametersJsonSchema`: the OpenAPI-subset
    `parameters` rejects common JSON Schema keys such as additionalProperties."""
    if tool.get("type", "function") != "function":
        return None
    function = tool.get("function") or {}
    declaration: dict[str, Any] = {"name": function.get("name") or ""}
    if function.get("description"):
        declaration["description"] = function["description"]
    if function.get("parameters"):
        declaration["parametersJsonSchema"] = function["parameters"]
    return declaration


def tool_config(choice: Any) -> dict[str, Any] | None:
    config: dict[str, Any] | None = None
    if isinstance(choice, str) and choice in TOOL_CHOICE_MODES:
        config = {"mode": TOOL_CHOICE_MODES[choice]}
    elif isinstance(choice, dict) and choice.get("type") == "function":
        name = (choice.get("function") or {}).get("name") or ""
        config = {"mode": "ANY", "allowedFunctionNames": [name]}
    return {"functionCallingConfig": config} if config else None


def tools_to_wire(params: dict[str, Any]) -> dict[str, Any]:
    declarations = [d for d in map(function_declaration, params.get("tools") or ()) if d]
    if not declarations:
        return {}
    body: dict[str, Any] = {"tools": [{"functionDeclarations": declarations}]}
    config = tool_config(params.get("tool_choice"))
    if config:
        body["toolConfig"] = config
    return body


def response_format_config(response_format: Any) -> dict[str, Any]:
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "json_object":
        return {"responseMimeType": "application/json"}
    if kind != "json_schema":
        return {}
    schema = (response_format.get("json_schema") or {}).get("schema")
    config: dict[str, Any] = {"responseMimeType": "application/json"}
    if schema:
        config["responseJsonSchema"] = schema
    return config


def generation_config(request: ChatRequest) -> dict[str, Any]:
    params = request.params
    config: dict[str, Any] = {
        wire: params[name]
        for name, wire in GENERATION_PARAMS.items()
        if params.get(name) is not None
    }
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    stop = params.get("stop")
    if stop:
        config["stopSequences"] = [stop] if isinstance(stop, str) else list(stop)
    if params.get("reasoning_effort") in THINKING_BUDGETS:
        config["thinkingConfig"] = {"thinkingBudget": THINKING_BUDGETS[params["reasoning_effort"]]}
    config.update(response_format_config(params.get("response_format")))
    return config


def to_wire(request: ChatRequest) -> dict[str, Any]:
    """The GenerateContentRequest body (the same for generateContent and its stream twin)."""
    params = dict(request.params)
    system, contents = messages_to_wire(request.messages)
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": system}
    config = generation_config(request)
    if config:
        body["generationConfig"] = config
    body.update(tools_to_wire(params))
    return body


def embed_to_wire(model: str, inputs: list[str], dimensions: int | None = None) -> dict[str, Any]:
    name = model_path(model)
    shorter = {} if dimensions is None else {"outputDimensionality": dimensions}
    return {
        "requests": [
            {"model": name, "content": {"parts": [{"text": text}]}, **shorter} for text in inputs
        ]
    }


# --- response ---------------------------------------------------------------------------


def usage_from_wire(usage: dict[str, Any] | None) -> Usage:
    """promptTokenCount already includes cached content; thoughts are billed as output.
    Tokens of tool-use prompts (e.g. search results) are input too."""
    usage = usage or {}
    thoughts = int(usage.get("thoughtsTokenCount") or 0)
    return Usage(
        prompt_tokens=int(usage.get("promptTokenCount") or 0)
        + int(usage.get("toolUsePromptTokenCount") or 0),
        completion_tokens=int(usage.get("candidatesTokenCount") or 0) + thoughts,
        cached_tokens=int(usage.get("cachedContentTokenCount") or 0),
        reasoning_tokens=thoughts,
    )


def finish_reason_of(reason: str | None, *, has_tool_calls: bool) -> str:
    mapped = FINISH_REASONS.get(reason or "", "stop")
    return "tool_calls" if mapped == "stop" and has_tool_calls else mapped


def first_candidate(body: dict[str, Any]) -> dict[str, Any] | None:
    """Candidate 0 (the hub format carries one choice); None when the prompt was blocked."""
    candidates = body.get("candidates") or []
    return next((c for c in candidates if c.get("index", 0) == 0), None)


def _parts(candidate: dict[str, Any] | None) -> list[dict[str, Any]]:
    return ((candidate or {}).get("content") or {}).get("parts") or []


def _texts(parts: list[dict[str, Any]]) -> list[str]:
    """Answer text; thought summaries (`thought: true`) are not part of the answer."""
    return [p["text"] for p in parts if p.get("text") and not p.get("thought")]


def tool_call_from_part(part: dict[str, Any], index: int) -> dict[str, Any]:
    call = part["functionCall"]
    arguments = json.dumps(call.get("args") or {}, separators=(",", ":"), ensure_ascii=False)
    wire: dict[str, Any] = {
        "id": call.get("id") or f"call_{index}",
        "type": "function",
        "function": {"name": call.get("name") or "", "arguments": arguments},
    }
    if part.get("thoughtSignature"):
        wire["extra_content"] = {"google": {"thought_signature": part["thoughtSignature"]}}
    return wire


def _tool_calls(parts: list[dict[str, Any]], first_index: int) -> list[dict[str, Any]]:
    calls = [p for p in parts if p.get("functionCall")]
    return [tool_call_from_part(p, first_index + i) for i, p in enumerate(calls)]


def _blocked(body: dict[str, Any]) -> bool:
    return bool((body.get("promptFeedback") or {}).get("blockReason"))


def from_wire(body: dict[str, Any]) -> ChatResult:
    candidate = first_candidate(body)
    parts = _parts(candidate)
    texts = _texts(parts)
    calls = tuple(_tool_calls(parts, 0))
    if candidate is None and _blocked(body):
        finish = "content_filter"
    else:
        finish = finish_reason_of((candidate or {}).get("finishReason"), has_tool_calls=bool(calls))
    return ChatResult(
        content="".join(texts) if texts or not calls else None,
        finish_reason=finish,
        usage=usage_from_wire(body.get("usageMetadata")),
        tool_calls=calls,
        upstream_id=body.get("responseId"),
    )


# --- stream -----------------------------------------------------------------------------


@dataclass
class StreamState:
    provider: str
    started: bool = False
    # Tool calls seen so far: the next one's OpenAI index (and generated id).
    tool_calls: int = 0
    # The latest usageMetadata (each event carries the counts so far).
    usage: dict[str, Any] = field(default_factory=dict)
    # The latest finishReason, sent once the stream has ended (some models repeat it).
    finish: str | None = None


def _role(state: StreamState) -> str | None:
    role = None if state.started else "assistant"
    state.started = True
    return role


def _chunk(
    state: StreamState, content: str | None, calls: tuple[dict[str, Any], ...]
) -> ChatChunk | None:
    """What an event adds, with the usage so far (a stream cut later is still charged)."""
    if not (content or calls):
        return None
    usage = usage_from_wire(state.usage) if state.usage else None
    return ChatChunk(role=_role(state), content=content, tool_calls=calls, usage=usage)


def end_of_stream(state: StreamState) -> ChatChunk | None:
    """The finish chunk, with the final usage, once the provider has closed the stream."""
    if state.finish is None:
        return None
    usage = usage_from_wire(state.usage)
    return ChatChunk(role=_role(state), finish_reason=state.finish, usage=usage)


def chunk_from_event(data: str, state: StreamState) -> ChatChunk | None:
    """One `data:` payload (a GenerateContentResponse) -> a chunk. Gemini sends no [DONE]:
    a candidate's finishReason is kept for end_of_stream, after the last event."""
    event = json.loads(data)
    if isinstance(event, dict) and "error" in event:
        raise stream_error(event["error"], state.provider)
    if event.get("usageMetadata"):
        state.usage = event["usageMetadata"]
    candidate = first_candidate(event)
    if candidate is None:
        if _blocked(event):
            state.finish = "content_filter"
        return _chunk(state, None, ())
    parts = _parts(candidate)
    first_index = state.tool_calls
    calls = _tool_calls(parts, first_index)
    state.tool_calls += len(calls)
    deltas = tuple({"index": first_index + i, **call} for i, call in enumerate(calls))
    reason = candidate.get("finishReason")
    if reason:
        state.finish = finish_reason_of(reason, has_tool_calls=state.tool_calls > 0)
    return _chunk(state, "".join(_texts(parts)) or None, deltas)


# --- errors and models ------------------------------------------------------------------


def _error_of(body: Any) -> dict[str, Any]:
    """The `error` object of a body ({"error": ...}, or the [{"error": ...}] of a JSON stream)."""
    if isinstance(body, list) and body:
        body = body[0]
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}


def _details(error: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    details = error.get("details") if isinstance(error.get("details"), list) else []
    return [d for d in details if isinstance(d, dict) and d.get("@type") == kind]


def retry_delay(error: dict[str, Any]) -> str | None:
    """RetryInfo.retryDelay (a Duration such as "7s" or "0.5s") in seconds."""
    for detail in _details(error, RETRY_INFO):
        delay = str(detail.get("retryDelay") or "")
        if delay.endswith("s"):
            return delay.removesuffix("s")
    return None


def _status_of(error: dict[str, Any], http_status: int) -> int:
    if any(d.get("reason") in BAD_KEY_REASONS for d in _details(error, ERROR_INFO)):
        return 401
    if http_status >= 400:
        return http_status
    code = error.get("code")
    if isinstance(code, int) and code >= 400:
        return code
    return RPC_STATUS_HTTP.get(str(error.get("status") or ""), 502)


def error_from_response(
    status: int, body: Any, headers: dict[str, str], provider: str
) -> UpstreamError:
    """Classified by status and the error's ErrorInfo reason. Gemini signals an over-long
    prompt only in the message of a 400 INVALID_ARGUMENT, so context-too-long is never set;
    429's wait is the Retry-After header, else RetryInfo.retryDelay."""
    error = _error_of(body)
    effective = _status_of(error, status)
    message = error.get("message") or f"{provider} answered {error.get('status') or status}"
    return classify(
        effective,
        provider=provider,
        message=str(message),
        retry_after=headers.get("retry-after") or retry_delay(error),
    )


def stream_error(error: Any, provider: str) -> UpstreamError:
    """An `error` event inside a 200 stream: its code and status say what happened."""
    return error_from_response(0, {"error": error}, {}, provider)


def model_from_wire(model: dict[str, Any], provider: str) -> ModelInfo | None:
    """A chat or embedding model; ones that do neither (e.g. Imagen's `predict`) are None."""
    methods = set(model.get("supportedGenerationMethods") or ())
    chat = "generateContent" in methods
    embed_only = bool(methods & EMBED_METHODS) and not chat
    if methods and not (chat or embed_only):
        return None
    return ModelInfo(
        provider=provider,
        upstream=str(model.get("name") or "").removeprefix("models/"),
        context_length=int(model.get("inputTokenLimit") or 0),
        input_price=0,
        output_price=0,
        output_modalities=("embeddings",) if embed_only else ("text",),
        description=str(model.get("displayName") or ""),
    )


def models_from_wire(page: dict[str, Any], provider: str) -> list[ModelInfo]:
    models = (model_from_wire(m, provider) for m in page.get("models") or ())
    return [m for m in models if m is not None]


def embeddings_from_wire(body: dict[str, Any]) -> list[list[float]]:
    return [list(e.get("values") or ()) for e in body.get("embeddings") or ()]
