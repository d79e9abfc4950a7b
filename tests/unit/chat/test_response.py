import json
from decimal import Decimal

import pytest

from switchboard.chat.response import Stamp, completion_json, dumps_with_cost
from switchboard.domain.chat import ChatResult, Usage


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
