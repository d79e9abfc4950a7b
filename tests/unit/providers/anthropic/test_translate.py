"""The Anthropic translators on recorded-style wire fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.providers.anthropic import translate
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamRateLimited,
    UpstreamServerError,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "providers" / "anthropic"
CALL = {
    "id": "toolu_1",
    "type": "function",
    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
}
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather by city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def data_payloads(name: str) -> list[str]:
    return [
        line.removeprefix("data: ")
        for line in fixture(name).splitlines()
        if line.startswith("data: ")
    ]


def request(*messages: ChatMessage, **kwargs) -> ChatRequest:
    return ChatRequest(model="claude-sonnet-4-5", messages=messages, **kwargs)


def test_system_goes_top_level_and_max_tokens_defaults() -> None:
    body = translate.to_wire(
        request(
            ChatMessage(role="system", content="Be terse."),
            ChatMessage(role="developer", content=[{"type": "text", "text": "No emoji."}]),
            ChatMessage(role="user", content="hi"),
        ),
        stream=False,
    )
    assert body["system"] == [
        {"type": "text", "text": "Be terse."},
        {"type": "text", "text": "No emoji."},
    ]
    assert body["messages"] == [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]
    assert body["max_tokens"] == translate.DEFAULT_MAX_TOKENS == 4096
    assert "stream" not in body
    assert translate.to_wire(request(ChatMessage("user", "x")), stream=True)["stream"] is True


def test_max_tokens_and_max_completion_tokens() -> None:
    user = ChatMessage("user", "x")
    assert translate.to_wire(request(user, max_tokens=5), stream=False)["max_tokens"] == 5
    completion = request(user, max_tokens=9, max_tokens_field="max_completion_tokens")
    body = translate.to_wire(completion, stream=False)
    assert body["max_tokens"] == 9


def test_tool_round_trip_becomes_tool_use_and_merged_tool_results() -> None:
    second = {**CALL, "id": "toolu_2", "function": {"name": "get_time", "arguments": "{}"}}
    body = translate.to_wire(
        request(
            ChatMessage("user", "weather and time in Paris?"),
            ChatMessage("assistant", None, tool_calls=(CALL, second)),
            ChatMessage("tool", "18C", tool_call_id="toolu_1"),
            ChatMessage("tool", [{"type": "text", "text": "10:00"}], tool_call_id="toolu_2"),
            ChatMessage("user", "thanks"),
        ),
        stream=False,
    )
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}},
        {"type": "tool_use", "id": "toolu_2", "name": "get_time", "input": {}},
    ]
    assert body["messages"][2]["content"] == [
        {
            "type": "tool_result",
            "tool_use_id": "toolu_1",
            "content": [{"type": "text", "text": "18C"}],
        },
        {
            "type": "tool_result",
            "tool_use_id": "toolu_2",
            "content": [{"type": "text", "text": "10:00"}],
        },
        {"type": "text", "text": "thanks"},
    ]


def test_consecutive_user_messages_merge_and_empty_text_is_dropped() -> None:
    body = translate.to_wire(
        request(ChatMessage("user", "a"), ChatMessage("user", ""), ChatMessage("user", "b")),
        stream=False,
    )
    assert body["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]}
    ]


def test_images_inline_base64_or_by_url() -> None:
    parts = [
        {"type": "text", "text": "Compare", "cache_control": {"type": "ephemeral"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    ]
    [message] = translate.to_wire(request(ChatMessage("user", parts)), stream=False)["messages"]
    assert message["content"] == [
        {"type": "text", "text": "Compare", "cache_control": {"type": "ephemeral"}},
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="},
        },
        {"type": "image", "source": {"type": "url", "url": "https://example.com/cat.jpg"}},
    ]


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("auto", {"type": "auto"}),
        ("required", {"type": "any"}),
        ("none", {"type": "none"}),
        (
            {"type": "function", "function": {"name": "get_weather"}},
            {"type": "tool", "name": "get_weather"},
        ),
    ],
)
def test_tools_and_tool_choice(choice, wire) -> None:
    body = translate.to_wire(
        request(ChatMessage("user", "x"), params={"tools": [WEATHER_TOOL], "tool_choice": choice}),
        stream=False,
    )
    assert body["tools"] == [
        {
            "name": "get_weather",
            "description": "Weather by city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        }
    ]
    assert body["tool_choice"] == wire


def test_parallel_tool_calls_false_disables_parallel_tool_use() -> None:
    params = {"tools": [WEATHER_TOOL], "parallel_tool_calls": False}
    body = translate.to_wire(request(ChatMessage("user", "x"), params=params), stream=False)
    assert body["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}


def test_sampling_params_and_json_schema_but_no_unknown_fields() -> None:
    schema = {"type": "object", "properties": {}, "additionalProperties": False}
    body = translate.to_wire(
        request(
            ChatMessage("user", "x"),
            temperature=0.3,
            params={
                "top_p": 0.9,
                "stop": "END",
                "seed": 7,
                "user": "u-1",
                "response_format": {"type": "json_schema", "json_schema": {"schema": schema}},
            },
            extra_body={"top_k": 3},
        ),
        stream=False,
    )
    assert (body["temperature"], body["top_p"], body["stop_sequences"]) == (0.3, 0.9, ["END"])
    assert body["metadata"] == {"user_id": "u-1"}
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": schema}}
    assert "seed" not in body
    assert "top_k" not in body
    params = {"stop": ["a", "b"], "response_format": {"type": "json_object"}}
    body = translate.to_wire(request(ChatMessage("user", "x"), params=params), stream=False)
    assert body["stop_sequences"] == ["a", "b"]
    assert "output_config" not in body


def test_text_completion() -> None:
    result = translate.from_wire(json.loads(fixture("completion_text.json")))
    assert result.content == "Hello! How can I help you today?"
    assert result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (12, 12)
    assert result.tool_calls == ()
    assert result.upstream_id == "msg_01XFDUDYJgAACzvnptvVoYEL"


def test_tool_use_completion_and_cache_tokens_count_as_prompt() -> None:
    result = translate.from_wire(json.loads(fixture("completion_tool_use.json")))
    assert result.content == "I'll check the current weather in Paris for you."
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls == (
        {
            "id": "toolu_01A09q90qw90lq917835lq9",
            "type": "function",
            "function": {
                "name": "get_weather",
                "arguments": '{"city":"Paris","unit":"celsius"}',
            },
        },
    )
    assert result.usage.prompt_tokens == 18 + 1024 + 2048
    assert (result.usage.cached_tokens, result.usage.completion_tokens) == (2048, 74)


@pytest.mark.parametrize(
    ("stop_reason", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("something_new", "stop"),
    ],
)
def test_stop_reasons(stop_reason, finish) -> None:
    body = {"content": [{"type": "text", "text": "x"}], "stop_reason": stop_reason}
    assert translate.from_wire(body).finish_reason == finish


def test_stream_text_tool_deltas_then_finish_and_usage_last() -> None:
    state = translate.StreamState(provider="anthropic")
    chunks = [translate.chunk_from_event(d, state) for d in data_payloads("stream_tool_use.sse")]
    chunks = [c for c in chunks if c is not None]
    assert chunks[0].role == "assistant"
    assert "".join(c.content or "" for c in chunks) == "Let me check the weather."
    calls = [call for c in chunks for call in c.tool_calls]
    assert calls[0] == {
        "index": 0,
        "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    assert {call["index"] for call in calls} == {0}
    assert "".join(call["function"]["arguments"] for call in calls) == '{"city": "Paris"}'
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["tool_calls"]
    last = chunks[-1]
    assert (last.usage.prompt_tokens, last.usage.cached_tokens) == (472 + 128, 128)
    assert last.usage.completion_tokens == 89
    assert state.finished


def test_stream_without_message_stop_is_not_finished() -> None:
    state = translate.StreamState(provider="anthropic")
    for data in data_payloads("stream_tool_use.sse")[:-1]:
        translate.chunk_from_event(data, state)
    assert not state.finished


def test_an_error_event_inside_a_stream_raises_a_retryable_error() -> None:
    state = translate.StreamState(provider="anthropic")
    start, error = data_payloads("stream_error.sse")
    translate.chunk_from_event(start, state)
    with pytest.raises(UpstreamServerError) as raised:
        translate.chunk_from_event(error, state)
    assert raised.value.retryable
    assert raised.value.message == "Overloaded"


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, "error_invalid_request.json", UpstreamBadRequest),
        (413, "error_request_too_large.json", UpstreamBadRequest),
        (401, "error_authentication.json", UpstreamAuthError),
        (429, "error_rate_limit.json", UpstreamRateLimited),
        (529, "error_overloaded.json", UpstreamServerError),
        (500, None, UpstreamServerError),
        (403, None, UpstreamAuthError),
    ],
)
def test_errors_are_classified_by_status_and_type(status, body, kind) -> None:
    parsed = json.loads(fixture(body)) if body else None
    error = translate.error_from_response(status, parsed, {"retry-after": "3"}, "anthropic")
    # A "prompt is too long" invalid_request_error stays a plain bad request: the message
    # text is never parsed.
    assert type(error) is kind
    assert error.provider == "anthropic"
    assert error.status == status
    if kind is UpstreamRateLimited:
        assert error.retry_after == 3
    if parsed:
        assert error.message == parsed["error"]["message"]


def test_models_page() -> None:
    models = translate.models_from_wire(json.loads(fixture("models.json")), "anthropic")
    assert [m.id for m in models] == [
        "anthropic/claude-sonnet-4-5-20250929",
        "anthropic/claude-haiku-4-5-20251001",
    ]
    assert models[0].description == "Claude Sonnet 4.5"
    assert models[0].created == 1759104000


def test_a_stream_reports_its_input_tokens_from_the_start() -> None:
    state = translate.StreamState(provider="anthropic")
    first = translate.chunk_from_event(data_payloads("stream_tool_use.sse")[0], state)
    assert first.role == "assistant"
    assert (first.usage.prompt_tokens, first.usage.cached_tokens) == (472 + 128, 128)


def test_a_streamed_tool_without_parameters_gets_empty_object_arguments() -> None:
    state = translate.StreamState(provider="anthropic")
    events = [
        {"type": "message_start", "message": {"usage": {"input_tokens": 5, "output_tokens": 1}}},
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "now", "input": {}},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": ""},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "tool_use"},
            "usage": {"output_tokens": 7},
        },
        {"type": "message_stop"},
    ]
    chunks = [translate.chunk_from_event(json.dumps(e), state) for e in events]
    calls = [call for c in chunks if c is not None for call in c.tool_calls]
    assert "".join(call["function"]["arguments"] for call in calls) == "{}"
    assert chunks[-2].usage.completion_tokens == 7  # usage grows as the stream goes
    assert chunks[-1].finish_reason == "tool_calls"


@pytest.mark.parametrize(
    "part",
    [
        {"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}},
        {"type": "file", "file": {"file_id": "file-abc"}},
    ],
)
def test_a_part_anthropic_cannot_take_is_refused_not_dropped(part) -> None:
    message = ChatMessage("user", [{"type": "text", "text": "listen"}, part])
    with pytest.raises(UnsupportedInput):
        translate.to_wire(request(message), stream=False)
