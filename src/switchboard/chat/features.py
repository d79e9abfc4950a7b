"""A feature run as a chat call: its template filled from the request's parameters, its
model (or the caller's override), its output schema as a json_schema response format."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from switchboard.errors import InvalidRequest
from switchboard.settings.features import render
from switchboard.settings.snapshot import FeatureSpec

# Parameters that steer the call instead of filling the template.
OVERRIDES = ("model", "temperature", "max_tokens")
SCHEMA_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def _metadata(parameters: Mapping[str, Any], feature: str) -> dict[str, str]:
    metadata = parameters.get("metadata") or {}
    if not isinstance(metadata, Mapping):
        raise InvalidRequest("metadata must be an object of strings", param="parameters.metadata")
    return {**{str(k): str(v) for k, v in metadata.items()}, "feature_name": feature}


def feature_chat_body(spec: FeatureSpec, parameters: Mapping[str, Any]) -> dict[str, Any]:
    """The OpenAI chat body that runs `spec` with `parameters`."""
    fill = {k: v for k, v in parameters.items() if k not in (*OVERRIDES, "metadata")}
    messages = []
    if spec.system_prompt:
        messages.append({"role": "system", "content": render(spec.system_prompt, fill)})
    messages.append({"role": "user", "content": render(spec.prompt_template, fill)})
    body: dict[str, Any] = {
        "model": parameters.get("model") or spec.model,
        "messages": messages,
        "metadata": _metadata(parameters, spec.name),
    }
    body.update({k: parameters[k] for k in ("temperature", "max_tokens") if k in parameters})
    if isinstance(body.get("max_tokens"), float) and body["max_tokens"].is_integer():
        body["max_tokens"] = int(body["max_tokens"])  # JSON numbers arrive as floats via Struct
    if spec.output_schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {
                "name": SCHEMA_NAME_UNSAFE.sub("_", spec.name)[:64],
                "schema": dict(spec.output_schema),
            },
        }
    return body
