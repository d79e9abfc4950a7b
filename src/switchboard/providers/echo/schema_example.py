"""The smallest deterministic JSON document satisfying a (simple) JSON Schema, so the echo
provider can answer `response_format: json_schema` requests with output that validates:
features with an output schema then run end to end without a real model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PLACEHOLDER = "echo"


def _string(schema: Mapping[str, Any]) -> str:
    length = int(schema.get("minLength", 0))
    return (PLACEHOLDER * (length // len(PLACEHOLDER) + 1))[: max(length, len(PLACEHOLDER))]


def _number(schema: Mapping[str, Any]) -> float | int:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    value = 0 if low is None else low + (1 if "exclusiveMinimum" in schema else 0)
    high = schema.get("maximum")
    return min(value, high) if high is not None else value


def _object(schema: Mapping[str, Any]) -> dict[str, Any]:
    properties = schema.get("properties") or {}
    return {name: example(properties.get(name, {})) for name in schema.get("required", [])}


def _array(schema: Mapping[str, Any]) -> list[Any]:
    return [example(schema.get("items") or {}) for _ in range(int(schema.get("minItems", 0)))]


EXAMPLES = {
    "object": _object,
    "array": _array,
    "string": _string,
    "integer": lambda s: int(_number(s)),
    "number": _number,
    "boolean": lambda s: False,
    "null": lambda s: None,
}


def example(schema: Mapping[str, Any]) -> Any:
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = kind[0]
    return EXAMPLES.get(kind, _string)(schema)


def schema_of(response_format: Any) -> Mapping[str, Any] | None:
    """The schema of an OpenAI `response_format` of type json_schema, if that is what it is."""
    if not isinstance(response_format, Mapping) or response_format.get("type") != "json_schema":
        return None
    schema = (response_format.get("json_schema") or {}).get("schema")
    return schema if isinstance(schema, Mapping) else None
