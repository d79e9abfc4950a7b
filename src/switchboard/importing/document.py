"""switchboard.yaml -> validated plan. Every problem names its place in the document
(e.g. `providers[1].models[0].input_price_per_mtok`); nothing is applied unless all is valid."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from switchboard.api.settings import provider_fields
from switchboard.api.settings.catalog import alias_name, context_window, modalities, price_of
from switchboard.db.repositories.catalog import Prices
from switchboard.errors import SwitchboardError
from switchboard.routing.strategies import RouteTarget, check_route
from switchboard.settings.features import check_feature
from switchboard.settings.snapshot import FeatureSpec
from switchboard.settings.values import check_values

SECTIONS = ("providers", "aliases", "routes", "settings", "features")


class ImportFailed(Exception):
    """The document is not valid; the message names where. Never holds a secret."""


@dataclass(frozen=True)
class ModelPlan:
    name: str
    context_window: int
    input_modalities: list[str]
    output_modalities: list[str]
    enabled: bool
    prices: Prices


@dataclass(frozen=True)
class ProviderPlan:
    name: str
    type: str
    base_url: str
    api_key: str | None  # None: keep what is stored
    api_version: str
    timeout_ms: int | None
    max_retries: int | None
    enabled: bool
    models: list[ModelPlan] = field(default_factory=list)


@dataclass(frozen=True)
class RoutePlan:
    name: str
    strategy: str
    targets: list[dict[str, Any]]
    enabled: bool


@dataclass(frozen=True)
class Plan:
    providers: list[ProviderPlan]
    aliases: dict[str, str]
    routes: list[RoutePlan]
    # (scope, organization id or name) -> values; the global scope's id is "".
    settings: dict[tuple[str, str], dict[str, Any]]
    features: list[FeatureSpec]


def _at(where: str, value: Any, kind: type, default: Any = None) -> Any:
    if value is None:
        return default
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ImportFailed(f"{where}: must be a {kind.__name__}")
    return value


def _checked(where: str, check: Any, *args: Any, **kwargs: Any) -> Any:
    """Run one of the API's field checks, reporting its failure at `where`."""
    try:
        return check(*args, **kwargs)
    except SwitchboardError as exc:
        raise ImportFailed(f"{where}: {exc.message}") from None


def _model(where: str, raw: Any) -> ModelPlan:
    raw = _at(where, raw, dict)
    name = _at(f"{where}.name", raw.get("name"), str, "")
    if not name.strip():
        raise ImportFailed(f"{where}.name: is required")

    def price(key: str, required: bool) -> int | None:
        text = str(raw[key]) if raw.get(key) is not None else ""
        return _checked(f"{where}.{key}", price_of, text, key, required=required)

    return ModelPlan(
        name=name.strip(),
        context_window=_checked(
            f"{where}.context_window", context_window, _at(where, raw.get("context_window"), int, 0)
        ),
        input_modalities=_checked(
            where, modalities, list(raw.get("input_modalities") or []), "input_modalities"
        ),
        output_modalities=_checked(
            where, modalities, list(raw.get("output_modalities") or []), "output_modalities"
        ),
        enabled=_at(f"{where}.enabled", raw.get("enabled"), bool, True),
        prices=(
            price("input_price_per_mtok", True) or 0,
            price("output_price_per_mtok", True) or 0,
            price("cached_input_price_per_mtok", False),
        ),
    )


def _api_key(where: str, raw: Mapping[str, Any], env: Mapping[str, str]) -> str | None:
    if "api_key" in raw:
        raise ImportFailed(
            f"{where}.api_key: put keys in the environment and name it in api_key_env"
        )
    variable = _at(f"{where}.api_key_env", raw.get("api_key_env"), str)
    if variable is None:
        return None
    if not env.get(variable):
        raise ImportFailed(f"{where}.api_key_env: the environment variable {variable} is not set")
    return _checked(f"{where}.api_key_env", provider_fields.api_key, env[variable], required=True)


