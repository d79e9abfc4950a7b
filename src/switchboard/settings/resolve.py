"""Effective settings: the defaults overridden scope by scope, widest first, remembering which
scope each value came from. `redaction` merges field by field, so a narrower scope that only
sets `enabled` keeps the wider scope's rules."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from switchboard.api.convert import json_value
from switchboard.settings.values import DEFAULTS, FIELDS, REDACTION_KEYS, values_to_proto
from switchboard.v1 import settings_pb2

SCOPES = ("global", "organization", "feature", "key", "request")
DEFAULT_SCOPE = "default"


@dataclass(frozen=True)
class Layer:
    scope: str
    values: Mapping[str, Any]


@dataclass(frozen=True)
class Effective:
    values: dict[str, Any]
    # Field name -> scope it came from; redaction is reported as "redaction.enabled" etc.
    sources: dict[str, str]


def resolve(layers: Sequence[Layer]) -> Effective:
    """Apply `layers` over the defaults, widest scope first whatever order they come in.
    None values and unknown names in a layer are skipped (nothing set there)."""
    values = copy.deepcopy(DEFAULTS)
    sources = dict.fromkeys(source_names(), DEFAULT_SCOPE)
    for layer in sorted(layers, key=_scope_rank):
        for name, value in layer.values.items():
            if value is None or name not in DEFAULTS:
                continue
            if name == "redaction":
                _merge_redaction(values["redaction"], value, layer.scope, sources)
            else:
                values[name] = value
                sources[name] = layer.scope
    return Effective(values, sources)


def source_names() -> list[str]:
    """Every name `Effective.sources` reports, in field order."""
    names: list[str] = []
    for field in FIELDS:
        if field.name == "redaction":
            names.extend(f"redaction.{key}" for key in REDACTION_KEYS)
        else:
            names.append(field.name)
    return names


def _scope_rank(layer: Layer) -> int:
    if layer.scope not in SCOPES:
        raise ValueError(f"unknown settings scope {layer.scope!r}; known: {', '.join(SCOPES)}")
    return SCOPES.index(layer.scope)


def _merge_redaction(
    merged: dict[str, Any], layer: Mapping[str, Any], scope: str, sources: dict[str, str]
) -> None:
    for key in REDACTION_KEYS:
        value = layer.get(key)
        if value is not None:
            merged[key] = list(value) if isinstance(value, list | tuple) else value
            sources[f"redaction.{key}"] = scope


def effective_to_proto(
    effective: Effective,
) -> tuple[settings_pb2.SettingValues, list[settings_pb2.EffectiveSetting]]:
    """The resolved values, and one `EffectiveSetting` per source name (null when unset)."""
    settings = values_to_proto(effective.values)
    sources = [
        settings_pb2.EffectiveSetting(
            name=name, value=json_value(_lookup(effective.values, name)), scope=scope
        )
        for name, scope in effective.sources.items()
    ]
    return settings, sources


def _lookup(values: Mapping[str, Any], dotted: str) -> Any:
    value: Any = values
    for part in dotted.split("."):
        value = value.get(part)
    return value
