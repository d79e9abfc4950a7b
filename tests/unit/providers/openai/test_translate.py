"""The OpenAI translators on recorded wire fixtures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from switchboard.domain.chat import ChatMessage, ChatRequest
from switchboard.providers.errors import (
    UpstreamAuthError,
    UpstreamBadRequest,
    UpstreamContextTooLong,
    UpstreamRateLimited,
    UpstreamServerError,
)
from switchboard.providers.openai import translate

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "providers" / "openai"


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


def test_the_output_limit_goes_under_the_name_the_client_used() -> None:
    request = ChatRequest(
        model="o3-mini",
        messages=(ChatMessage("user", "hi"),),
        max_tokens=50,
        max_tokens_field="max_completion_tokens",
    )
    body = translate.to_wire(request, stream=False)
    assert body["max_completion_tokens"] == 50
    assert "max_tokens" not in body


def test_to_wire_keeps_params_and_unknown_fields_and_forces_stream_usage() -> None:
    request = ChatRequest(
        model="gpt-4o-mini",
        messages=(ChatMessage(role="tool", content="18C", tool_call_id="call_9x"),),
        max_tokens=5,
        temperature=0.2,
        params={"seed": 2**63 - 1, "tools": [{"type": "function"}]},
        extra_body={"top_k": 4},
    )
    body = translate.to_wire(request, stream=True)
    assert body["messages"] == [{"role": "tool", "content": "18C", "tool_call_id": "call_9x"}]
    assert (body["max_tokens"], body["temperature"], body["seed"], body["top_k"]) == (
        5,
        0.2,
        2**63 - 1,
        4,
    )
    assert body["stream_options"] == {"include_usage": True}
    assert "stream_options" not in translate.to_wire(request, stream=False)


def test_completion_with_a_tool_call_and_cached_tokens() -> None:
    result = translate.from_wire(json.loads(fixture("completion_tool_call.json")))
    assert result.content is None
    assert result.finish_reason == "tool_calls"
    assert result.tool_calls[0]["function"]["arguments"] == '{"city":"Paris"}'
    assert (result.usage.prompt_tokens, result.usage.cached_tokens) == (82, 64)
    assert result.upstream_id == "chatcmpl-AbC123"


def test_stream_fragments_reassemble_and_usage_arrives_last() -> None:
    state = translate.StreamState(provider="openai")
    chunks = []
    for frame in fixture("stream_tool_call.sse").split("\n\n"):
        if frame.startswith("data: "):
            chunk = translate.chunk_from_event(frame[6:], state)
            if chunk is not None:
                chunks.append(chunk)
    arguments = "".join(
        call["function"].get("arguments", "") for c in chunks for call in c.tool_calls
    )
    assert arguments == '{"city":"Paris"}'
    assert [c.finish_reason for c in chunks if c.finish_reason] == ["tool_calls"]
    assert chunks[-1].usage.total_tokens == 95
    assert state.finished


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (400, "error_context_length.json", UpstreamContextTooLong),
        (429, "error_rate_limit.json", UpstreamRateLimited),
        (429, "error_insufficient_quota.json", UpstreamAuthError),  # no wait will cure it
        (402, None, UpstreamAuthError),
        (400, None, UpstreamBadRequest),
        (401, None, UpstreamAuthError),
        (503, None, UpstreamServerError),
    ],
)
def test_errors_are_classified_by_status_and_code(status, body, kind) -> None:
    parsed = json.loads(fixture(body)) if body else None
    error = translate.error_from_response(status, parsed, {"retry-after": "3"}, "openai")
    assert type(error) is kind
    assert error.provider == "openai"
    if kind is UpstreamRateLimited:
        assert error.retry_after == 3


def test_an_error_event_inside_a_stream_raises() -> None:
    state = translate.StreamState(provider="openrouter")
    with pytest.raises(UpstreamServerError):
        translate.chunk_from_event('{"error": {"message": "upstream died", "code": 502}}', state)


def test_refusals_and_logprobs_come_through() -> None:
    logprobs = {
        "content": [{"token": "No", "logprob": -0.01, "bytes": [78, 111], "top_logprobs": []}]
    }
    body = {
        "id": "chatcmpl-1",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": None, "refusal": "I can't help."},
                "logprobs": logprobs,
                "finish_reason": "stop",
            }
        ],
    }
    result = translate.from_wire(body)
    assert (result.refusal, result.logprobs) == ("I can't help.", logprobs)
    state = translate.StreamState(provider="openai")
    event = {"choices": [{"index": 0, "delta": {"refusal": "I can't"}, "logprobs": logprobs}]}
    chunk = translate.chunk_from_event(json.dumps(event), state)
    assert (chunk.refusal, chunk.logprobs) == ("I can't", logprobs)
