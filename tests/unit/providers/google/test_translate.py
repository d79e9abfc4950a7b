"""The Gemini translators on recorded-style wire fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamRateLimited,
    UpstreamServerError,
)
from switchboard.providers.google import translate

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "providers" / "google"
SIGNATURE = "CiQB0e2Kb8zUX3mWvzJ0dGhvdWdodC1zaWduYXR1cmUtMQ=="
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "additionalProperties": False,
        },
    },
}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def replay(name: str) -> tuple[list[ChatChunk], translate.StreamState]:
    state = translate.StreamState(provider="gemini")
    chunks = []
    for frame in fixture(name).split("\n\n"):
        if frame.startswith("data: "):
            chunk = translate.chunk_from_event(frame[6:], state)
            if chunk is not None:
                chunks.append(chunk)
    last = translate.end_of_stream(state)  # the provider closed the stream
    if last is not None:
        chunks.append(last)
    return chunks, state


# --- request ----------------------------------------------------------------------------


def test_system_messages_become_the_system_instruction_and_roles_are_user_and_model() -> None:
    request = ChatRequest(
        model="gemini-2.0-flash",
        messages=(
            ChatMessage("system", "Be brief."),
            ChatMessage("developer", [{"type": "text", "text": "Use metric units."}]),
            ChatMessage("user", "hi"),
            ChatMessage("assistant", "Hello"),
            ChatMessage("user", [{"type": "text", "text": "weather?"}]),
        ),
    )
    body = translate.to_wire(request)
    assert body["systemInstruction"] == {
        "parts": [{"text": "Be brief."}, {"text": "Use metric units."}]
    }
    assert body["contents"] == [
        {"role": "user", "parts": [{"text": "hi"}]},
        {"role": "model", "parts": [{"text": "Hello"}]},
        {"role": "user", "parts": [{"text": "weather?"}]},
    ]
    assert "generationConfig" not in body
    assert "model" not in body


def test_tool_calls_and_results_round_trip_with_names_and_signatures() -> None:
    calls = (
        {
            "id": "call_0",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
            "extra_content": {"google": {"thought_signature": SIGNATURE}},
        },
        {"id": "call_1", "type": "function", "function": {"name": "get_time", "arguments": ""}},
    )
    request = ChatRequest(
        model="gemini-2.5-flash",
        messages=(
            ChatMessage("user", "Paris?"),
            ChatMessage("assistant", None, tool_calls=calls),
            ChatMessage("tool", "18C", tool_call_id="call_0"),
            ChatMessage("tool", [{"type": "text", "text": "14:00"}], tool_call_id="call_1"),
            ChatMessage("user", "thanks"),
        ),
    )
    contents = translate.to_wire(request)["contents"]
    assert contents[1] == {
        "role": "model",
        "parts": [
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                "thoughtSignature": SIGNATURE,
            },
            {"functionCall": {"name": "get_time", "args": {}}},
        ],
    }
    assert contents[2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"content": "18C"}}},
            {"functionResponse": {"name": "get_time", "response": {"content": "14:00"}}},
            {"text": "thanks"},
        ],
    }


def test_a_reused_tool_call_id_names_the_latest_call() -> None:
    first = {"id": "call_0", "function": {"name": "search", "arguments": "{}"}}
    second = {"id": "call_0", "function": {"name": "fetch", "arguments": "{}"}}
    request = ChatRequest(
        model="m",
        messages=(
            ChatMessage("assistant", None, tool_calls=(first,)),
            ChatMessage("tool", "a", tool_call_id="call_0"),
            ChatMessage("assistant", None, tool_calls=(second,)),
            ChatMessage("tool", "b", tool_call_id="call_0"),
        ),
    )
    contents = translate.to_wire(request)["contents"]
    names = [c["parts"][0]["functionResponse"]["name"] for c in contents if c["role"] == "user"]
    assert names == ["search", "fetch"]


def test_images_become_inline_data_or_file_data() -> None:
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.webp?size=2"}},
        {"type": "image_url", "image_url": "https://example.com/photo"},
        {"type": "file", "file": {"file_data": "data:application/pdf;base64,JVBERi0x"}},
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
        {"type": "text", "text": ""},
    ]
    request = ChatRequest(model="m", messages=(ChatMessage("user", parts),))
    assert translate.to_wire(request)["contents"][0]["parts"] == [
        {"text": "What is this?"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
        {
            "fileData": {
                "mimeType": "image/webp",
                "fileUri": "https://example.com/cat.webp?size=2",
            }
        },
        {"fileData": {"mimeType": "image/jpeg", "fileUri": "https://example.com/photo"}},
        {"inlineData": {"mimeType": "application/pdf", "data": "JVBERi0x"}},
        {"inlineData": {"mimeType": "audio/wav", "data": "UklGRg=="}},
    ]


def test_generation_config_tools_and_tool_choice() -> None:
    request = ChatRequest(
        model="gemini-2.5-flash",
        messages=(ChatMessage("user", "hi"),),
        temperature=0.3,
        max_tokens=64,
        max_tokens_field="max_completion_tokens",
        params={
            "top_p": 0.9,
            "stop": "END",
            "n": 2,
            "seed": 42,
            "reasoning_effort": "low",
            "tools": [WEATHER_TOOL, {"type": "web_search"}],
            "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
            "parallel_tool_calls": False,
            "logit_bias": {"1": 2},
        },
        extra_body={"safetySettings": []},
    )
    body = translate.to_wire(request)
    assert body["generationConfig"] == {
        "temperature": 0.3,
        "topP": 0.9,
        "stopSequences": ["END"],
        "candidateCount": 2,
        "seed": 42,
        "maxOutputTokens": 64,
        "thinkingConfig": {"thinkingBudget": 1024},
    }
    assert body["tools"] == [
        {
            "functionDeclarations": [
                {
                    "name": "get_weather",
                    "description": "Current weather",
                    "parametersJsonSchema": WEATHER_TOOL["function"]["parameters"],
                }
            ]
        }
    ]
    assert body["toolConfig"] == {
        "functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["get_weather"]}
    }
    assert "safetySettings" not in body


@pytest.mark.parametrize(
    ("choice", "mode"), [("auto", "AUTO"), ("required", "ANY"), ("none", "NONE")]
)
def test_tool_choice_modes(choice, mode) -> None:
    params = {"tools": [WEATHER_TOOL], "tool_choice": choice}
    body = translate.to_wire(ChatRequest(model="m", messages=(), params=params))
    assert body["toolConfig"] == {"functionCallingConfig": {"mode": mode}}


def test_max_tokens_and_stop_lists_pass_through() -> None:
    request = ChatRequest(
        model="m",
        messages=(),
        max_tokens=10,
        max_tokens_field="max_completion_tokens",
        params={"stop": ["a", "b"]},
    )
    config = translate.to_wire(request)["generationConfig"]
    assert (config["maxOutputTokens"], config["stopSequences"]) == (10, ["a", "b"])


def test_response_formats() -> None:
    def config(response_format):
        params = {"response_format": response_format}
        request = ChatRequest(model="m", messages=(), params=params)
        return translate.to_wire(request).get("generationConfig")

    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert config({"type": "json_object"}) == {"responseMimeType": "application/json"}
    assert config({"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}) == {
        "responseMimeType": "application/json",
        "responseJsonSchema": schema,
    }
    assert config({"type": "text"}) is None


def test_embed_requests_name_the_model() -> None:
    assert translate.embed_to_wire("text-embedding-004", ["a", "b"]) == {
        "requests": [
            {"model": "models/text-embedding-004", "content": {"parts": [{"text": "a"}]}},
            {"model": "models/text-embedding-004", "content": {"parts": [{"text": "b"}]}},
        ]
    }
    assert translate.model_path("tunedModels/mine") == "tunedModels/mine"


# --- response ---------------------------------------------------------------------------


def test_completion_skips_thoughts_and_counts_cached_and_thinking_tokens() -> None:
    result = translate.from_wire(json.loads(fixture("completion_text.json")))
    assert result.content == "Hello! How can I help you today?"
    assert result.finish_reason == "stop"
    assert result.upstream_id == "WEXbaMnpF7iPjMcP27mckQE"
    usage = result.usage
    assert (usage.prompt_tokens, usage.cached_tokens) == (2061, 2048)
    assert (usage.completion_tokens, usage.reasoning_tokens) == (54, 45)
    assert usage.total_tokens == 2115


def test_completion_with_tool_calls_gets_generated_ids() -> None:
    result = translate.from_wire(json.loads(fixture("completion_tool_call.json")))
    assert result.content is None
    assert result.finish_reason == "tool_calls"
    assert [call["id"] for call in result.tool_calls] == ["call_0", "call_1"]
    first, second = result.tool_calls
    assert first["type"] == "function"
    assert first["function"] == {"name": "get_weather", "arguments": '{"city":"Paris"}'}
    assert first["extra_content"] == {"google": {"thought_signature": SIGNATURE}}
    assert json.loads(second["function"]["arguments"]) == {"city": "London", "unit": "celsius"}
    assert "extra_content" not in second
    assert result.usage.completion_tokens == 87


def test_an_upstream_function_call_id_is_kept() -> None:
    part = {"functionCall": {"id": "fc-1", "name": "f", "args": {}}}
    assert translate.tool_call_from_part(part, 3)["id"] == "fc-1"


def test_a_blocked_prompt_is_content_filter() -> None:
    result = translate.from_wire(json.loads(fixture("completion_blocked.json")))
    assert (result.content, result.finish_reason) == ("", "content_filter")
    assert result.usage.prompt_tokens == 12


def test_max_tokens_is_length() -> None:
    result = translate.from_wire(json.loads(fixture("completion_max_tokens.json")))
    assert result.finish_reason == "length"


@pytest.mark.parametrize(
    ("reason", "tools", "expected"),
    [
        ("STOP", False, "stop"),
        ("STOP", True, "tool_calls"),
        ("MAX_TOKENS", True, "length"),
        ("SAFETY", False, "content_filter"),
        ("RECITATION", False, "content_filter"),
        ("BLOCKLIST", False, "content_filter"),
        ("PROHIBITED_CONTENT", False, "content_filter"),
        ("SPII", False, "content_filter"),
        ("MALFORMED_FUNCTION_CALL", False, "stop"),
        ("SOMETHING_NEW", False, "stop"),
    ],
)
def test_finish_reasons(reason, tools, expected) -> None:
    assert translate.finish_reason_of(reason, has_tool_calls=tools) == expected


def test_usage_adds_tool_use_prompt_tokens_to_the_input() -> None:
    usage = translate.usage_from_wire(
        {"promptTokenCount": 10, "toolUsePromptTokenCount": 5, "candidatesTokenCount": 2}
    )
    assert (usage.prompt_tokens, usage.completion_tokens) == (15, 2)


# --- stream -----------------------------------------------------------------------------


def test_stream_text_skips_thoughts_and_ends_on_finish_reason_with_usage() -> None:
    chunks, state = replay("stream_text.sse")
    assert chunks[0].role == "assistant"
    assert [c.role for c in chunks[1:]] == [None, None]
    assert "".join(c.content or "" for c in chunks) == (
        "The first five primes are 2, 3, 5, 7 and 11. Their sum is 28."
    )
    assert [c.finish_reason for c in chunks] == [None, None, "stop"]  # once, after the end
    assert chunks[1].usage is not None  # the counts so far ride along with the content
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.reasoning_tokens) == (28, 90, 70)
    assert state.finish == "stop"


def test_stream_tool_calls_are_whole_deltas_with_indexes() -> None:
    chunks, state = replay("stream_tool_call.sse")
    assert chunks[0].content == "Let me check both cities."
    calls = [call for c in chunks for call in c.tool_calls]
    assert [(c["index"], c["id"]) for c in calls] == [(0, "call_0"), (1, "call_1")]
    assert [json.loads(c["function"]["arguments"])["city"] for c in calls] == ["Paris", "London"]
    assert calls[0]["extra_content"] == {"google": {"thought_signature": SIGNATURE}}
    assert chunks[-1].finish_reason == "tool_calls"
    assert chunks[-1].usage.total_tokens == 101
    assert state.finish == "tool_calls"


def test_a_stream_without_finish_reason_is_not_finished() -> None:
    state = translate.StreamState(provider="gemini")
    first = fixture("stream_text.sse").split("\n\n")[1][6:]
    assert translate.chunk_from_event(first, state).content
    assert translate.end_of_stream(state) is None  # no finish chunk: the adapter says so


def test_an_error_event_inside_a_stream_raises_a_server_error() -> None:
    with pytest.raises(UpstreamServerError) as raised:
        replay("stream_error.sse")
    assert raised.value.status == 503
    assert raised.value.retryable


def test_a_blocked_prompt_finishes_the_stream() -> None:
    state = translate.StreamState(provider="gemini")
    assert translate.chunk_from_event(fixture("completion_blocked.json"), state) is None
    chunk = translate.end_of_stream(state)
    assert (chunk.role, chunk.finish_reason) == ("assistant", "content_filter")
    assert chunk.usage.prompt_tokens == 12


def test_other_candidates_are_ignored() -> None:
    state = translate.StreamState(provider="gemini")
    event = {"candidates": [{"content": {"parts": [{"text": "x"}]}, "index": 1}]}
    assert translate.chunk_from_event(json.dumps(event), state) is None
    assert translate.end_of_stream(state) is None


# --- errors and models ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "kind", "effective"),
    [
        (429, "error_rate_limit.json", UpstreamRateLimited, 429),
        (400, "error_api_key_invalid.json", UpstreamAuthError, 401),
        (403, "error_permission_denied.json", UpstreamAuthError, 403),
        (400, "error_token_limit.json", UpstreamBadRequest, 400),
        (404, "error_not_found.json", UpstreamBadRequest, 404),
        (503, "error_overloaded.json", UpstreamServerError, 503),
        (500, None, UpstreamServerError, 500),
        (504, None, UpstreamServerError, 504),
        (401, None, UpstreamAuthError, 401),
    ],
)
def test_errors_are_classified_by_status_and_reason(status, body, kind, effective) -> None:
    parsed = json.loads(fixture(body)) if body else None
    error = translate.error_from_response(status, parsed, {}, "gemini")
    assert type(error) is kind
    assert (error.status, error.provider) == (effective, "gemini")
    assert not isinstance(error, UpstreamContextTooLong)
    if body:
        assert error.message == parsed["error"]["message"]


def test_retry_after_comes_from_the_header_else_retry_info() -> None:
    body = json.loads(fixture("error_rate_limit.json"))
    assert translate.error_from_response(429, body, {}, "gemini").retry_after == 7
    with_header = translate.error_from_response(429, body, {"retry-after": "3"}, "gemini")
    assert with_header.retry_after == 3
    body["error"]["details"][-1]["retryDelay"] = "0.5s"
    assert translate.error_from_response(429, body, {}, "gemini").retry_after == 0.5
    assert translate.error_from_response(429, None, {}, "gemini").retry_after is None


def test_a_stream_error_without_code_uses_its_status_name() -> None:
    error = translate.stream_error({"status": "RESOURCE_EXHAUSTED", "message": "quota"}, "g")
    assert type(error) is UpstreamRateLimited
    assert type(translate.stream_error({}, "g")) is UpstreamServerError


def test_an_error_in_a_json_array_body_is_read() -> None:
    body = [json.loads(fixture("error_not_found.json"))]
    assert type(translate.error_from_response(404, body, {}, "g")) is UpstreamBadRequest


def test_models_strip_the_prefix_and_skip_non_chat_non_embedding_ones() -> None:
    models = translate.models_from_wire(json.loads(fixture("models.json")), "gemini")
    assert [m.id for m in models] == ["gemini/gemini-2.0-flash", "gemini/text-embedding-004"]
    chat, embedding = models
    assert (chat.context_length, chat.output_modalities) == (1048576, ("text",))
    assert chat.description == "Gemini 2.0 Flash"
    assert (embedding.context_length, embedding.output_modalities) == (2048, ("embeddings",))


def test_embeddings_in_order() -> None:
    vectors = translate.embeddings_from_wire(json.loads(fixture("embed.json")))
    assert [v[0] for v in vectors] == [0.013168523, -0.0050250925]


def test_a_finish_reason_repeated_on_every_event_ends_the_stream_once() -> None:
    state = translate.StreamState(provider="gemini")
    for text in ("Hello", " world"):
        event = {"candidates": [{"content": {"parts": [{"text": text}]}, "finishReason": "STOP"}]}
        chunk = translate.chunk_from_event(json.dumps(event), state)
        assert (chunk.content, chunk.finish_reason) == (text, None)  # not finished yet
    assert translate.end_of_stream(state).finish_reason == "stop"


@pytest.mark.parametrize(
    "part",
    [
        {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "opus"}},
        {"type": "file", "file": {"file_id": "file-abc"}},
        {"type": "some_future_part", "data": 1},
    ],
)
def test_a_part_gemini_cannot_take_is_refused_not_dropped(part) -> None:
    request = ChatRequest(model="m", messages=(ChatMessage("user", [part]),))
    with pytest.raises(UnsupportedInput):
        translate.to_wire(request)
