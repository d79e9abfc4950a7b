"""Settings checked against a provider's and a model's limits (ValidateSettings and writes).

Errors: everything `check_values` reports, plus
- max_tokens greater than the model's context window (when the window is known);
- temperature above the provider type's range (anthropic, cohere: 0..1; openai, azure,
  google: 0..2).
Warnings:
- temperature and top_p both changed from their defaults (OpenAI: alter one, not both);
- max_tokens over half the model's context window (little room left for the prompt);
- timeout_ms under 5000 for a provider other than echo;
- store_bodies true (set or by default) while redaction is disabled.
Provider and model rules skip a field that already has an error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from switchboard.domain.catalog import ModelInfo
from switchboard.settings.values import DEFAULTS, Violation, check_values

PREFIX = "settings"
TEMPERATURE_MAX: Mapping[str, float] = {
    "anthropic": 1.0,
    "cohere": 1.0,
    "openai": 2.0,
    "azure": 2.0,
    "google": 2.0,
}
SHORT_TIMEOUT_MS = 5000

Rule = Callable[[Mapping[str, Any], ModelInfo | None, str | None], Violation | None]


def validate(
    values: Mapping[str, Any], model: ModelInfo | None, provider_type: str | None
) -> tuple[list[Violation], list[Violation]]:
    """(errors, warnings) for one scope's `values`, as the module docstring lists them."""
    errors = check_values(values, PREFIX)
    failed = {violation.field for violation in errors}
    usable = {name: value for name, value in values.items() if _path(name) not in failed}
    errors += _apply(ERROR_RULES, usable, model, provider_type)
    warnings = _apply(WARNING_RULES, usable, model, provider_type)
    return errors, warnings


def _apply(
    rules: tuple[Rule, ...],
    values: Mapping[str, Any],
    model: ModelInfo | None,
    provider_type: str | None,
) -> list[Violation]:
    found = (rule(values, model, provider_type) for rule in rules)
    return [violation for violation in found if violation is not None]


def _path(name: str) -> str:
    return f"{PREFIX}.{name}"


def _context_window(model: ModelInfo | None) -> int | None:
    if model is None or model.context_length <= 0:
        return None
    return model.context_length


def max_tokens_within_context(
    values: Mapping[str, Any], model: ModelInfo | None, _provider_type: str | None
) -> Violation | None:
    """Error: max_tokens is greater than the model's context window."""
    window, max_tokens = _context_window(model), values.get("max_tokens")
    if window is None or max_tokens is None or max_tokens <= window:
        return None
    return Violation(
        _path("max_tokens"), f"exceeds the context window of {model.id} ({window} tokens)"
    )


def temperature_within_provider_range(
    values: Mapping[str, Any], _model: ModelInfo | None, provider_type: str | None
) -> Violation | None:
    """Error: temperature is above what the provider type accepts."""
    highest, temperature = TEMPERATURE_MAX.get(provider_type or ""), values.get("temperature")
    if highest is None or temperature is None or temperature <= highest:
        return None
    return Violation(_path("temperature"), f"{provider_type} accepts 0 to {highest:g}")


def temperature_and_top_p_both_changed(
    values: Mapping[str, Any], _model: ModelInfo | None, _provider_type: str | None
) -> Violation | None:
    """Warning: both sampling knobs moved; OpenAI recommends altering one, not both."""
    if not all(_changed(values, name) for name in ("temperature", "top_p")):
        return None
    return Violation(_path("top_p"), "temperature and top_p are both changed; alter one")


def _changed(values: Mapping[str, Any], name: str) -> bool:
    return values.get(name) is not None and values[name] != DEFAULTS[name]


def max_tokens_leaves_room(
    values: Mapping[str, Any], model: ModelInfo | None, _provider_type: str | None
) -> Violation | None:
    """Warning: max_tokens is over half the context window (but within it)."""
    window, max_tokens = _context_window(model), values.get("max_tokens")
    if window is None or max_tokens is None or not window / 2 < max_tokens <= window:
        return None
    return Violation(
        _path("max_tokens"), f"over half the context window ({window}); little room for input"
    )


def timeout_not_too_short(
    values: Mapping[str, Any], _model: ModelInfo | None, provider_type: str | None
) -> Violation | None:
    """Warning: timeout_ms under 5000 for a real (non-echo) provider."""
    timeout_ms = values.get("timeout_ms")
    if provider_type in (None, "echo") or timeout_ms is None or timeout_ms >= SHORT_TIMEOUT_MS:
        return None
    return Violation(_path("timeout_ms"), f"under {SHORT_TIMEOUT_MS} ms; real calls may time out")


def bodies_stored_unredacted(
    values: Mapping[str, Any], _model: ModelInfo | None, _provider_type: str | None
) -> Violation | None:
    """Warning: bodies are stored while redaction is disabled."""
    store_bodies = values.get("store_bodies")
    redaction = values.get("redaction") or {}
    if store_bodies is None:
        store_bodies = DEFAULTS["store_bodies"]
    if not store_bodies or redaction.get("enabled") is not False:
        return None
    return Violation(_path("store_bodies"), "bodies are stored without PII redaction")


ERROR_RULES: tuple[Rule, ...] = (max_tokens_within_context, temperature_within_provider_range)
WARNING_RULES: tuple[Rule, ...] = (
    temperature_and_top_p_both_changed,
    max_tokens_leaves_room,
    timeout_not_too_short,
    bodies_stored_unredacted,
)
