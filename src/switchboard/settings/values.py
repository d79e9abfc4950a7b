"""The tunable settings: one table of fields with their types, bounds and defaults, conversion
to and from `SettingValues`, and the checks that need neither a provider nor a model.

Values at one scope are a partial dict; a missing key or a None value means "not set here,
inherit from the wider scope". `redaction` is itself a partial dict of `enabled`, `rules` and
`custom_patterns`. Rule names are the log writer's (`switchboard.config.BUILTIN_RULES`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import re2

from switchboard.config import BUILTIN_RULES
from switchboard.logs.redaction import compile_custom
from switchboard.v1 import settings_pb2

KNOWN_RULES: tuple[str, ...] = BUILTIN_RULES
# Names the proto's documentation uses for a built-in rule, mapped to the log writer's name.
RULE_ALIASES: Mapping[str, str] = {"card_number": "card"}
REDACTION_KEYS = ("enabled", "rules", "custom_patterns")
MAX_PATTERN_LENGTH = 500
# "provider/model" (the model part may hold slashes) or a bare alias or route name.
MODEL_NAME = re.compile(r"[^\s/]+(?:/\S+)?")


@dataclass(frozen=True)
class Violation:
    field: str
    message: str


@dataclass(frozen=True)
class Field:
    name: str
    kind: type
    default: Any
    low: float | None = None
    high: float | None = None
    low_exclusive: bool = False


FIELDS: tuple[Field, ...] = (
    Field("temperature", float, 1.0, 0, 2),
    # None: the provider's own default.
    Field("max_tokens", int, None, 1, 2_000_000),
    Field("top_p", float, 1.0, 0, 1, low_exclusive=True),
    Field("frequency_penalty", float, 0.0, -2, 2),
    Field("presence_penalty", float, 0.0, -2, 2),
    Field("default_model", str, "echo/echo-1"),
    Field("timeout_ms", int, 60_000, 100, 600_000),
    Field("max_retries", int, 2, 0, 10),
    Field("redaction", dict, {"enabled": True, "rules": list(KNOWN_RULES), "custom_patterns": []}),
    Field("log_retention_days", int, 90, 1, 3650),
    Field("store_bodies", bool, True),
)
FIELDS_BY_NAME: Mapping[str, Field] = {field.name: field for field in FIELDS}
DEFAULTS: dict[str, Any] = {field.name: field.default for field in FIELDS}


def values_from_proto(msg: settings_pb2.SettingValues) -> dict[str, Any]:
    """The fields set in `msg`. Empty `rules`/`custom_patterns` count as not set."""
    values: dict[str, Any] = {
        field.name: getattr(msg, field.name)
        for field in FIELDS
        if field.name != "redaction" and msg.HasField(field.name)
    }
    if msg.HasField("redaction"):
        values["redaction"] = _redaction_from_proto(msg.redaction)
    return values


def _redaction_from_proto(policy: settings_pb2.RedactionPolicy) -> dict[str, Any]:
    redaction: dict[str, Any] = {}
    if policy.HasField("enabled"):
        redaction["enabled"] = policy.enabled
    if policy.rules:
        redaction["rules"] = [RULE_ALIASES.get(rule, rule) for rule in policy.rules]
    if policy.custom_patterns:
        redaction["custom_patterns"] = list(policy.custom_patterns)
    return redaction


def values_to_proto(values: Mapping[str, Any]) -> settings_pb2.SettingValues:
    """Known fields that are set and not None; run `check_values` first."""
    msg = settings_pb2.SettingValues()
    for field in FIELDS:
        value = values.get(field.name)
        if value is None:
            continue
        if field.name == "redaction":
            _redaction_to_proto(value, msg.redaction)
        else:
            setattr(msg, field.name, value)
    return msg


def _redaction_to_proto(redaction: Mapping[str, Any], policy: settings_pb2.RedactionPolicy) -> None:
    policy.SetInParent()
    if redaction.get("enabled") is not None:
        policy.enabled = redaction["enabled"]
    policy.rules.extend(redaction.get("rules") or ())
    policy.custom_patterns.extend(redaction.get("custom_patterns") or ())


def check_values(values: Mapping[str, Any], prefix: str = "settings") -> list[Violation]:
    """Type, range and vocabulary errors, each at its dotted field path."""
    found: list[Violation] = []
    for name, value in values.items():
        path = f"{prefix}.{name}"
        field = FIELDS_BY_NAME.get(name)
        if field is None:
            found.append(Violation(path, "unknown setting"))
        elif value is not None:
            found.extend(_check_field(field, value, path))
    return found


def _check_field(field: Field, value: Any, path: str) -> list[Violation]:
    if not _has_type(value, field.kind):
        return [Violation(path, _TYPE_MESSAGES[field.kind])]
    if field.name == "redaction":
        return _check_redaction(value, path)
    if field.name == "default_model" and not MODEL_NAME.fullmatch(value):
        message = 'must be "provider/model", an alias or a route name, without whitespace'
        return [Violation(path, message)]
    if field.low is not None and not _in_range(field, value):
        return [Violation(path, _range_message(field))]
    return []


_TYPE_MESSAGES: Mapping[type, str] = {
    float: "must be a number",
    int: "must be an integer",
    str: "must be a string",
    bool: "must be true or false",
    dict: "must be an object",
    list: "must be a list",
}


def _has_type(value: Any, kind: type) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, int | float)
    if kind is dict:
        return isinstance(value, Mapping)
    return isinstance(value, kind)


def _in_range(field: Field, value: float) -> bool:
    above_low = value > field.low if field.low_exclusive else value >= field.low
    return above_low and value <= field.high


def _range_message(field: Field) -> str:
    if field.low_exclusive:
        return f"must be greater than {field.low} and at most {field.high}"
    return f"must be between {field.low} and {field.high}"


def _check_redaction(redaction: Mapping[str, Any], path: str) -> list[Violation]:
    found: list[Violation] = []
    for key, value in redaction.items():
        check = _REDACTION_CHECKS.get(key)
        if check is None:
            found.append(Violation(f"{path}.{key}", "unknown redaction setting"))
        elif value is not None:
            found.extend(check(value, f"{path}.{key}"))
    return found


def _check_enabled(value: Any, path: str) -> list[Violation]:
    return [] if isinstance(value, bool) else [Violation(path, _TYPE_MESSAGES[bool])]


def _check_rules(rules: Any, path: str) -> list[Violation]:
    if not isinstance(rules, list | tuple):
        return [Violation(path, _TYPE_MESSAGES[list])]
    known = ", ".join(KNOWN_RULES)
    return [
        Violation(f"{path}[{index}]", f"unknown rule {rule!r}; known: {known}")
        for index, rule in enumerate(rules)
        if rule not in KNOWN_RULES
    ]


def _check_patterns(patterns: Any, path: str) -> list[Violation]:
    if not isinstance(patterns, list | tuple):
        return [Violation(path, _TYPE_MESSAGES[list])]
    found = []
    for index, pattern in enumerate(patterns):
        problem = _pattern_problem(pattern)
        if problem:
            found.append(Violation(f"{path}[{index}]", problem))
    return found


def _pattern_problem(pattern: Any) -> str | None:
    if not isinstance(pattern, str):
        return _TYPE_MESSAGES[str]
    if len(pattern) > MAX_PATTERN_LENGTH:
        return f"must be at most {MAX_PATTERN_LENGTH} characters"
    try:
        compiled = compile_custom(pattern)
    except re2.error as error:
        return f"not a regular expression RE2 takes (no lookarounds or backreferences): {error}"
    if compiled.fullmatch(""):
        # It would insert a redaction marker between every two characters.
        return "must not match the empty string"
    return None


_REDACTION_CHECKS: Mapping[str, Callable[[Any, str], list[Violation]]] = {
    "enabled": _check_enabled,
    "rules": _check_rules,
    "custom_patterns": _check_patterns,
}
