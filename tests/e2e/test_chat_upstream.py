"""The official openai SDK through Envoy against a fake OpenAI upstream: every error class,
tools, json_schema, and a client that walks away mid-stream."""

from __future__ import annotations

import time

import openai
import pytest
from openai import OpenAI

MESSAGES = [{"role": "user", "content": "hi"}]
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "weather",
            "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
    }
]
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "answer",
        "strict": True,
        "schema": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
    },
}


def sdk(stack, **kwargs) -> OpenAI:
    return OpenAI(base_url=stack.rest + "/v1", api_key=stack.admin_key, max_retries=0, **kwargs)


def test_completion_with_tools_and_json_schema_passes_them_through(stack, upstream) -> None:
    completion = sdk(stack).chat.completions.create(
        model="acme/ok",
        messages=MESSAGES,
        tools=TOOLS,
        tool_choice="auto",
        response_format=SCHEMA,
        parallel_tool_calls=False,
        user="end-user-1",
    )
    assert completion.choices[0].message.content == "Hello"
    assert completion.model == "acme/ok"
    assert completion.model_extra["cost"]["estimated_usd"] > 0
    sent = upstream.requests[-1]
    assert sent["tools"] == TOOLS
    assert sent["response_format"] == SCHEMA
    assert (sent["tool_choice"], sent["parallel_tool_calls"], sent["user"]) == (
        "auto",
        False,
        "end-user-1",
    )


@pytest.mark.parametrize(
    ("model", "exception", "status", "code"),
    [
        ("acme/rate-limited", openai.RateLimitError, 429, "RATE_LIMIT_EXCEEDED"),
        ("acme/context", openai.BadRequestError, 400, "CONTEXT_LENGTH_EXCEEDED"),
        ("acme/bad", openai.BadRequestError, 400, "INVALID_REQUEST"),
        ("downco/auth", openai.InternalServerError, 503, "PROVIDER_ERROR"),
        ("downco/broken", openai.InternalServerError, 503, "PROVIDER_ERROR"),
    ],
)
@pytest.mark.parametrize("stream", [False, True])
def test_every_error_class_raises_the_sdks_exception(
    stack, model, exception, status, code, stream
) -> None:
    with pytest.raises(exception) as caught:
        result = sdk(stack).chat.completions.create(model=model, messages=MESSAGES, stream=stream)
        list(result) if stream else None
    assert caught.value.status_code == status
    assert caught.value.code == code
    if status == 429:
        assert caught.value.response.headers["retry-after"] == "7"
    assert "sk-upstream" not in str(caught.value.body)


def test_client_disconnect_cancels_the_upstream_request(stack, upstream) -> None:
    before = upstream.disconnects
    stream = sdk(stack).chat.completions.create(model="acme/slow", messages=MESSAGES, stream=True)
    first = [next(iter(stream)) for _ in range(2)]
    assert first[1].choices[0].delta.content
    stream.close()
    deadline = time.monotonic() + 5
    while upstream.disconnects == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert upstream.disconnects == before + 1
