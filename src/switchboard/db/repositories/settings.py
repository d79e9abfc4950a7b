"""Scoped settings rows and features."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.db.schema import Feature, Setting
from switchboard.settings.snapshot import FeatureSpec, SettingsSnapshot


async def get_scope(session: AsyncSession, scope: str, scope_id: str) -> Setting | None:
    query = select(Setting).where(Setting.scope == scope, Setting.scope_id == scope_id)
    return await session.scalar(query)


async def put_scope(
    session: AsyncSession, scope: str, scope_id: str, values: dict[str, Any]
) -> Setting:
    """Replace the values stored at one scope."""
    row = await get_scope(session, scope, scope_id)
    if row is None:
        row = Setting(scope=scope, scope_id=scope_id, values=values)
        session.add(row)
    else:
        row.values = values
        row.version += 1
    await session.flush()
    await session.refresh(row)
    return row


def feature_spec(row: Feature) -> FeatureSpec:
    return FeatureSpec(
        name=row.name,
        prompt_template=row.prompt_template,
        model=row.model,
        description=row.description,
        system_prompt=row.system_prompt,
        settings=dict(row.settings or {}),
        output_schema=row.output_schema,
        enabled=row.enabled,
    )


async def get_feature(session: AsyncSession, name: str) -> Feature | None:
    return await session.scalar(select(Feature).where(Feature.name == name))


async def put_feature(session: AsyncSession, spec: FeatureSpec) -> Feature:
    row = await get_feature(session, spec.name)
    if row is None:
        row = Feature(name=spec.name)
        session.add(row)
    row.description, row.system_prompt = spec.description, spec.system_prompt
    row.prompt_template, row.model = spec.prompt_template, spec.model
    row.settings, row.output_schema = dict(spec.settings), spec.output_schema
    row.enabled = spec.enabled
    await session.flush()
    await session.refresh(row)
    return row


async def load_snapshot(session: AsyncSession) -> SettingsSnapshot:
    scoped = {(r.scope, r.scope_id): dict(r.values) for r in await session.scalars(select(Setting))}
    features = {r.name: feature_spec(r) for r in await session.scalars(select(Feature))}
    return SettingsSnapshot(scoped=scoped, features=features)
