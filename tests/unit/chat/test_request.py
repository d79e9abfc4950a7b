import pytest

from switchboard.chat.request import parse_chat
from switchboard.errors import InvalidRequest

MESSAGES = [{"role": "user", "content": "hi"}]


def test_known_params_unknown_fields_and_gateway_fields_are_separated() -> None:
    call = parse_chat(
        {
            "model": "a/b",
            "messages": MESSAGES,
            "top_p": 0.5,
            "seed": 2**70,
            "tools": [],
            "top_k": 3,
            "metadata": {"feature_name": "f", "n": 1},
            "user": "u1",
            "stream": True,
            "stream_options": {"include_usage": True},
        }
    )
    assert call.request.params == {"top_p": 0.5, "seed": 2**70, "tools": [], "user": "u1"}
    assert call.request.extra_body == {"top_k": 3}
    assert call.metadata == {"feature_name": "f", "n": "1"}
    assert (call.stream, call.include_usage, call.user) == (True, True, "u1")


def test_models_list_alone_names_the_model() -> None:
    call = parse_chat({"models": ["a/b", "c/d"], "messages": MESSAGES})
    assert (call.model, call.fallbacks) == ("a/b", ("c/d",))


def test_provider_preferences() -> None:
    call = parse_chat(
        {
            "model": "a/b",
            "messages": MESSAGES,
            "provider": {"order": ["c"], "allow_fallbacks": False},
        }
    )
    assert (call.provider_order, call.allow_fallbacks) == (("c",), False)


def test_max_completion_tokens_wins() -> None:
    call = parse_chat(
        {"model": "a/b", "messages": MESSAGES, "max_tokens": 9, "max_completion_tokens": 3}
    )
    assert call.request.max_tokens == 3
    assert call.request.max_tokens_field == "max_completion_tokens"  # what OpenAI's o-series want
    plain = parse_chat({"model": "a/b", "messages": MESSAGES, "max_tokens": 9})
    assert (plain.request.max_tokens, plain.request.max_tokens_field) == (9, "max_tokens")


@pytest.mark.parametrize(
    ("patch", "param"),
    [
        ({"temperature": True}, "temperature"),
        ({"temperature": 2.5}, "temperature"),
        ({"top_p": "x"}, "top_p"),
        ({"max_tokens": 0}, "max_tokens"),
        ({"n": 1.5}, "n"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"stop": 3}, "stop"),
        ({"metadata": []}, "metadata"),
        ({"models": "a/b"}, "models"),
        ({"provider": {"allow_fallbacks": "no"}}, "provider.allow_fallbacks"),
        ({"messages": [{"role": "user", "content": 5}]}, "messages[0].content"),
        ({"messages": ["hi"]}, "messages[0]"),
        (
            {"messages": [{"role": "user", "content": "x", "tool_calls": "no"}]},
            "messages[0].tool_calls",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": ["x"]}]},
            "messages[0].tool_calls[0]",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": "f"}]}]},
            "messages[0].tool_calls[0].function",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": None}]}]},
            "messages[0].content[0]",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": 5}]}]},
            "messages[0].content[0]",
        ),
        ({"messages": [{"role": "user", "content": [{"text": "x"}]}]}, "messages[0].content[0]"),
        ({"tools": {"type": "function"}}, "tools"),
        ({"tools": ["x"]}, "tools[0]"),
        ({"tools": [{"type": "function", "function": "f"}]}, "tools[0].function"),
        ({"tool_choice": {"type": "function", "function": "f"}}, "tool_choice.function"),
        ({"tool_choice": 3}, "tool_choice"),
        ({"response_format": "json"}, "response_format"),
        (
            {"response_format": {"type": "json_schema", "json_schema": "x"}},
            "response_format.json_schema",
        ),
        ({"n": 2}, "n"),
        ({"user": 5}, "user"),
        ({"stream_options": {"include_usage": "no"}}, "stream_options.include_usage"),
    ],
)
def test_wrong_types_name_the_field(patch: dict, param: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_chat({"model": "a/b", "messages": MESSAGES, **patch})
    assert caught.value.param == param


def test_body_must_be_an_object() -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_chat([1, 2])
    assert caught.value.param == "body"


@pytest.mark.parametrize("field", ["metadata", "provider", "stream_options"])
def test_falsy_wrong_types_are_still_wrong(field: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        parse_chat({"model": "a/b", "messages": MESSAGES, field: []})
    assert caught.value.param == field


def test_well_formed_tools_parts_and_formats_pass() -> None:
    call = parse_chat(
        {
            "model": "a/b",
            "n": 1,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "look"},
                        {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                        {"type": "some_future_part", "data": 1},
                    ],
                },
                {
                    "role": "assistant",
                    "tool_calls": [
                        {
                            "id": "c1",
                            "type": "function",
                            "function": {"name": "f", "arguments": "{}"},
                        }
                    ],
                },
            ],
            "tools": [{"type": "function", "function": {"name": "f"}}, {"type": "web_search"}],
            "tool_choice": {"type": "function", "function": {"name": "f"}},
            "response_format": {"type": "json_schema", "json_schema": {"name": "s", "schema": {}}},
        }
    )
    assert call.request.params["tool_choice"]["function"]["name"] == "f"
