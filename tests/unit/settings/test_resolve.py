"""Resolving settings across scopes, with the scope each value came from."""

from __future__ import annotations

import pytest
from google.protobuf import json_format

from switchboard.settings.resolve import (
    SCOPES,
    Effective,
    Layer,
    effective_to_proto,
    resolve,
    source_names,
)
from switchboard.settings.values import DEFAULTS


def test_no_layers_gives_defaults() -> None:
    effective = resolve([])
    assert effective.values == DEFAULTS
    assert set(effective.sources.values()) == {"default"}
    assert list(effective.sources) == source_names()
    assert "redaction" not in effective.sources
    assert effective.sources["redaction.rules"] == "default"


def test_defaults_are_not_shared() -> None:
    effective = resolve([])
    effective.values["redaction"]["rules"].append("x")
    assert resolve([]).values["redaction"]["rules"] == ["card", "api_key", "email", "phone"]


def test_narrower_scope_wins_field_by_field() -> None:
    effective = resolve(
        [
            Layer("global", {"temperature": 0.5, "max_tokens": 100, "timeout_ms": 30000}),
            Layer("organization", {"temperature": 0.4}),
            Layer("feature", {"max_tokens": 800}),
            Layer("key", {}),
            Layer("request", {"temperature": 0.0}),
        ]
    )
    assert effective.values["temperature"] == 0.0
    assert effective.values["max_tokens"] == 800
    assert effective.values["timeout_ms"] == 30000
    assert effective.values["top_p"] == 1.0
    assert effective.sources["temperature"] == "request"
    assert effective.sources["max_tokens"] == "feature"
    assert effective.sources["timeout_ms"] == "global"
    assert effective.sources["top_p"] == "default"


def test_layers_apply_widest_first_whatever_the_order() -> None:
    effective = resolve([Layer("key", {"max_retries": 5}), Layer("global", {"max_retries": 1})])
    assert effective.values["max_retries"] == 5
    assert effective.sources["max_retries"] == "key"


def test_none_and_unknown_names_are_skipped() -> None:
    effective = resolve([Layer("global", {"max_tokens": 50}), Layer("key", {"max_tokens": None})])
    assert effective.values["max_tokens"] == 50
    assert effective.sources["max_tokens"] == "global"
    assert "legacy" not in resolve([Layer("global", {"legacy": 1})]).values


def test_unknown_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown settings scope 'team'"):
        resolve([Layer("team", {})])


def test_redaction_merges_per_subfield() -> None:
    effective = resolve(
        [
            Layer("global", {"redaction": {"rules": ["email"], "custom_patterns": ["EMP-\\d+"]}}),
            Layer("organization", {"redaction": {"enabled": False}}),
            Layer("key", {"redaction": {"custom_patterns": ["ORD-\\d+"], "enabled": None}}),
        ]
    )
    assert effective.values["redaction"] == {
        "enabled": False,
        "rules": ["email"],
        "custom_patterns": ["ORD-\\d+"],
    }
    assert effective.sources["redaction.enabled"] == "organization"
    assert effective.sources["redaction.rules"] == "global"
    assert effective.sources["redaction.custom_patterns"] == "key"


def test_scopes_widest_first() -> None:
    assert SCOPES == ("global", "organization", "feature", "key", "request")


def test_effective_to_proto() -> None:
    effective = resolve(
        [
            Layer("global", {"temperature": 0.2}),
            Layer("feature", {"redaction": {"rules": ["email"]}}),
        ]
    )
    settings, sources = effective_to_proto(effective)
    assert settings.temperature == 0.2
    assert settings.timeout_ms == 60000
    assert not settings.HasField("max_tokens")
    assert list(settings.redaction.rules) == ["email"]
    assert settings.redaction.enabled is True

    by_name = {source.name: source for source in sources}
    assert list(by_name) == source_names()
    assert by_name["temperature"].scope == "global"
    assert by_name["temperature"].value.number_value == 0.2
    assert by_name["max_tokens"].value.WhichOneof("kind") == "null_value"
    assert by_name["max_tokens"].scope == "default"
    assert json_format.MessageToDict(by_name["redaction.rules"].value) == ["email"]
    assert by_name["redaction.rules"].scope == "feature"
    assert by_name["redaction.enabled"].value.bool_value is True
    assert by_name["default_model"].value.string_value == "echo/echo-1"


def test_effective_is_frozen() -> None:
    effective = Effective({}, {})
    with pytest.raises(AttributeError):
        effective.values = {}  # type: ignore[misc]
