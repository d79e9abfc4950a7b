"""Keys, permissions and rate limits over REST through Envoy, with curl-like calls and the
official openai SDK: the status codes, bodies, headers and exception classes clients see."""

from __future__ import annotations

import time

import httpx
import openai
import pytest
from openai import OpenAI

MESSAGES = [{"role": "user", "content": "hi"}]


def sdk(stack, key: str) -> OpenAI:
    return OpenAI(base_url=stack.rest + "/v1", api_key=key, max_retries=0)


def create_key(stack, **fields) -> dict:
    body = {"name": "rest", "permissions": ["ai:chat"], **fields}
    response = httpx.post(f"{stack.rest}/api/v1/auth/api-keys", json=body, headers=stack.auth)
    assert response.status_code == 200, response.text
    return response.json()


def chat_raw(stack, key: str | None, **headers: str) -> httpx.Response:
    if key is not None:
        headers["authorization"] = f"Bearer {key}"
    return httpx.post(
        f"{stack.rest}/v1/chat/completions",
        json={"model": "echo/echo-1", "messages": MESSAGES},
        headers=headers,
    )


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert error["request_id"] == response.headers["x-request-id"]
    return error


def test_no_key_or_a_garbage_key_is_401(stack) -> None:
    assert_error(chat_raw(stack, None), 401, "UNAUTHORIZED")
    garbage = "x" * 10_240
    response = chat_raw(stack, garbage)
    assert_error(response, 401, "UNAUTHORIZED")
    assert garbage not in response.text
    assert_error(chat_raw(stack, "' OR 1=1; --"), 401, "UNAUTHORIZED")
    with pytest.raises(openai.AuthenticationError):
        sdk(stack, "sk-sb-" + "0" * 43).chat.completions.create(
            model="echo/echo-1", messages=MESSAGES
        )


def test_created_key_works_once_shown_and_is_revoked_by_delete(stack) -> None:
    created = create_key(stack)
    assert created["key"].startswith(created["prefix"])
    fetched = httpx.get(f"{stack.rest}/api/v1/auth/api-keys/{created['id']}", headers=stack.auth)
    assert "key" not in fetched.json() or fetched.json()["key"] == ""
    reply = sdk(stack, created["key"]).chat.completions.create(
        model="echo/echo-1", messages=MESSAGES
    )
    assert reply.choices[0].message.content == "Echo: hi"
    deleted = httpx.delete(f"{stack.rest}/api/v1/auth/api-keys/{created['id']}", headers=stack.auth)
    assert deleted.status_code == 200
    assert deleted.json()["revoked_at"]
    assert_error(chat_raw(stack, created["key"]), 401, "UNAUTHORIZED")


def test_missing_permission_is_403(stack) -> None:
    reader = create_key(stack, permissions=["logs:read:own"])
    with pytest.raises(openai.PermissionDeniedError):
        sdk(stack, reader["key"]).chat.completions.create(model="echo/echo-1", messages=MESSAGES)
    chatter = create_key(stack)
    listing = httpx.get(
        f"{stack.rest}/api/v1/auth/api-keys",
        headers={"authorization": f"Bearer {chatter['key']}"},
    )
    assert_error(listing, 403, "FORBIDDEN")


def test_rate_limit_headers_then_429_with_retry_after(stack) -> None:
    limited = create_key(stack, rate_limit_per_minute=2)
    if 60 - time.time() % 60 < 5:
        time.sleep(6)
    first = chat_raw(stack, limited["key"])
    assert first.status_code == 200
    assert first.headers["x-ratelimit-limit"] == "2"
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert int(first.headers["x-ratelimit-reset"]) % 60 == 0
    assert chat_raw(stack, limited["key"]).status_code == 200
    refused = chat_raw(stack, limited["key"])
    assert_error(refused, 429, "RATE_LIMIT_EXCEEDED")
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-ratelimit-remaining"] == "0"
    with pytest.raises(openai.RateLimitError) as caught:
        sdk(stack, limited["key"]).chat.completions.create(model="echo/echo-1", messages=MESSAGES)
    assert caught.value.response.headers["retry-after"]


def test_an_error_after_admission_still_carries_the_rate_limit_headers(stack) -> None:
    limited = create_key(stack, rate_limit_per_minute=100)
    response = httpx.post(
        f"{stack.rest}/v1/chat/completions",
        json={"model": "echo/echo-1", "messages": MESSAGES, "n": 2},
        headers={"authorization": f"Bearer {limited['key']}"},
    )
    assert_error(response, 400, "INVALID_REQUEST")
    assert response.headers["x-ratelimit-limit"] == "100"


def test_streaming_answers_carry_the_rate_limit_headers(stack) -> None:
    limited = create_key(stack, rate_limit_per_minute=100)
    with httpx.stream(
        "POST",
        f"{stack.rest}/v1/chat/completions",
        json={"model": "echo/echo-1", "messages": MESSAGES, "stream": True},
        headers={"authorization": f"Bearer {limited['key']}"},
    ) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["x-ratelimit-limit"] == "100"
        assert response.read().endswith(b"data: [DONE]\n\n")
