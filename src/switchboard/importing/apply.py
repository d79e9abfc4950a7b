"""Apply a validated plan in one transaction. Idempotent: what already matches is left alone
(a price is added only when it differs from the current one), and the counts say so."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.repositories import audit
from switchboard.db.repositories import settings as settings_repo
from switchboard.db.repositories.catalog import price_row, prices_of
from switchboard.db.repositories.changes import assign_changed
from switchboard.db.repositories.models import current_prices
from switchboard.db.repositories.providers import find_by_name
from switchboard.db.schema import Model, ModelAlias, Organization, Provider, Route
from switchboard.importing.document import ImportFailed, ModelPlan, Plan, ProviderPlan, RoutePlan
from switchboard.security.secrets import SecretsError, Vault, mask


def _verdict(kind: str, created: bool, changed: bool) -> str:
    return f"{kind} {'created' if created else 'updated' if changed else 'unchanged'}"


def _same_key(row: Provider, key: str, vault: Vault) -> bool:
    if row.encrypted_credentials is None:
        return False
    try:
        return vault.decrypt(row.encrypted_credentials) == key
    except SecretsError:
        return False


async def _provider(
    session: AsyncSession, plan: ProviderPlan, vault: Vault, counts: Counter
) -> Provider:
    row = await find_by_name(session, plan.name)
    wanted = {
        "type": plan.type,
        "base_url": plan.base_url,
        "api_version": plan.api_version,
        "timeout_ms": plan.timeout_ms,
        "max_retries": plan.max_retries,
        "enabled": plan.enabled,
    }
    created = row is None
    if row is None:
        row = Provider(name=plan.name, **wanted)
        session.add(row)
    changed = assign_changed(row, wanted)
    if plan.api_key is not None and not _same_key(row, plan.api_key, vault):
        row.encrypted_credentials = vault.encrypt(plan.api_key)
        row.credentials_hint = mask(plan.api_key)
        changed = True
    counts[_verdict("providers", created, changed)] += 1
    await session.flush()
    return row


async def _models(
    session: AsyncSession, provider: Provider, plans: list[ModelPlan], counts: Counter
) -> None:
    existing = {
        m.name: m
        for m in await session.scalars(select(Model).where(Model.provider_id == provider.id))
    }
    now = datetime.now(UTC)
    prices = await current_prices(session, [m.id for m in existing.values()], now)
    for plan in plans:
        model = existing.get(plan.name)
        wanted = {
            "context_window": plan.context_window,
            "input_modalities": plan.input_modalities,
            "output_modalities": plan.output_modalities,
            "enabled": plan.enabled,
        }
        created = model is None
        if model is None:
            model = Model(provider_id=provider.id, name=plan.name, **wanted)
            session.add(model)
            await session.flush()
        changed = assign_changed(model, wanted)
        if prices_of(prices.get(model.id)) != plan.prices:
            session.add(price_row(model.id, plan.prices, now))
            changed = True
        counts[_verdict("models", created, changed)] += 1


async def _alias(session: AsyncSession, alias: str, target: str, counts: Counter) -> None:
    if await session.scalar(select(Route.id).where(Route.name == alias)) is not None:
        raise ImportFailed(f"aliases.{alias}: a route has that name")
    row = await session.scalar(select(ModelAlias).where(ModelAlias.alias == alias))
    if row is None:
        session.add(ModelAlias(alias=alias, target=target))
        counts["aliases created"] += 1
    elif assign_changed(row, {"target": target}):
        counts["aliases updated"] += 1


async def _route(session: AsyncSession, plan: RoutePlan, counts: Counter) -> None:
    if await session.scalar(select(ModelAlias.id).where(ModelAlias.alias == plan.name)):
        raise ImportFailed(f"routes: {plan.name!r} is already an alias")
    row = await session.scalar(select(Route).where(Route.name == plan.name))
    wanted = {"strategy": plan.strategy, "targets": plan.targets, "enabled": plan.enabled}
    if row is None:
        session.add(Route(name=plan.name, **wanted))
        counts["routes created"] += 1
    elif assign_changed(row, wanted):
        counts["routes updated"] += 1


async def _organization_id(session: AsyncSession, id_or_name: str) -> str:
    found = await session.scalar(
        select(Organization.id).where(
            or_(Organization.id == id_or_name, Organization.name == id_or_name)
        )
    )
    if found is None:
        raise ImportFailed(f"settings.organizations.{id_or_name}: no such organization")
    return found


async def _settings(session: AsyncSession, plan: Plan, counts: Counter) -> None:
    for (scope, who), values in plan.settings.items():
        scope_id = await _organization_id(session, who) if scope == "organization" else ""
        row = await settings_repo.get_scope(session, scope, scope_id)
        if row is None or row.values != values:
            await settings_repo.put_scope(session, scope, scope_id, values)
            counts["settings scopes written"] += 1


async def _features(session: AsyncSession, plan: Plan, counts: Counter) -> None:
    for spec in plan.features:
        row = await settings_repo.get_feature(session, spec.name)
        if row is None or settings_repo.feature_spec(row) != spec:
            await settings_repo.put_feature(session, spec)
            counts["features written"] += 1


async def apply_plan(session: AsyncSession, plan: Plan, vault: Vault) -> Counter:
    counts: Counter = Counter()
    for provider_plan in plan.providers:
        provider = await _provider(session, provider_plan, vault, counts)
        await _models(session, provider, provider_plan.models, counts)
    for alias, target in plan.aliases.items():
        await _alias(session, alias, target, counts)
    for route_plan in plan.routes:
        await _route(session, route_plan, counts)
    await _settings(session, plan, counts)
    await _features(session, plan, counts)
    await session.flush()
    audit.record(session, None, "config.import", ("config", ""), "", dict(counts))
    return counts
