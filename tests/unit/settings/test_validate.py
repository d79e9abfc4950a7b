"""Settings checked against provider and model limits: errors and warnings."""

from __future__ import annotations

import pytest

from switchboard.domain.catalog import ModelInfo
from switchboard.settings.validate import validate
from switchboard.settings.values import Violation

GPT = ModelInfo("openai", "gpt-4o-mini", 128_000, input_price=150, output_price=600)
UNKNOWN_WINDOW = ModelInfo("openai", "mystery", 0, input_price=0, output_price=0)


def fields(violations: list[Violation]) -> list[str]:
    return [violation.field for violation in violations]


def test_clean_values_have_no_findings() -> None:
    assert validate({"temperature": 0.5, "max_tokens": 1000}, GPT, "openai") == ([], [])
    assert validate({}, None, None) == ([], [])


def test_base_checks_are_errors() -> None:
    errors, _ = validate({"temperature": 9, "bogus": 1}, None, None)
    assert fields(errors) == ["settings.temperature", "settings.bogus"]


def test_max_tokens_beyond_context_window() -> None:
    errors, warnings = validate({"max_tokens": 128_001}, GPT, "openai")
    assert errors == [
        Violation(
            "settings.max_tokens",
            "exceeds the context window of openai/gpt-4o-mini (128000 tokens)",
        )
    ]
    assert warnings == []
    assert validate({"max_tokens": 128_000}, GPT, "openai")[0] == []


def test_unknown_context_window_is_not_checked() -> None:
    assert validate({"max_tokens": 1_000_000}, UNKNOWN_WINDOW, "openai") == ([], [])


def test_max_tokens_over_half_the_window_warns() -> None:
    assert validate({"max_tokens": 64_000}, GPT, "openai") == ([], [])
    errors, warnings = validate({"max_tokens": 64_001}, GPT, "openai")
    assert errors == []
    assert fields(warnings) == ["settings.max_tokens"]


@pytest.mark.parametrize(
    ("provider_type", "highest"),
    [("anthropic", 1.0), ("cohere", 1.0), ("openai", 2.0), ("azure", 2.0), ("google", 2.0)],
)
def test_temperature_provider_range(provider_type: str, highest: float) -> None:
    assert validate({"temperature": highest}, None, provider_type)[0] == []
    errors, _ = validate({"temperature": highest + 0.01}, None, provider_type)
    assert fields(errors) == ["settings.temperature"]


def test_anthropic_temperature_message() -> None:
    errors, _ = validate({"temperature": 1.5}, None, "anthropic")
    assert errors == [Violation("settings.temperature", "anthropic accepts 0 to 1")]


def test_provider_rules_skip_fields_already_in_error() -> None:
    errors, _ = validate({"temperature": 3}, None, "anthropic")
    assert errors == [Violation("settings.temperature", "must be between 0 and 2")]
    errors, _ = validate({"max_tokens": "many"}, GPT, "openai")
    assert fields(errors) == ["settings.max_tokens"]


def test_temperature_and_top_p_both_changed_warns() -> None:
    _, warnings = validate({"temperature": 0.5, "top_p": 0.9}, None, "openai")
    assert fields(warnings) == ["settings.top_p"]
    assert "alter one" in warnings[0].message
    assert validate({"temperature": 0.5, "top_p": 1.0}, None, "openai")[1] == []
    assert validate({"temperature": 0.5}, None, "openai")[1] == []


def test_short_timeout_warns_for_real_providers_only() -> None:
    _, warnings = validate({"timeout_ms": 4999}, None, "openai")
    assert fields(warnings) == ["settings.timeout_ms"]
    assert validate({"timeout_ms": 5000}, None, "openai")[1] == []
    assert validate({"timeout_ms": 100}, None, "echo")[1] == []
    assert validate({"timeout_ms": 100}, None, None)[1] == []


def test_bodies_stored_without_redaction_warns() -> None:
    _, warnings = validate({"redaction": {"enabled": False}}, None, None)
    assert fields(warnings) == ["settings.store_bodies"]
    _, warnings = validate({"store_bodies": True, "redaction": {"enabled": False}}, None, None)
    assert fields(warnings) == ["settings.store_bodies"]
    assert validate({"store_bodies": False, "redaction": {"enabled": False}}, None, None) == (
        [],
        [],
    )
    assert validate({"store_bodies": True, "redaction": {"rules": []}}, None, None)[1] == []
