"""Feature templates, output parsing against a JSON Schema, and the seed features."""

from __future__ import annotations

import json

import pytest

from switchboard.errors import InvalidRequest
from switchboard.settings.features import (
    SEED_FEATURES,
    FeatureOutputInvalid,
    check_schema,
    parse_output,
    placeholders,
    render,
)
from switchboard.settings.values import Violation, check_values

SCHEMA = {
    "type": "object",
    "required": ["suggestions"],
    "properties": {"suggestions": {"type": "array", "items": {"type": "string"}}},
}


def test_render_fills_placeholders() -> None:
    assert render("Hi {name}, {name}!", {"name": "Ada", "unused": 1}) == "Hi Ada, Ada!"


def test_render_json_encodes_non_strings() -> None:
    template = "{n} {ok} {nothing} {items} {obj}"
    parameters = {"n": 3, "ok": True, "nothing": None, "items": ["a", "é"], "obj": {"k": 1.5}}
    assert render(template, parameters) == '3 true null ["a", "é"] {"k": 1.5}'


def test_render_escapes_and_stray_braces() -> None:
    assert render("{{x}} {{{x}}} }}{{", {"x": 1}) == "{x} {1} }{"
    assert render('{"a": {x}} { x } {0} {x.y}', {"x": 2}) == '{"a": 2} { x } {0} {x.y}'


def test_render_does_not_expand_parameter_values() -> None:
    assert render("{a}", {"a": "{b}", "b": "no"}) == "{b}"


def test_render_missing_parameter() -> None:
    with pytest.raises(InvalidRequest) as raised:
        render("{industry} and {goals}", {"industry": "retail"})
    assert raised.value.param == "parameters.goals"
    assert "missing parameter `goals`" in raised.value.message


def test_placeholders_unique_in_order() -> None:
    assert placeholders("{b} {a} {{c}} {b} {_d1}") == ["b", "a", "_d1"]
    assert placeholders("no placeholders {}") == []


def test_parse_output_without_schema_keeps_text() -> None:
    assert parse_output("not json", None) is None


@pytest.mark.parametrize(
    "text",
    [
        '{"suggestions": ["a"]}',
        '  \n{"suggestions": ["a"]}\n ',
        '```json\n{"suggestions": ["a"]}\n```',
        '\n```JSON\n{"suggestions": ["a"]}\n```\n',
        '```\n{"suggestions": ["a"]}\n```',
    ],
)
def test_parse_output_tolerates_whitespace_and_one_fence(text: str) -> None:
    assert parse_output(text, SCHEMA) == {"suggestions": ["a"]}


def test_parse_output_invalid_json() -> None:
    with pytest.raises(FeatureOutputInvalid) as raised:
        parse_output("Sure! Here is the JSON: {", SCHEMA)
    assert raised.value.path == "$"
    assert "not valid JSON" in raised.value.message


def test_parse_output_schema_violation_path() -> None:
    with pytest.raises(FeatureOutputInvalid) as raised:
        parse_output('{"suggestions": ["a", 2]}', SCHEMA)
    assert raised.value.path == "$.suggestions[1]"
    with pytest.raises(FeatureOutputInvalid) as raised:
        parse_output("{}", SCHEMA)
    assert raised.value.path == "$"
    assert "suggestions" in str(raised.value)


def test_parse_output_uses_draft_2020_12() -> None:
    schema = {"type": "array", "prefixItems": [{"type": "integer"}]}
    assert parse_output("[1]", schema) == [1]
    with pytest.raises(FeatureOutputInvalid):
        parse_output('["x"]', schema)


def test_check_schema() -> None:
    assert check_schema(SCHEMA) == []
    [violation] = check_schema({"type": "object", "properties": {"x": {"type": "strng"}}})
    assert violation.field == "feature.output_schema"
    assert "$.properties.x.type" in violation.message
    assert check_schema(["not", "an", "object"]) == [
        Violation("feature.output_schema", "must be a JSON Schema object")
    ]


def test_seed_features_shape() -> None:
    assert [feature["name"] for feature in SEED_FEATURES] == [
        "analyze-industry",
        "generate-suggestions",
    ]
    for feature in SEED_FEATURES:
        assert set(feature) == {
            "name",
            "description",
            "system_prompt",
            "prompt_template",
            "model",
            "settings",
            "output_schema",
            "enabled",
        }
        assert feature["model"] == "echo/echo-1"
        assert feature["enabled"] is True
        assert check_values(feature["settings"], prefix="feature.settings") == []
        assert check_schema(feature["output_schema"]) == []


def test_analyze_industry_renders_and_parses() -> None:
    feature = SEED_FEATURES[0]
    assert placeholders(feature["prompt_template"]) == ["industry", "company_description"]
    prompt = render(
        feature["prompt_template"],
        {"industry": "logistics", "company_description": "200 staff, regional freight"},
    )
    assert "Analyze the logistics industry" in prompt
    assert '{"area": ..., "description": ..., "impact": "low" | "medium" | "high"}' in prompt
    answer = {
        "industry": "logistics",
        "summary": "Early adopters use AI for routing.",
        "readiness_score": 55,
        "opportunities": [{"area": "routing", "description": "optimize", "impact": "high"}],
        "challenges": ["data quality"],
    }
    assert parse_output(json.dumps(answer), feature["output_schema"]) == answer
    answer["readiness_score"] = 101
    with pytest.raises(FeatureOutputInvalid) as raised:
        parse_output(json.dumps(answer), feature["output_schema"])
    assert raised.value.path == "$.readiness_score"


def test_generate_suggestions_renders_and_parses() -> None:
    feature = SEED_FEATURES[1]
    assert set(placeholders(feature["prompt_template"])) == {
        "count",
        "industry",
        "current_state",
        "goals",
    }
    prompt = render(
        feature["prompt_template"],
        {
            "count": 3,
            "industry": "retail",
            "current_state": "spreadsheets, no data team",
            "goals": "forecast demand",
        },
    )
    assert prompt.startswith("Suggest 3 practical next steps for a retail organization")
    assert 'Return {"suggestions": [...]}' in prompt
    answer = '```json\n{"suggestions": [{"title": "Centralize sales data", "description": "",'
    answer += ' "priority": "high", "effort": "medium", "timeframe": "0-3 months"}]}\n```'
    assert parse_output(answer, feature["output_schema"])["suggestions"][0]["priority"] == "high"
    with pytest.raises(FeatureOutputInvalid) as raised:
        parse_output(
            '{"suggestions": [{"title": "x", "description": "", "priority": "urgent"}]}',
            feature["output_schema"],
        )
    assert raised.value.path == "$.suggestions[0].priority"
