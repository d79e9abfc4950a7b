"""The settings field table: defaults, range and vocabulary checks, proto conversion."""

from __future__ import annotations

from typing import Any

import pytest

from switchboard.settings.values import (
    DEFAULTS,
    Violation,
    check_values,
    values_from_proto,
    values_to_proto,
)
from switchboard.v1 import settings_pb2


def test_defaults() -> None:
    assert DEFAULTS == {
        "temperature": 1.0,
        "max_tokens": None,
        "top_p": 1.0,
        "frequency_penalty": 0.0,
        "presence_penalty": 0.0,
        "default_model": "echo/echo-1",
        "timeout_ms": 60000,
        "max_retries": 2,
        "redaction": {
            "enabled": True,
            "rules": ["card", "api_key", "email", "phone"],
            "custom_patterns": [],
        },
        "log_retention_days": 90,
        "store_bodies": True,
    }


def test_defaults_pass_their_own_checks() -> None:
    assert check_values(DEFAULTS) == []


@pytest.mark.parametrize(
    ("name", "inside", "outside"),
    [
        ("temperature", [0, 0.0, 2, 2.0, 0.7], [-0.01, 2.01]),
        ("top_p", [1, 0.0001, 0.5], [0, 0.0, 1.01, -0.1]),
        ("frequency_penalty", [-2, 2, 0], [-2.1, 2.1]),
        ("presence_penalty", [-2.0, 2.0], [-2.01, 2.01]),
        ("max_tokens", [1, 2_000_000], [0, 2_000_001]),
        ("timeout_ms", [100, 600_000], [99, 600_001]),
        ("max_retries", [0, 10], [-1, 11]),
        ("log_retention_days", [1, 3650], [0, 3651]),
    ],
)
def test_range_edges(name: str, inside: list[float], outside: list[float]) -> None:
    for value in inside:
        assert check_values({name: value}) == [], value
    for value in outside:
        [violation] = check_values({name: value})
        assert violation.field == f"settings.{name}"
        assert "between" in violation.message or "greater than" in violation.message


def test_range_messages_name_the_bounds() -> None:
    assert check_values({"temperature": 3}) == [
        Violation("settings.temperature", "must be between 0 and 2")
    ]
    assert check_values({"top_p": 0}) == [
        Violation("settings.top_p", "must be greater than 0 and at most 1")
    ]


def test_nan_is_out_of_range() -> None:
    assert [v.field for v in check_values({"temperature": float("nan")})] == [
        "settings.temperature"
    ]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("temperature", "hot", "must be a number"),
        ("temperature", True, "must be a number"),
        ("max_tokens", 10.5, "must be an integer"),
        ("max_tokens", False, "must be an integer"),
        ("default_model", 3, "must be a string"),
        ("store_bodies", 1, "must be true or false"),
        ("redaction", ["email"], "must be an object"),
    ],
)
def test_wrong_types(name: str, value: Any, message: str) -> None:
    assert check_values({name: value}) == [Violation(f"settings.{name}", message)]


def test_none_means_not_set() -> None:
    assert check_values({"max_tokens": None, "temperature": None}) == []


def test_unknown_keys_are_violations() -> None:
    assert check_values({"temprature": 1, "redaction": {"enable": True}}, prefix="s") == [
        Violation("s.temprature", "unknown setting"),
        Violation("s.redaction.enable", "unknown redaction setting"),
    ]


@pytest.mark.parametrize(
    "model", ["openai/gpt-4o-mini", "fast", "my-route", "openrouter/meta-llama/llama-3"]
)
def test_default_model_accepted(model: str) -> None:
    assert check_values({"default_model": model}) == []


@pytest.mark.parametrize("model", ["", "openai/", "/gpt-4o", "openai/gpt 4o", " fast"])
def test_default_model_rejected(model: str) -> None:
    [violation] = check_values({"default_model": model})
    assert violation.field == "settings.default_model"


