import json
from decimal import Decimal

import pytest

from switchboard.chat.response import Stamp, chunk_json, completion_json, dumps_with_cost
from switchboard.domain.chat import ChatChunk, ChatResult, Usage


def test_cost_is_an_exact_json_number() -> None:
    result = ChatResult(content="hi", finish_reason="stop", usage=Usage(7, 3, 2, 1))
    body = completion_json(result, Stamp("chatcmpl-1", 1, "a/b", "a"))
    data = dumps_with_cost(body, "0.000000000000000001", 12)
    assert b'"estimated_usd":0.000000000000000001,' in data
    parsed = json.loads(data, parse_float=Decimal)
    assert parsed["cost"] == {"estimated_usd": Decimal("1E-18"), "currency": "USD"}
    assert parsed["latency_ms"] == 12
    assert parsed["usage"]["total_tokens"] == 10
    assert parsed["usage"]["prompt_tokens_details"]["cached_tokens"] == 2


def test_only_plain_decimals_are_spliced_in() -> None:
    with pytest.raises(ValueError, match="plain decimal"):
        dumps_with_cost({}, "1e5", 0)
    with pytest.raises(ValueError, match="plain decimal"):
        dumps_with_cost({}, '0,"x":1', 0)


def test_refusal_and_logprobs_are_rendered_where_openai_puts_them() -> None:
    logprobs = {"content": []}
    result = ChatResult(None, "stop", Usage(), refusal="No.", logprobs=logprobs)
    [choice] = completion_json(result, Stamp("chatcmpl-1", 1, "a/b", "a"))["choices"]
    assert (choice["message"]["refusal"], choice["logprobs"]) == ("No.", logprobs)
    chunk = chunk_json(ChatChunk(refusal="No", logprobs=logprobs), Stamp("c", 1, "a/b", "a"))
    assert chunk["choices"][0]["delta"] == {"refusal": "No"}
    assert chunk["choices"][0]["logprobs"] == logprobs
