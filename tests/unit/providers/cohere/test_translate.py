"""The Cohere v2 translators on recorded wire fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.domain.chat import ChatChunk, ChatMessage, ChatRequest
from switchboard.providers.cohere import translate
from switchboard.providers.errors import (
    UnsupportedInput,
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamRateLimited,
    UpstreamServerError,
    UpstreamTimeout,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "providers" / "cohere"
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Weather in a city",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        "strict": True,
    },
}
CLOCK_TOOL = {"type": "function", "function": {"name": "get_time"}}


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def replay(name: str, state: translate.StreamState) -> list[ChatChunk]:
    chunks = []
    for frame in fixture(name).split("\n\n"):
        data = [line[6:] for line in frame.splitlines() if line.startswith("data: ")]
        if data:
            chunk = translate.chunk_from_event("\n".join(data), state)
            if chunk is not None:
                chunks.append(chunk)
    return chunks


def request(**kwargs) -> ChatRequest:
    return ChatRequest(model="command-a-03-2025", messages=(ChatMessage("user", "hi"),), **kwargs)


def test_messages_keep_roles_images_tool_calls_and_tool_results() -> None:
    call = {
        "id": "get_weather_1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
    }
    parts = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBOR", "detail": "low"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
    ]
    messages = (
        ChatMessage("developer", [{"type": "text", "text": "Be brief."}]),
        ChatMessage("user", parts, name="ann"),
        ChatMessage("assistant", None, tool_calls=(call,)),
        ChatMessage("tool", [{"type": "text", "text": "18C"}], tool_call_id="get_weather_1"),
    )
    body = translate.to_wire(ChatRequest(model="command-a", messages=messages), stream=False)
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "What is this?"},
                {
                    "type": "image_url",
                    "image_url": {"url": "data:image/png;base64,iVBOR", "detail": "low"},
                },
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
            ],
        },
        {"role": "assistant", "tool_calls": [call]},
        {"role": "tool", "tool_call_id": "get_weather_1", "content": "18C"},
    ]
    assert body["stream"] is False


def test_params_are_renamed_and_extra_body_is_dropped() -> None:
    body = translate.to_wire(
        request(
            max_tokens=5,
            temperature=0.2,
            params={
                "top_p": 0.9,
                "stop": "END",
                "seed": 7,
                "frequency_penalty": 0.1,
                "presence_penalty": 0.3,
                "logit_bias": {"1": 2},
                "user": "u1",
            },
            extra_body={"top_k": 4},
        ),
        stream=True,
    )
    assert body == {
        "model": "command-a-03-2025",
        "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 5,
        "temperature": 0.2,
        "p": 0.9,
        "seed": 7,
        "frequency_penalty": 0.1,
        "presence_penalty": 0.3,
        "stop_sequences": ["END"],
        "stream": True,
    }
    assert (
        translate.to_wire(
            request(max_tokens=9, max_tokens_field="max_completion_tokens"), stream=False
        )["max_tokens"]
        == 9
    )


@pytest.mark.parametrize(
    ("response_format", "wire"),
    [
        ({"type": "json_object"}, {"type": "json_object"}),
        (
            {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "object"}}},
            {"type": "json_object", "json_schema": {"type": "object"}},
        ),
        ({"type": "text"}, None),
    ],
)
def test_response_format(response_format, wire) -> None:
    body = translate.to_wire(request(params={"response_format": response_format}), stream=False)
    assert body.get("response_format") == wire


@pytest.mark.parametrize(
    ("choice", "wire_choice", "names"),
    [
        ("auto", None, ["get_weather", "get_time"]),
        ("required", "REQUIRED", ["get_weather", "get_time"]),
        ("none", "NONE", ["get_weather", "get_time"]),
        ({"type": "function", "function": {"name": "get_time"}}, "REQUIRED", ["get_time"]),
    ],
)
def test_tools_and_tool_choice(choice, wire_choice, names) -> None:
    params = {"tools": [WEATHER_TOOL, CLOCK_TOOL], "tool_choice": choice}
    body = translate.to_wire(request(params=params), stream=False)
    assert [t["function"]["name"] for t in body["tools"]] == names
    assert body.get("tool_choice") == wire_choice
    assert body["strict_tools"] is True
    if "get_weather" in names:
        assert body["tools"][0] == {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather in a city",
                "parameters": WEATHER_TOOL["function"]["parameters"],
            },
        }


def test_tool_choice_without_tools_is_not_sent() -> None:
    body = translate.to_wire(request(params={"tool_choice": "required"}), stream=False)
    assert "tool_choice" not in body
    assert "tools" not in body


def test_text_completion_counts_billed_units() -> None:
    result = translate.from_wire(json.loads(fixture("completion_text.json")))
    assert result.content == "LLMs are neural networks trained on large amounts of text."
    assert result.finish_reason == "stop"
    assert (result.usage.prompt_tokens, result.usage.completion_tokens) == (5, 12)
    assert result.upstream_id == "c14c80c3-18eb-4519-9460-6c92edd8cfb4"


def test_usage_falls_back_to_token_counts_and_reads_cached_tokens() -> None:
    usage = translate.usage_from_wire(
        {"tokens": {"input_tokens": 5, "output_tokens": 2}, "cached_tokens": 3}
    )
    assert (usage.prompt_tokens, usage.completion_tokens, usage.cached_tokens) == (5, 2, 3)


def test_tool_call_completion() -> None:
    result = translate.from_wire(json.loads(fixture("completion_tool_call.json")))
    assert result.content is None
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls == (
        {
            "id": "get_weather_1byjy32y4hvq",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
        },
    )
    assert result.usage.total_tokens == 65  # billed units, not the 913 + 83 processed


@pytest.mark.parametrize(
    ("wire", "openai"),
    [("COMPLETE", "stop"), ("STOP_SEQUENCE", "stop"), ("MAX_TOKENS", "length"), ("new", "stop")],
)
def test_finish_reasons(wire, openai) -> None:
    assert translate.finish_reason_of(wire, "cohere") == openai


def test_an_error_finish_is_raised_not_returned() -> None:
    with pytest.raises(UpstreamServerError) as raised:
        translate.from_wire(json.loads(fixture("completion_error.json")), "co")
    assert raised.value.provider == "co"
    assert raised.value.retryable
    with pytest.raises(UpstreamTimeout):
        translate.finish_reason_of("TIMEOUT", "co")


def test_text_stream() -> None:
    state = translate.StreamState(provider="cohere")
    chunks = replay("stream_text.sse", state)
    assert chunks[0].role == "assistant"
    assert "".join(c.content or "" for c in chunks) == "A large language model"
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["length"]
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (
        7,
        3,
    )  # billed units
    assert state.finished


def test_stream_tool_calls_become_openai_deltas() -> None:
    state = translate.StreamState(provider="cohere")
    chunks = replay("stream_tool_call.sse", state)
    calls = [call for c in chunks for call in c.tool_calls]
    assert [(c["index"], c["id"]) for c in calls if "id" in c] == [
        (0, "get_weather_nsz5zm3w56q3"),
        (1, "get_weather_p0dage9q1nv4"),
    ]
    assert calls[0]["function"] == {"name": "get_weather", "arguments": ""}
    for index, city in ((0, "Paris"), (1, "Tokyo")):
        arguments = "".join(c["function"]["arguments"] for c in calls if c["index"] == index)
        assert json.loads(arguments) == {"city": city}
    assert not any(c.content for c in chunks)
    assert chunks[-1].finish_reason == "tool_calls"
    assert chunks[-1].usage.total_tokens == 65  # billed units
    assert state.finished


def test_an_error_finish_in_a_stream_raises() -> None:
    state = translate.StreamState(provider="cohere")
    with pytest.raises(UpstreamServerError):
        replay("stream_error.sse", state)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, "error_rate_limit.json", UpstreamRateLimited),
        (401, "error_invalid_token.json", UpstreamAuthError),
        (498, "error_invalid_token.json", UpstreamAuthError),
        (402, None, UpstreamAuthError),
        (400, "error_too_many_tokens.json", UpstreamBadRequest),
        (404, "error_legacy.json", UpstreamBadRequest),
        (422, None, UpstreamBadRequest),
        (499, None, UpstreamBadRequest),
        (500, None, UpstreamServerError),
        (503, None, UpstreamServerError),
    ],
)
def test_errors_are_classified_by_status(status, body, kind) -> None:
    parsed = json.loads(fixture(body)) if body else "<html>bad gateway</html>"
    error = translate.error_from_response(status, parsed, {"retry-after": "3"}, "cohere")
    assert type(error) is kind
    assert (error.provider, error.status) == ("cohere", status)
    assert not isinstance(error, UpstreamContextTooLong)
    if body:
        assert error.message == json.loads(fixture(body))["message"]
    if kind is UpstreamRateLimited:
        assert error.retry_after == 3


def test_embeddings() -> None:
    assert translate.embed_to_wire("embed-v4.0", ["hello"]) == {
        "model": "embed-v4.0",
        "texts": ["hello"],
        "input_type": "search_document",
        "embedding_types": ["float"],
    }
    vectors, tokens = translate.embeddings_from_wire(json.loads(fixture("embed.json")))
    assert [len(v) for v in vectors] == [3, 3]
    assert vectors[1][1] == 0.027313232
    assert tokens == 2
    assert [len(b) for b in translate.embed_batches([str(i) for i in range(200)])] == [96, 96, 8]


def test_models_keep_chat_and_embed_ones() -> None:
    models = translate.models_from_wire(json.loads(fixture("models.json")), "co")
    assert [m.id for m in models] == [
        "co/command-a-03-2025",
        "co/command-a-vision-07-2025",
        "co/embed-v4.0",
    ]
    assert models[0].context_length == 256000
    assert models[1].input_modalities == ("text", "image")
    assert models[2].output_modalities == ("embeddings",)


def test_an_audio_part_is_refused_not_dropped() -> None:
    parts = [{"type": "input_audio", "input_audio": {"data": "UklGRg==", "format": "wav"}}]
    with pytest.raises(UnsupportedInput):
        translate.to_wire(
            ChatRequest(model="command-a", messages=(ChatMessage("user", parts),)), stream=False
        )