def test_redaction_rules_must_be_known() -> None:
    violations = check_values({"redaction": {"rules": ["email", "ssn", "card"]}})
    assert [v.field for v in violations] == ["settings.redaction.rules[1]"]
    assert "'ssn'" in violations[0].message
    assert "card, api_key, email, phone" in violations[0].message


def test_redaction_field_types() -> None:
    violations = check_values(
        {"redaction": {"enabled": "yes", "rules": "email", "custom_patterns": "x"}}
    )
    assert violations == [
        Violation("settings.redaction.enabled", "must be true or false"),
        Violation("settings.redaction.rules", "must be a list"),
        Violation("settings.redaction.custom_patterns", "must be a list"),
    ]


def test_custom_patterns() -> None:
    patterns = [r"EMP-\d{6}", "([unclosed", "x" * 501, "a*", 7, "y" * 500, r"(?<=id=)\d+"]
    violations = check_values({"redaction": {"custom_patterns": patterns}})
    assert [v.field for v in violations] == [
        "settings.redaction.custom_patterns[1]",
        "settings.redaction.custom_patterns[2]",
        "settings.redaction.custom_patterns[3]",
        "settings.redaction.custom_patterns[4]",
        "settings.redaction.custom_patterns[6]",  # a lookbehind: RE2 has none
    ]
    assert violations[0].message.startswith("not a regular expression RE2 takes")
    assert violations[1].message == "must be at most 500 characters"
    assert violations[2].message == "must not match the empty string"
    assert violations[3].message == "must be a string"


def test_from_proto_keeps_only_set_fields() -> None:
    msg = settings_pb2.SettingValues(temperature=0.0, max_tokens=5, store_bodies=False)
    assert values_from_proto(msg) == {"temperature": 0.0, "max_tokens": 5, "store_bodies": False}
    assert values_from_proto(settings_pb2.SettingValues()) == {}


def test_from_proto_redaction_only_when_set() -> None:
    msg = settings_pb2.SettingValues()
    msg.redaction.enabled = False
    assert values_from_proto(msg) == {"redaction": {"enabled": False}}
    msg.redaction.rules.extend(["email", "card_number"])
    msg.redaction.custom_patterns.append("EMP-\\d+")
    assert values_from_proto(msg)["redaction"] == {
        "enabled": False,
        "rules": ["email", "card"],
        "custom_patterns": ["EMP-\\d+"],
    }


def test_empty_redaction_message_is_set_but_empty() -> None:
    msg = settings_pb2.SettingValues()
    msg.redaction.SetInParent()
    assert values_from_proto(msg) == {"redaction": {}}


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"temperature": 0.3, "max_tokens": 800},
        {"top_p": 0.9, "default_model": "fast", "timeout_ms": 100, "max_retries": 0},
        {"frequency_penalty": -1.5, "presence_penalty": 2.0, "log_retention_days": 7},
        {"redaction": {"enabled": False}},
        {"redaction": {}},
        {"redaction": {"rules": ["email"], "custom_patterns": ["EMP-\\d+"]}, "store_bodies": True},
        {
            "temperature": 1.0,
            "default_model": "echo/echo-1",
            "redaction": {"enabled": True, "rules": ["card", "api_key", "email", "phone"]},
        },
    ],
)
def test_proto_round_trip(values: dict[str, Any]) -> None:
    msg = values_to_proto(values)
    assert values_from_proto(msg) == values
    assert values_from_proto(settings_pb2.SettingValues.FromString(msg.SerializeToString())) == (
        values
    )


def test_empty_lists_in_proto_mean_inherit() -> None:
    msg = values_to_proto({"redaction": {"enabled": True, "rules": [], "custom_patterns": []}})
    assert values_from_proto(msg) == {"redaction": {"enabled": True}}


def test_to_proto_leaves_unset_fields_unset() -> None:
    msg = values_to_proto({"temperature": 0.0, "max_tokens": None})
    assert msg.HasField("temperature")
    for name in ("max_tokens", "top_p", "default_model", "store_bodies", "redaction"):
        assert not msg.HasField(name), name
