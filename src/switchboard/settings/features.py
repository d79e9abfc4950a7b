"""Features: named prompt templates whose output may have to satisfy a JSON Schema.

Templates use `{name}` placeholders (identifier characters only: no attribute or index access)
and `{{` / `}}` for literal braces. Any other brace is kept as written.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from switchboard.errors import InvalidRequest
from switchboard.settings._seeds import SEED_FEATURES
from switchboard.settings.snapshot import FeatureSpec
from switchboard.settings.values import Violation, check_values

__all__ = [
    "SEED_FEATURES",
    "FeatureOutputInvalid",
    "check_feature",
    "check_schema",
    "parse_output",
    "placeholders",
    "render",
]

TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
FENCE = re.compile(r"```(?:json)?[ \t]*\n?(.*?)\n?[ \t]*```", re.DOTALL | re.IGNORECASE)
SCHEMA_FIELD = "feature.output_schema"
FEATURE_NAME = re.compile(r"^[a-z0-9_-]{1,100}$")


class FeatureOutputInvalid(Exception):
    """The model's output is not JSON or does not satisfy the feature's schema."""

    def __init__(self, message: str, path: str) -> None:
        super().__init__(message)
        self.message = message
        # JSON path of the first problem, e.g. "$.suggestions[0]"; "$" for unparsable text.
        self.path = path


def placeholders(template: str) -> list[str]:
    """Parameter names the template uses, each once, in order of first use."""
    names = (match.group(1) for match in TOKEN.finditer(template))
    return list(dict.fromkeys(name for name in names if name))


def render(template: str, parameters: Mapping[str, Any]) -> str:
    """Fill the placeholders; strings go in as they are, anything else as JSON. Parameter
    values are not expanded again. Raises InvalidRequest naming the first missing one."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return match.group()[0]
        if name not in parameters:
            raise InvalidRequest(
                f"missing parameter `{name}` required by the prompt template",
                param=f"parameters.{name}",
            )
        value = parameters[name]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)

    return TOKEN.sub(substitute, template)


def parse_output(text: str, schema: Mapping[str, Any] | None) -> Any:
    """The output as JSON checked against `schema`; None without a schema (keep the text).
    One surrounding ```json fence is tolerated. Raises FeatureOutputInvalid."""
    if schema is None:
        return None
    body = text.strip()
    fenced = FENCE.fullmatch(body)
    if fenced:
        body = fenced.group(1)
    try:
        document = json.loads(body)
    except json.JSONDecodeError as error:
        raise FeatureOutputInvalid(f"output is not valid JSON: {error}", "$") from None
    problem = best_match(Draft202012Validator(schema).iter_errors(document))
    if problem is not None:
        raise FeatureOutputInvalid(
            f"output does not match the schema: {problem.message}", problem.json_path
        )
    return document


def check_schema(schema: Any) -> list[Violation]:
    """A violation when `schema` is not a valid Draft 2020-12 JSON Schema object."""
    if not isinstance(schema, Mapping):
        return [Violation(SCHEMA_FIELD, "must be a JSON Schema object")]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as error:
        message = f"not a valid JSON Schema at {error.json_path}: {error.message}"
        return [Violation(SCHEMA_FIELD, message)]
    return []


def check_feature(spec: FeatureSpec) -> list[Violation]:
    """Everything wrong with a feature definition, the name first."""
    found: list[Violation] = []
    if not FEATURE_NAME.match(spec.name):
        found.append(Violation("name", "must be 1-100 lowercase letters, digits, '-' or '_'"))
    if not spec.prompt_template.strip():
        found.append(Violation("feature.prompt_template", "is required"))
    if not spec.model.strip():
        found.append(Violation("feature.model", "is required (provider/model, alias or route)"))
    found += check_values(spec.settings, prefix="feature.settings")
    if spec.output_schema is not None:
        found += check_schema(spec.output_schema)
    return found
