"""The settings and features of every scope, held in memory and swapped whole on change, so
resolving a request's settings never touches the database."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from switchboard.settings.resolve import DEFAULT_SCOPE, Effective, Layer, resolve

# Settings the chat path fills into a request that does not set them itself.
SAMPLING = ("temperature", "max_tokens", "top_p", "frequency_penalty", "presence_penalty")


@dataclass(frozen=True)
class FeatureSpec:
    name: str
    prompt_template: str
    model: str
    description: str = ""
    system_prompt: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    output_schema: Mapping[str, Any] | None = None
    enabled: bool = True


@dataclass(frozen=True)
class Scope:
    """Whose settings: each part may be empty."""

    organization_id: str = ""
    feature_name: str = ""
    key_id: str = ""


@dataclass(frozen=True)
class Retention:
    """How many days log records are kept: everywhere, and where an organization says."""

    days: int
    organizations: Mapping[str, int] = field(default_factory=dict)

    @property
    def shortest(self) -> int:
        return min([self.days, *self.organizations.values()])


@dataclass(frozen=True)
class SettingsSnapshot:
    # (scope, scope_id) -> the values set there; the global scope's id is "".
    scoped: Mapping[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    features: Mapping[str, FeatureSpec] = field(default_factory=dict)
    _overrides: dict[Scope, dict[str, Any]] = field(default_factory=dict, compare=False)

    def layers(self, scope: Scope) -> list[Layer]:
        found = [Layer("global", self.scoped.get(("global", ""), {}))]
        if scope.organization_id:
            found.append(
                Layer("organization", self.scoped.get(("organization", scope.organization_id), {}))
            )
        feature = self.features.get(scope.feature_name)
        if feature is not None:
            found.append(Layer("feature", feature.settings))
        if scope.key_id:
            found.append(Layer("key", self.scoped.get(("key", scope.key_id), {})))
        return found

    def effective(self, scope: Scope, request: Mapping[str, Any] | None = None) -> Effective:
        layers = self.layers(scope)
        if request:
            layers.append(Layer("request", request))
        return resolve(layers)

    def overrides(self, scope: Scope) -> dict[str, Any]:
        """The values some scope sets (not the built-in defaults); memoised per scope."""
        cached = self._overrides.get(scope)
        if cached is None:
            effective = self.effective(scope)
            cached = {
                name: value
                for name, value in effective.values.items()
                if effective.sources.get(name, "") not in ("", DEFAULT_SCOPE)
            }
            self._overrides[scope] = cached
        return cached

    def retention(self, default_days: int) -> Retention:
        """`log_retention_days` of the global scope (else `default_days`) and of each
        organization that sets its own."""
        days = self.scoped.get(("global", ""), {}).get("log_retention_days") or default_days
        organizations = {
            scope_id: values["log_retention_days"]
            for (scope, scope_id), values in self.scoped.items()
            if scope == "organization" and values.get("log_retention_days")
        }
        return Retention(days, organizations)
