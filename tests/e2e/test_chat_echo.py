"""Chat completions through Envoy with the official openai SDK, against the built-in echo model."""

from __future__ import annotations

import json

import httpx
import openai
import pytest
from openai import OpenAI

MESSAGES = [
    {"role": "system", "content": "be brief"},
    {"role": "user", "content": "hello big world"},
]


def sdk(stack) -> OpenAI:
    return OpenAI(base_url=stack.rest + "/v1", api_key=stack.admin_key, max_retries=0)


def test_non_streaming_completion(stack) -> None:
    completion = sdk(stack).chat.completions.create(model="echo/echo-1", messages=MESSAGES)
    assert completion.object == "chat.completion"
    assert completion.model == "echo/echo-1"
    assert completion.choices[0].message.content == "Echo: hello big world"
    assert completion.choices[0].finish_reason == "stop"
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (5, 4)
    extra = completion.model_extra
    assert extra["cost"] == {"estimated_usd": 0, "currency": "USD"}
    assert extra["provider"] == "echo"
    assert isinstance(extra["latency_ms"], int)


def test_streaming_with_usage_ends_with_done(stack) -> None:
    stream = sdk(stack).chat.completions.create(
        model="echo/echo-1", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Echo: hello big world"
    assert chunks[0].choices[0].delta.role == "assistant"
    finish = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert finish == ["stop"]
    last = chunks[-1]
    assert last.choices == []
    assert last.usage.total_tokens == 9
    assert last.model_extra["cost"]["currency"] == "USD"
    raw = httpx.post(
        f"{stack.rest}/api/v1/chat/completions",
        json={"model": "echo/echo-1", "messages": MESSAGES, "stream": True},
        headers=stack.auth,
    )
    assert raw.headers["content-type"].startswith("text/event-stream")
    frames = [f for f in raw.text.split("\n\n") if f]
    assert frames[-1] == "data: [DONE]"
    assert all(f.startswith("data: ") for f in frames)
    assert json.loads(frames[0][6:])["object"] == "chat.completion.chunk"


def test_max_tokens_cuts_with_length(stack) -> None:
    completion = sdk(stack).chat.completions.create(
        model="echo/echo-1", messages=MESSAGES, max_tokens=2
    )
    assert completion.choices[0].finish_reason == "length"
    assert completion.choices[0].message.content == "Echo: hello"


def test_array_content_and_unknown_fields_are_accepted(stack) -> None:
    completion = sdk(stack).chat.completions.create(
        model="echo/echo-1",
        messages=[{"role": "user", "content": [{"type": "text", "text": "parts work"}]}],
        extra_body={"some_provider_knob": {"x": 1}, "top_k": 5},
        seed=2**62 + 1,
        stop=["\\n"],
    )
    assert completion.choices[0].message.content == "Echo: parts work"


@pytest.mark.parametrize(
    ("body", "param"),
    [
        (
            {
                "model": "echo/echo-1",
                "messages": [],
            },
            "messages",
        ),
        ({"model": "echo/echo-1", "messages": MESSAGES, "temperature": "hot"}, "temperature"),
        ({"model": "echo/echo-1", "messages": MESSAGES, "stream": "yes"}, "stream"),
        ({"messages": MESSAGES}, "model"),
        (
            {"model": "echo/echo-1", "messages": [{"role": "wizard", "content": "x"}]},
            "messages[0].role",
        ),
    ],
)
def test_wrong_types_are_400_naming_the_field(stack, body: dict, param: str) -> None:
    response = httpx.post(f"{stack.rest}/v1/chat/completions", json=body, headers=stack.auth)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["param"] == param
    assert response.json()["error"]["code"] == "INVALID_REQUEST"


def test_malformed_json_is_400(stack) -> None:
    response = httpx.post(
        f"{stack.rest}/v1/chat/completions",
        content=b"{not json",
        headers={"content-type": "application/json", **stack.auth},
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "body"


def test_unknown_model_is_the_sdks_not_found(stack) -> None:
    with pytest.raises(openai.NotFoundError) as caught:
        sdk(stack).chat.completions.create(model="nope/none", messages=MESSAGES)
    assert caught.value.param == "model"
    with pytest.raises(openai.NotFoundError):
        sdk(stack).chat.completions.create(model="nope/none", messages=MESSAGES, stream=True)


def test_fallback_list_skips_an_unknown_first_model(stack) -> None:
    completion = sdk(stack).chat.completions.create(
        model="echo/echo-1", messages=MESSAGES, extra_body={"models": ["nope/x", "echo/echo-1"]}
    )
    assert completion.choices[0].message.content.startswith("Echo:")