def _provider(where: str, raw: Any, env: Mapping[str, str], allow: bool) -> ProviderPlan:
    raw = _at(where, raw, dict)
    type_ = _checked(f"{where}.type", provider_fields.provider_type, str(raw.get("type", "")))
    models = _at(f"{where}.models", raw.get("models"), list, [])
    timeout = _at(f"{where}.timeout_ms", raw.get("timeout_ms"), int, 0)
    retries = raw.get("max_retries")
    return ProviderPlan(
        name=_checked(f"{where}.name", provider_fields.name, str(raw.get("name", ""))),
        type=type_,
        base_url=_checked(
            f"{where}.base_url",
            provider_fields.base_url,
            str(raw.get("base_url") or ""),
            type_,
            allow_link_local=allow,
        ),
        api_key=_api_key(where, raw, env),
        api_version=_checked(
            f"{where}.api_version", provider_fields.api_version, str(raw.get("api_version") or "")
        ),
        timeout_ms=_checked(f"{where}.timeout_ms", provider_fields.timeout_ms, timeout),
        max_retries=None
        if retries is None
        else _checked(
            f"{where}.max_retries", provider_fields.max_retries, _at(where, retries, int)
        ),
        enabled=_at(f"{where}.enabled", raw.get("enabled"), bool, True),
        models=[_model(f"{where}.models[{i}]", m) for i, m in enumerate(models)],
    )


def _aliases(raw: Mapping[Any, Any]) -> dict[str, str]:
    """The same rules as the settings API: a well-formed name, a target that is not itself."""
    aliases: dict[str, str] = {}
    for alias, target in raw.items():
        name = _checked(f"aliases.{alias}", alias_name, str(alias))
        if not str(target or "").strip() or str(target).strip() == name:
            raise ImportFailed(f"aliases.{alias}: the target must name another model or route")
        aliases[name] = str(target).strip()
    return aliases


def _route(where: str, raw: Any) -> RoutePlan:
    raw = _at(where, raw, dict)
    targets = [
        RouteTarget(str(t.get("model", "")), int(t.get("weight", 1)))
        if isinstance(t, dict)
        else RouteTarget(str(t))
        for t in _at(f"{where}.targets", raw.get("targets"), list, [])
    ]
    name, strategy = str(raw.get("name", "")).strip(), str(raw.get("strategy", ""))
    violations = check_route(name, strategy, targets)
    if violations:
        place, message = violations[0]
        raise ImportFailed(f"{where}.{place}: {message}")
    return RoutePlan(
        name=name,
        strategy=strategy,
        targets=[{"model": t.model, "weight": t.weight} for t in targets],
        enabled=_at(f"{where}.enabled", raw.get("enabled"), bool, True),
    )


def _values(where: str, raw: Any) -> dict[str, Any]:
    values = dict(_at(where, raw, dict, {}))
    violations = check_values(values, prefix=where)
    if violations:
        raise ImportFailed(f"{violations[0].field}: {violations[0].message}")
    return values


def _settings(raw: Any) -> dict[tuple[str, str], dict[str, Any]]:
    raw = _at("settings", raw, dict, {})
    scoped = {("global", ""): _values("settings.global", raw["global"])} if "global" in raw else {}
    organizations = _at("settings.organizations", raw.get("organizations"), dict, {})
    for organization, values in organizations.items():
        where = f"settings.organizations.{organization}"
        scoped[("organization", str(organization))] = _values(where, values)
    return scoped


def _feature(where: str, raw: Any) -> FeatureSpec:
    raw = _at(where, raw, dict)
    spec = FeatureSpec(
        name=_at(f"{where}.name", raw.get("name"), str, ""),
        prompt_template=_at(f"{where}.prompt_template", raw.get("prompt_template"), str, ""),
        model=_at(f"{where}.model", raw.get("model"), str, "").strip(),
        description=str(raw.get("description") or ""),
        system_prompt=str(raw.get("system_prompt") or ""),
        settings=dict(_at(f"{where}.settings", raw.get("settings"), dict, {})),
        output_schema=raw.get("output_schema"),
        enabled=_at(f"{where}.enabled", raw.get("enabled"), bool, True),
    )
    violations = check_feature(spec)
    if violations:
        place = violations[0].field.removeprefix("feature.")
        raise ImportFailed(f"{where}.{place}: {violations[0].message}")
    return spec


def parse_document(document: Any, env: Mapping[str, str], *, allow_link_local: bool) -> Plan:
    document = _at("the document", document, dict, {})
    unknown = sorted(set(document) - set(SECTIONS))
    if unknown:
        raise ImportFailed(f"unknown section(s) {', '.join(unknown)}; known: {', '.join(SECTIONS)}")
    providers = _at("providers", document.get("providers"), list, [])
    aliases = _at("aliases", document.get("aliases"), dict, {})
    return Plan(
        providers=[
            _provider(f"providers[{i}]", p, env, allow_link_local) for i, p in enumerate(providers)
        ],
        aliases=_aliases(aliases),
        routes=[_route(f"routes[{i}]", r) for i, r in enumerate(document.get("routes") or [])],
        settings=_settings(document.get("settings")),
        features=[
            _feature(f"features[{i}]", f) for i, f in enumerate(document.get("features") or [])
        ],
    )
