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
