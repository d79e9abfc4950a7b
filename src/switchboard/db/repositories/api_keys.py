"""API key rows. Only digests (hex SHA-256, 64 chars) and display prefixes are stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from switchboard.auth.permissions import normalize
from switchboard.auth.principal import Limits, Principal
from switchboard.db.schema import ApiKey, Organization, User
from switchboard.errors import Forbidden


def new_key_row(
    *, digest: str, prefix: str, name: str, permissions: Sequence[str], organization_id: str | None
) -> ApiKey:
    return ApiKey(
        key_hash=digest,
        prefix=prefix,
        name=name,
        permissions=list(permissions),
        organization_id=organization_id,
    )


async def insert_key(
    session: AsyncSession,
    *,
    digest: str,
    prefix: str,
    name: str,
    permissions: Sequence[str],
    organization_id: str | None = None,
    **fields: Any,
) -> ApiKey:
    """Add the row and flush (so `id` is set and a duplicate digest fails here); no commit."""
    row = new_key_row(
        digest=digest,
        prefix=prefix,
        name=name,
        permissions=permissions,
        organization_id=organization_id,
    )
    for name_, value in fields.items():
        setattr(row, name_, value)
    session.add(row)
    await session.flush()
    return row


async def find_by_digest(session: AsyncSession, digest: str) -> ApiKey | None:
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == digest))


async def count_keys(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(ApiKey)) or 0


def _key_limits(key: ApiKey) -> Limits:
    return Limits(
        requests_per_minute=key.rate_limit_per_minute,
        requests_per_hour=key.rate_limit_per_hour,
        tokens_per_minute=key.tokens_per_minute,
        daily_budget_pico=key.daily_budget_pico_usd,
        monthly_budget_pico=key.monthly_budget_pico_usd,
    )


def _user_limits(user: User | None) -> Limits:
    if user is None:
        return Limits()
    return Limits(
        requests_per_minute=user.rate_limit_per_minute,
        requests_per_hour=user.rate_limit_per_hour,
        tokens_per_minute=user.tokens_per_minute,
    )


def _organization_limits(org: Organization | None) -> Limits:
    if org is None:
        return Limits()
    return Limits(
        requests_per_minute=org.rate_limit_per_minute,
        requests_per_hour=org.rate_limit_per_hour,
        tokens_per_minute=org.tokens_per_minute,
        daily_budget_pico=org.daily_budget_pico_usd,
        monthly_budget_pico=org.monthly_budget_pico_usd,
    )


def principal_of(key: ApiKey, user: User | None, org: Organization | None) -> Principal:
    return Principal(
        key_id=key.id,
        key_name=key.name,
        user_id=key.user_id,
        organization_id=key.organization_id,
        permissions=normalize(key.permissions or ()),
        key_limits=_key_limits(key),
        user_limits=_user_limits(user),
        organization_limits=_organization_limits(org),
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        grace_until=key.grace_until,
    )


async def load_principal(session: AsyncSession, digest: str) -> Principal | None:
    """The key with this digest and its user's and organization's limits (one query)."""
    query = (
        select(ApiKey, User, Organization)
        .outerjoin(User, User.id == ApiKey.user_id)
        .outerjoin(Organization, Organization.id == ApiKey.organization_id)
        .where(ApiKey.key_hash == digest)
    )
    row = (await session.execute(query)).first()
    return None if row is None else principal_of(*row)


def scoped(query: Select[Any], organization_id: str | None, *, everywhere: bool) -> Select[Any]:
    """Limit a key query to one organization unless the caller is global."""
    if everywhere:
        return query
    if organization_id is None:
        return query.where(ApiKey.organization_id.is_(None))
    return query.where(ApiKey.organization_id == organization_id)


async def get_key(
    session: AsyncSession, key_id: str, organization_id: str | None, *, everywhere: bool
) -> ApiKey | None:
    query = scoped(
        select(ApiKey).where(ApiKey.id == key_id), organization_id, everywhere=everywhere
    )
    return await session.scalar(query)


async def list_keys(
    session: AsyncSession,
    organization_id: str | None,
    *,
    everywhere: bool,
    include_revoked: bool,
    offset: int,
    limit: int,
) -> tuple[list[ApiKey], int]:
    """A page of keys, newest first, and the total."""
    query = scoped(select(ApiKey), organization_id, everywhere=everywhere)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(ApiKey.created_at.desc(), ApiKey.id.desc()).offset(offset).limit(limit)
    return list((await session.scalars(page)).all()), total


async def ensure_tenant(
    session: AsyncSession, organization_id: str | None, user_id: str | None
) -> None:
    """Organizations and users are created implicitly when a key first names them."""
    if organization_id and await session.get(Organization, organization_id) is None:
        session.add(Organization(id=organization_id, name=organization_id))
        await session.flush()
    if not user_id:
        return
    user = await session.get(User, user_id)
    if user is None:
        session.add(User(id=user_id, organization_id=organization_id, name=user_id))
        await session.flush()
    elif user.organization_id != organization_id:
        # Its logs, limits and budgets belong to that organization: not to be borrowed.
        raise Forbidden(f"The user {user_id!r} belongs to another organization.", param="user_id")


async def record_last_used(session: AsyncSession, used: Mapping[str, datetime]) -> None:
    """One executemany UPDATE for every key used since the last flush (updated_at untouched)."""
    if not used:
        return
    table = ApiKey.__table__
    statement = (
        update(table)
        .where(table.c.id == bindparam("key_id"))
        .values(last_used_at=bindparam("used_at"), updated_at=table.c.updated_at)
    )
    params = [{"key_id": key_id, "used_at": when} for key_id, when in used.items()]
    await session.execute(statement, params)


async def mark_rotated(
    session: AsyncSession,
    old_id: str,
    new_id: str,
    grace_until: datetime,
    revoked_at: datetime | None,
) -> bool:
    """Point a live, not yet rotated key at its successor; False if another rotation or a
    revocation got there first (one conditional UPDATE: concurrent rotations cannot both win)."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == old_id, ApiKey.replaced_by_id.is_(None), ApiKey.revoked_at.is_(None))
        .values(replaced_by_id=new_id, grace_until=grace_until, revoked_at=revoked_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
