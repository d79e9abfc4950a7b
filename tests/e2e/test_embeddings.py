"""Embeddings through Envoy with the official openai SDK."""

from __future__ import annotations

import base64
import struct

import httpx
import openai
import pytest
from openai import OpenAI

from switchboard.money import cost_pico, pico_to_usd


def sdk(stack) -> OpenAI:
    return OpenAI(base_url=stack.rest + "/v1", api_key=stack.admin_key, max_retries=0)


def test_echo_embeddings_are_deterministic(stack) -> None:
    first = sdk(stack).embeddings.create(model="echo/echo-1", input=["a b", "c"])
    again = sdk(stack).embeddings.create(model="echo/echo-1", input=["a b", "c"])
    assert [d.embedding for d in first.data] == [d.embedding for d in again.data]
    assert len(first.data[0].embedding) == 8
    assert first.usage.prompt_tokens == 3
    assert first.model == "echo/echo-1"


def test_upstream_embeddings_are_priced(stack, upstream) -> None:
    reply = sdk(stack).embeddings.create(model="acme/ok", input=["x", "y"], encoding_format="float")
    assert [d.embedding for d in reply.data] == [[0.5, -0.25, 0.0], [0.5, -0.25, 1.0]]
    assert reply.usage.prompt_tokens == 4
    assert reply.model_extra["cost"]["estimated_usd"] == pico_to_usd(
        cost_pico(4, 0, input_price=150_000, output_price=600_000)
    )
    assert upstream.requests[-1]["input"] == ["x", "y"]


def test_base64_encoding(stack) -> None:
    raw = httpx.post(
        f"{stack.rest}/v1/embeddings",
        json={"model": "acme/ok", "input": "x", "encoding_format": "base64"},
        headers=stack.auth,
    ).json()
    packed = base64.b64decode(raw["data"][0]["embedding"])
    assert struct.unpack("<3f", packed) == (0.5, -0.25, 0.0)


def test_bad_input_is_400(stack) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk(stack).embeddings.create(model="echo/echo-1", input=[])
    assert caught.value.param == "input"


def test_dimensions_reach_the_provider_and_a_large_answer_gets_through(stack, upstream) -> None:
    inputs = [f"text {i}" for i in range(300)]
    reply = sdk(stack).embeddings.create(
        model="acme/ok", input=inputs, dimensions=1536, encoding_format="float"
    )
    assert upstream.requests[-1]["dimensions"] == 1536
    assert len(reply.data) == 300  # ~3 MB of JSON through the transcoder
    assert {len(item.embedding) for item in reply.data} == {1536}
    assert reply.data[299].embedding[2] == 299.0
